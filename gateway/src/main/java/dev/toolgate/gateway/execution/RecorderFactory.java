package dev.toolgate.gateway.execution;

import dev.toolgate.observability.CallRecorder;
import dev.toolgate.observability.JdbcCallRecorder;
import io.micronaut.context.annotation.Factory;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/** Wires the framework-free call recorder to the application's data source. */
@Factory
public class RecorderFactory {
    @Singleton
    CallRecorder callRecorder(DataSource dataSource,
            @Value("${toolgate.calls.max-stored-chars:65536}") int maxStoredChars) {
        // The recorder manages its own connections (autocommit), outside any transaction.
        return new JdbcCallRecorder(DelegatingDataSource.unwrapDataSource(dataSource), maxStoredChars);
    }
}
