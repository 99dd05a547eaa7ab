package dev.toolgate.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder guards of {@link ResilienceConfig}, {@code ofDefaults()}, {@code from(base)} and the overrides on top. */
class ResilienceConfigTest {
    @Test
    void ofDefaults_hasTheDocumentedValues() {
        ResilienceConfig d = ResilienceConfig.ofDefaults();
        assertThat(d.maxAttempts()).isEqualTo(3);
        assertThat(d.initialBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(d.maxBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.failureRateThreshold()).isEqualTo(50f);
        assertThat(d.slowCallRateThreshold()).isEqualTo(100f);
        assertThat(d.slowCallDuration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.minimumCalls()).isEqualTo(10);
        assertThat(d.windowSize()).isEqualTo(20);
        assertThat(d.openDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.halfOpenCalls()).isEqualTo(3);
        assertThat(d.maxConcurrent()).isEqualTo(256);
        assertThat(d.deadlineMargin()).isEqualTo(Duration.ofMillis(20));
        assertThat(ResilienceConfig.custom().build()).isEqualTo(d);
    }

    @Test
    void from_copiesTheBaseAndChangesOnlyWhatIsSet() {
        ResilienceConfig base = ResilienceConfig.custom().maxAttempts(5).openDuration(Duration.ofSeconds(7)).build();

        ResilienceConfig derived = ResilienceConfig.from(base).maxConcurrent(2).build();

        assertThat(derived.maxAttempts()).isEqualTo(5);
        assertThat(derived.openDuration()).isEqualTo(Duration.ofSeconds(7));
        assertThat(derived.maxConcurrent()).isEqualTo(2);
        assertThat(base.maxConcurrent()).isEqualTo(256); // the base is not changed
        assertThat(ResilienceConfig.from(base).build()).isEqualTo(base);
    }

    @Test
    void builder_zeroOpenDuration_throwsNamingTheValue() {
        assertThatThrownBy(() -> ResilienceConfig.custom().openDuration(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("openDuration must be > 0, but was PT0S");
    }

    @Test
    void builder_everyGuard_rejectsItsValueByName() {
        ResilienceConfig.Builder b = ResilienceConfig.custom();
        List<Runnable> bad = List.of(() -> b.maxAttempts(0), () -> b.maxAttempts(11),
                () -> b.initialBackoff(Duration.ofMillis(-1)), () -> b.maxBackoff(Duration.ZERO),
                () -> b.failureRateThreshold(0), () -> b.failureRateThreshold(100.5f),
                () -> b.slowCallRateThreshold(0), () -> b.slowCallDuration(Duration.ZERO), () -> b.minimumCalls(0),
                () -> b.windowSize(0), () -> b.halfOpenCalls(0), () -> b.maxConcurrent(0),
                () -> b.maxConcurrent(10_001), () -> b.deadlineMargin(Duration.ofMillis(-1)),
                () -> b.deadlineMargin(Duration.ofMillis(1001)));
        List<String> names = List.of("maxAttempts", "maxAttempts", "initialBackoff", "maxBackoff",
                "failureRateThreshold", "failureRateThreshold", "slowCallRateThreshold", "slowCallDuration",
                "minimumCalls", "windowSize", "halfOpenCalls", "maxConcurrent", "maxConcurrent", "deadlineMargin",
                "deadlineMargin");
        for (int i = 0; i < bad.size(); i++) {
            assertThatThrownBy(bad.get(i)::run).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(names.get(i) + " must be").hasMessageContaining(", but was ");
        }
        assertThat(b.build()).isEqualTo(ResilienceConfig.ofDefaults()); // a rejected value changes nothing
    }

    @Test
    void builder_nullDuration_throwsNpeNamingIt() {
        assertThatThrownBy(() -> ResilienceConfig.custom().slowCallDuration(null))
                .isInstanceOf(NullPointerException.class).hasMessage("slowCallDuration");
        assertThatThrownBy(() -> ResilienceConfig.from(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("base");
    }

    @Test
    void build_initialBackoffLongerThanMaxBackoff_throws() {
        assertThatThrownBy(() -> ResilienceConfig.custom().initialBackoff(Duration.ofSeconds(3)).build())
                .hasMessage("initialBackoff must be <= maxBackoff (PT2S), but was PT3S");
    }

    @Test
    void build_minimumCallsAboveWindowSize_throws() {
        assertThatThrownBy(() -> ResilienceConfig.custom().windowSize(4).build())
                .hasMessage("minimumCalls must be <= windowSize (4), but was 10");
    }

    @Test
    void overrides_applyOnlyTheirNonZeroFields() {
        ResilienceConfig gateway = ResilienceConfig.custom().maxAttempts(4).failureRateThreshold(40).build();
        ResilienceOverrides overrides = new ResilienceOverrides(0, 8, 0, Duration.ofSeconds(5), "");

        ResilienceConfig c = overrides.applyTo(gateway);

        assertThat(c).isEqualTo(ResilienceConfig.from(gateway).maxConcurrent(8).openDuration(Duration.ofSeconds(5))
                .build());
        assertThat(ResilienceOverrides.NONE.applyTo(gateway)).isEqualTo(gateway);
    }
}
