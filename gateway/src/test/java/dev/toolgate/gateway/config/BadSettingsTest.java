package dev.toolgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.toolgate.gateway.egress.EgressProperties;
import dev.toolgate.gateway.grpc.GrpcLimitsProperties;
import dev.toolgate.gateway.resilience.ResilienceConfig;
import dev.toolgate.gateway.resilience.ResilienceProperties;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A rejected configuration value stops the start, and the failure names the key and the value:
 * the gateway is started for real (test environment, PostgreSQL) with one bad value each time,
 * one key of every group.
 */
class BadSettingsTest {
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "toolgate.auth.cache-size | 0                               | 0",
            "toolgate.auth.cache-ttl | -1s                              | PT-1S",
            "toolgate.arguments.validation-threads | 257                | 257",
            "toolgate.arguments.max-depth | 1                           | 1",
            "toolgate.calls.retention | 2h                              | PT2H",
            "toolgate.catalog.refresh-interval | -1s                    | PT-1S",
            "toolgate.confirmations.ttl | 8d                            | PT192H",
            "toolgate.confirmations.sweep-interval | 0s                 | PT0S",
            "toolgate.grpc.max-request-bytes | 1000                     | 1000",
            "toolgate.http.connect-timeout | 0s                         | PT0S",
            "toolgate.http.max-response-bytes | 100                     | 100",
            "toolgate.oauth.refresh-before | -5s                        | PT-5S",
            "toolgate.management.port | 70000                           | 70000",
            "toolgate.mcp.max-streams-per-key | 0                       | 0",
            "toolgate.mcp.sync-interval | 0s                            | PT0S",
            "toolgate.metrics.refresh-interval | 0s                     | PT0S",
            "toolgate.policy.check-interval | 0s                        | PT0S",
            "toolgate.secrets.cache-ttl | -1s                           | PT-1S",
            "toolgate.sql.acquire-timeout | 100ms                       | PT0.1S",
            "toolgate.telemetry.enabled | sometimes                     | sometimes",
            "toolgate.telemetry.capture-max-chars | 8                   | 8",
            "toolgate.resilience.retry.max-attempts | 0                 | 0",
            "toolgate.resilience.circuit.open-duration | 0s            | PT0S",
            "toolgate.resilience.circuit.failure-rate-threshold | 101  | 101.0",
            "toolgate.resilience.bulkhead.max-concurrent | 10001       | 10001",
            "toolgate.resilience.deadline-margin | 2s                  | PT2S",
    })
    void start_withRejectedValue_failsNamingKeyAndValue(String key, String value, String shown) {
        Throwable failure = catchThrowable(() -> start(Map.of(key, value)).close());

        assertThat(failure).as("start with %s=%s", key, value).isNotNull();
        assertThat(messages(failure)).contains(key).contains("but was " + shown);
    }

    @Test
    void start_withValuesThatDependOnEachOther_failsNamingBoth() {
        Throwable failure = catchThrowable(() -> start(Map.of("toolgate.resilience.retry.initial-backoff", "5s",
                "toolgate.resilience.retry.max-backoff", "2s")).close());

        assertThat(messages(failure)).contains("toolgate.resilience")
                .contains("initialBackoff must be <= maxBackoff (PT2S), but was PT5S");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "toolgate.auth.cache-size | lots | a whole number",
            "toolgate.http.connect-timeout | soon | a duration",
            "toolgate.egress.allow-public | maybe | true or false",
            "toolgate.resilience.circuit.failure-rate-threshold | half | a number",
    })
    void start_withTextTheKeyCannotTake_failsNamingKeyAndValue(String key, String value, String expected) {
        Throwable failure = catchThrowable(() -> start(Map.of(key, value)).close());

        assertThat(failure).as("start with %s=%s", key, value).isNotNull();
        assertThat(messages(failure)).contains(key + " must be " + expected).contains("but was " + value);
    }

    @Test
    void environmentVariables_setTheKeysTheDocsNameThemFor() {
        PropertySource env = PropertySource.of("test-env", Map.of(
                "TOOLGATE_GRPC_MAX_ADMIN_REQUEST_BYTES", "2048",
                "TOOLGATE_EGRESS_ALLOW", "127.0.0.0/8,::1",
                "TOOLGATE_RESILIENCE_CIRCUIT_SLOW_CALL_DURATION", "3s",
                "TOOLGATE_RESILIENCE_BULKHEAD_MAX_CONCURRENT", "7"),
                PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE);
        try (ApplicationContext ctx = ApplicationContext.builder().environments("test").propertySources(env)
                .properties(Map.of("micronaut.server.port", "-1", "grpc.server.port", "0",
                        "datasources.default.maximum-pool-size", "3")).start()) {
            assertThat(ctx.getBean(GrpcLimitsProperties.class).maxAdminRequestBytes()).isEqualTo(2048);
            assertThat(ctx.getBean(EgressProperties.class).allow()).containsExactly("127.0.0.0/8", "::1");
            ResilienceConfig resilience = ctx.getBean(ResilienceConfig.class);
            assertThat(resilience.slowCallDuration()).isEqualTo(Duration.ofSeconds(3));
            assertThat(resilience.maxConcurrent()).isEqualTo(7);
            assertThat(resilience).isEqualTo(ResilienceConfig.from(ResilienceConfig.ofDefaults())
                    .slowCallDuration(Duration.ofSeconds(3)).maxConcurrent(7).build());
            assertThat(ctx.getBean(ResilienceProperties.class).retry().maxAttempts())
                    .isEqualTo(ResilienceConfig.DEFAULT_MAX_ATTEMPTS);
        }
    }

    /** Starts the gateway; a context that fails to start is closed too, so its connections are returned. */
    private static ApplicationContext start(Map<String, Object> properties) {
        Map<String, Object> all = new java.util.HashMap<>(properties);
        all.put("micronaut.server.port", "-1");
        all.put("grpc.server.port", "0");
        all.put("datasources.default.maximum-pool-size", "3");
        ApplicationContext ctx = ApplicationContext.builder().environments("test").properties(all).build();
        try {
            return ctx.start();
        } catch (RuntimeException e) {
            // Micronaut's close() does nothing for a context that never finished starting: the pools it
            // had opened are closed here, or every case would leave its connections behind.
            for (var pool : ctx.getActiveBeanRegistrations(javax.sql.DataSource.class)) {
                javax.sql.DataSource ds = io.micronaut.data.connection.jdbc.advice.DelegatingDataSource
                        .unwrapDataSource(pool.bean());
                if (ds instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
            }
            try {
                ctx.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }
}
