package dev.toolgate.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Re2PatternsTest {
    @Test
    void problem_commonSchemaPatterns_areAccepted() {
        assertThat(Re2Patterns.problem("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")).isEmpty();
        assertThat(Re2Patterns.problem("^\\d{5}(-\\d{4})?$")).isEmpty();
        assertThat(Re2Patterns.problem("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$")).isEmpty();
        assertThat(Re2Patterns.problem("^[a-z]{1,1000}$")).isEmpty();
        assertThat(Re2Patterns.problem("^\\p{L}+$")).isEmpty();
        assertThat(Re2Patterns.problem("^(.*a){4}$")).isEmpty();
    }

    @Test
    void problem_literalBracesAndQuotedText_areNotCountedAsRepetitions() {
        assertThat(Re2Patterns.problem("^\\{[a-z]+}$")).isEmpty();
        assertThat(Re2Patterns.problem("\\Q(a{1000}){1000}\\E")).isEmpty();
    }

    @Test
    void problem_nestedCountsBeyondTheLimit_areRefusedBeforeRe2CompilesThem() {
        assertThat(Re2Patterns.problem("((a{1000}){1000}){1000}")).get().asString().contains("more than 2000");
        assertThat(Re2Patterns.problem("(a{100}){100}")).isPresent();
    }

    @Test
    void problem_lookaroundAndBackreferences_areRefused() {
        assertThat(Re2Patterns.problem("^(?=.*\\d).+$")).get().asString().contains("RE2");
        assertThat(Re2Patterns.problem("(a)\\1")).isPresent();
    }

    @Test
    void problem_overlongPattern_isRefused() {
        assertThat(Re2Patterns.problem("a".repeat(Re2Patterns.MAX_CHARS + 1))).get().asString()
                .isEqualTo("is longer than 1000 chars");
    }

    @Test
    void validationThreads_zeroThreads_throwsNamingTheKeyAndValue() {
        assertThatThrownBy(() -> new ValidationThreads(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("toolgate.arguments.validation-threads must be 1..256, but was 0");
    }
}
