package dev.toolgate.gateway.execution;

import dev.toolgate.observability.AsyncFinishCallRecorder;
import dev.toolgate.observability.CallRecorder;
import dev.toolgate.observability.JdbcCallRecorder;
import dev.toolgate.observability.Redactor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/**
 * Wires the framework-free call recorder to the application's data source: the row before an
 * execution is written on the request path, its outcome by a background writer in batches
 * ({@code toolgate.calls.outcome-queue}, 10000 outcomes; when full, callers write their own).
 */
@Factory
public class RecorderFactory {
    @Singleton
    @Bean(preDestroy = "close")
    AsyncFinishCallRecorder callRecorder(DataSource dataSource,
            @Value("${toolgate.calls.max-stored-chars:65536}") int maxStoredChars,
            @Value("${toolgate.calls.max-result-chars:1200000}") int maxResultChars,
            @Value("${toolgate.calls.outcome-queue:10000}") int outcomeQueue,
            Redactor redactor) {
        // The recorder manages its own connections (autocommit), outside any transaction.
        return new AsyncFinishCallRecorder(
                new JdbcCallRecorder(DelegatingDataSource.unwrapDataSource(dataSource), maxStoredChars,
                        maxResultChars, redactor), outcomeQueue);
    }

    /**
     * What is masked in stored arguments and results: secret-looking keys and values always,
     * plus {@code toolgate.redaction.paths} entries {@code "integration.tool /json/pointer"}.
     */
    @Singleton
    Redactor redactor(@Value("${toolgate.redaction.paths:}") List<String> paths) {
        Map<String, List<String>> byTool = new HashMap<>();
        for (String entry : paths) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.strip().split("\\s+");
            if (parts.length != 2 || !parts[1].startsWith("/")) {
                throw new IllegalArgumentException("toolgate.redaction.paths entries are \"integration.tool /json/pointer\","
                        + " but got '" + entry + "'");
            }
            byTool.computeIfAbsent(parts[0], t -> new ArrayList<>()).add(parts[1]);
        }
        return new Redactor(byTool);
    }
}
