package dev.toolgate.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import org.junit.jupiter.api.Test;

class ArgumentParserTest {
    private final ArgumentParser parser = new ArgumentParser(ArgumentLimits.ofDefaults());

    @Test
    void parse_empty_isEmptyObject() {
        assertThat(parser.parse("").isObject()).isTrue();
    }

    @Test
    void parse_hugeExponent_isRefusedWithPointer() {
        GatewayException e = catchThrowableOfType(GatewayException.class,
                () -> parser.parse("{\"a\":{\"limit\":1e999999999},\"b\":[1, -2E-999999]}"));

        assertThat(e.violations()).extracting(FieldViolation::field).containsExactly("/a/limit", "/b/1");
        assertThat(e.getMessage()).contains("out of range");
    }

    @Test
    void parse_ordinaryLargeAndSmallNumbers_areAccepted() {
        assertThat(parser.parse("{\"a\":1e300,\"b\":1.5e-300,\"c\":123456789012345678901234567890}").size()).isEqualTo(3);
    }

    @Test
    void parse_duplicateKeys_areRefused() {
        assertThat(catchThrowableOfType(GatewayException.class, () -> parser.parse("{\"a\":1,\"a\":2}")).getMessage())
                .contains("Duplicate field 'a'");
    }

    @Test
    void parse_trailingContent_isRefused() {
        assertThat(catchThrowableOfType(GatewayException.class, () -> parser.parse("{} {}")).getMessage())
                .contains("not valid JSON");
    }

    @Test
    void limits_outOfRange_areRejectedWithValue() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new ArgumentLimits(10, 32)))
                .hasMessageContaining("was 10");
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new ArgumentLimits(4096, 1)))
                .hasMessageContaining("was 1");
    }
}
