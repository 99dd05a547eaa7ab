package dev.toolgate.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompiledSchemaTest {
    private static final String SCHEMA = """
            {"type":"object","required":["summary"],"additionalProperties":false,
             "properties":{"summary":{"type":"string","minLength":1},
                           "priority":{"type":"string","enum":["low","high"]},
                           "note":{"type":["string","null"]},
                           "address":{"type":"object","properties":{"zip":{"type":"string"}}}}}""";

    private final CompiledSchema schema = new SchemaCompiler().compile("input_schema_json", json(SCHEMA));

    @Test
    void nullForAnOptionalPropertyThatDoesNotAdmitNull_isTakenAsAbsent_andRemoved() {
        JsonNode args = json("{\"summary\":\"x\",\"priority\":null,\"address\":{\"zip\":null}}");

        assertThat(schema.validateTakingNullAsAbsent(args)).isEmpty();
        assertThat(args.toString()).isEqualTo("{\"summary\":\"x\",\"address\":{}}");
    }

    @Test
    void nullWhereNullIsAllowed_staysAsSent() {
        JsonNode args = json("{\"summary\":\"x\",\"note\":null}");

        assertThat(schema.validateTakingNullAsAbsent(args)).isEmpty();
        assertThat(args.has("note")).isTrue();
    }

    @Test
    void nullForARequiredProperty_isReportedAsATypeViolation_andNothingIsRemoved() {
        JsonNode args = json("{\"summary\":null,\"priority\":null}");

        List<FieldViolation> v = schema.validateTakingNullAsAbsent(args);

        assertThat(v).extracting(FieldViolation::field).contains("/summary");
        assertThat(args.toString()).isEqualTo("{\"summary\":null,\"priority\":null}");
    }

    @Test
    void otherViolations_remainWhenANullIsDropped() {
        JsonNode args = json("{\"summary\":\"\",\"priority\":null}");

        List<FieldViolation> v = schema.validateTakingNullAsAbsent(args);

        assertThat(v).extracting(FieldViolation::field).containsExactly("/summary");
        assertThat(args.has("priority")).isFalse();
    }

    @Test
    void violationMessage_namesThePointerOnce() {
        List<FieldViolation> v = schema.validate(json("{\"summary\":\"\"}"));

        assertThat(v).singleElement().satisfies(f -> {
            assertThat(f.message()).startsWith("/summary: ");
            assertThat(f.message().indexOf("/summary")).isEqualTo(f.message().lastIndexOf("/summary"));
        });
    }

    private static JsonNode json(String s) {
        try {
            return JsonSupport.mapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Validation threads that are stopped: a validation sent to them is refused with SHUTTING_DOWN. */
    private static SchemaCompiler onStoppedThreads() {
        ValidationThreads threads = new ValidationThreads(1);
        threads.close();
        return new SchemaCompiler(threads);
    }

    @Test
    void smallArgumentsOfASmallSchema_areValidatedOnTheCallersThread() {
        CompiledSchema small = onStoppedThreads().compile("input_schema_json", json(SCHEMA));

        assertThat(small.validatesSmallArgumentsInline()).isTrue();
        assertThat(small.validate(json("{\"summary\":\"x\",\"priority\":\"low\"}"))).isEmpty();
        assertThat(small.validate(json("{\"priority\":\"urgent\"}"))).extracting(FieldViolation::field)
                .containsExactlyInAnyOrder("/summary", "/priority");
    }

    @Test
    void largeArguments_orALargeSchema_orAReference_goToTheValidationThreads() {
        CompiledSchema small = onStoppedThreads().compile("input_schema_json", json(SCHEMA));
        String longText = "x".repeat(CompiledSchema.SMALL_TEXT + 1);
        assertThatThrownBy(() -> small.validate(json("{\"summary\":\"" + longText + "\"}")))
                .isInstanceOf(dev.toolgate.gateway.error.GatewayException.class).hasMessageContaining("stopping");
        StringBuilder many = new StringBuilder("{\"summary\":\"x\",\"address\":{");
        for (int i = 0; i < CompiledSchema.SMALL_INSTANCE_NODES; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        String manyNodes = many.append("}}").toString();
        assertThatThrownBy(() -> small.validate(json(manyNodes)))
                .isInstanceOf(dev.toolgate.gateway.error.GatewayException.class).hasMessageContaining("stopping");

        StringBuilder props = new StringBuilder("{\"type\":\"object\",\"properties\":{");
        for (int i = 0; i < CompiledSchema.SMALL_SCHEMA_NODES; i++) {
            props.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":{\"type\":\"string\"}");
        }
        CompiledSchema large = onStoppedThreads().compile("input_schema_json", json(props.append("}}").toString()));
        assertThat(large.validatesSmallArgumentsInline()).isFalse();
        assertThatThrownBy(() -> large.validate(json("{\"p1\":\"x\"}")))
                .isInstanceOf(dev.toolgate.gateway.error.GatewayException.class).hasMessageContaining("stopping");

        CompiledSchema recursive = onStoppedThreads().compile("input_schema_json", json("""
                {"type":"object","properties":{"child":{"$ref":"#"}}}"""));
        assertThat(recursive.validatesSmallArgumentsInline()).isFalse();
    }
}
