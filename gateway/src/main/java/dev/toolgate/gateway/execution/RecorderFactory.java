package dev.toolgate.gateway.execution;

import dev.toolgate.gateway.audit.CallsProperties;
import dev.toolgate.gateway.session.SessionSignals;
import dev.toolgate.gateway.session.SignallingCallStore;
import dev.toolgate.observability.CallRecorder;
import dev.toolgate.observability.Redactor;
import dev.toolgate.observability.jdbc.BufferedCallRecorder;
import dev.toolgate.observability.jdbc.JdbcCallStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/**
 * Wires the framework-free call recorder to the application's data source: the row before a
 * side-effecting execution is written on the request path, everything else by a background
 * writer in batches, buffered while the database is down up to {@code toolgate.calls.buffer-records}
 * (10000) records or {@code toolgate.calls.buffer-chars} (32 Mi) characters of text; past that,
 * new calls are refused.
 */
@Factory
public class RecorderFactory {
    @Singleton
    @Bean(preDestroy = "close")
    BufferedCallRecorder callRecorder(DataSource dataSource,
            CallsProperties calls, Redactor redactor, SessionSignals signals) {
        // The recorder manages its own connections (autocommit), outside any transaction. Each write
        // that touches a session signals its watchers (WatchSession) once it is stored.
        return new BufferedCallRecorder(new SignallingCallStore(
                new JdbcCallStore(DelegatingDataSource.unwrapDataSource(dataSource), calls.maxStoredChars(),
                        calls.maxResultChars(), redactor), signals), calls.bufferRecords(), calls.bufferChars(),
                calls.batchWindow());
    }

    /**
     * What is masked in stored arguments and results: secret-looking keys and values always,
     * plus {@code toolgate.redaction.paths} entries {@code "integration.tool /json/pointer"}.
     */
    @Singleton
    Redactor redactor(RedactionProperties redaction) {
        Map<String, List<String>> byTool = new HashMap<>();
        for (String entry : redaction.paths()) {
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
