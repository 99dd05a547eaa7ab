package dev.toolgate.gateway.sql;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.IntegrationKind;
import dev.toolgate.gateway.catalog.SqlBinding;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.egress.EgressGuard;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.secrets.SecretStore;
import dev.toolgate.gateway.upstream.IntegrationExecutor;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import dev.toolgate.gateway.upstream.UpstreamResponse;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Executes tools of SQL integrations: one prepared statement per call, arguments bound, inside
 * a transaction that is {@code READ ONLY} unless the tool is declared to write, with the
 * server's {@code statement_timeout} set from the call's deadline. Read-only transactions are
 * rolled back, writing ones committed. A database error is the tool's answer ({@code is_error},
 * with the SQLSTATE); no answer at all (connection refused, the deadline passed) is an
 * {@link UpstreamFailure}. Thread-safe.
 */
@Singleton
public class SqlToolExecutor implements IntegrationExecutor {
    /** Kept back from the deadline so the server's cancel arrives before the client gives up. */
    private static final Duration NETWORK_MARGIN = Duration.ofSeconds(2);

    private final SqlPools pools;
    private final SecretStore secrets;
    private final EgressGuard egress;
    private final int maxResultBytes;
    private final ExecutorService acquirers = Executors.newVirtualThreadPerTaskExecutor();
    private final Executor direct = Runnable::run;

    public SqlToolExecutor(SqlPools pools, SecretStore secrets, EgressGuard egress,
            SqlProperties config) {
        this.pools = requireNonNull(pools, "pools");
        this.secrets = requireNonNull(secrets, "secrets");
        this.egress = requireNonNull(egress, "egress");
        this.maxResultBytes = config.maxResultBytes();
    }

    @Override
    public IntegrationKind kind() {
        return IntegrationKind.SQL;
    }

    @Override
    public PreparedCall prepare(ToolDefinition tool, JsonNode arguments) {
        SqlBinding binding = tool.sqlBinding();
        SqlArguments values = SqlArguments.convert(binding, arguments);
        Supplier<DataSource> pool = dataSource(tool.integration());
        String name = tool.integration().name();
        return timeout -> run(pool, binding, values, timeout, name);
    }

    /**
     * The integration's pool, after the egress check; FAILED_PRECONDITION when its password
     * secret is gone. Looked up again when the call runs, so a pool replaced meanwhile is not used.
     */
    private Supplier<DataSource> dataSource(IntegrationEntity integration) {
        SqlConnection connection = SqlConnection.fromStored(integration.baseUrl(), integration.settings());
        for (InetSocketAddress server : connection.servers()) {
            egress.check(integration.tenantId(), server.getHostString(), server.getPort(),
                    "integration '" + integration.name() + "'");
        }
        String password = "";
        if (!connection.passwordSecret().isEmpty()) {
            password = secrets.reveal(integration.tenantId(), connection.passwordSecret())
                    .orElseThrow(() -> GatewayException.failedPrecondition("SECRET_NOT_FOUND", "secret '"
                            + connection.passwordSecret() + "' with the database password of integration '"
                            + integration.name() + "' does not exist; store it with PutSecret"));
        }
        String secret = password;
        String label = integration.tenantId() + "/" + integration.name();
        pools.pool(integration.id(), integration.tenantId(), label, connection, secret);
        return () -> pools.pool(integration.id(), integration.tenantId(), label, connection, secret);
    }

    private UpstreamResponse run(Supplier<DataSource> pool, SqlBinding binding, SqlArguments values,
            Duration timeout, String integration) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Connection connection = acquire(pool.get(), deadline, timeout, integration);
        boolean committing = false;
        try {
            long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            connection.setNetworkTimeout(direct, Math.toIntExact(Math.min(Integer.MAX_VALUE,
                    leftMs + NETWORK_MARGIN.toMillis())));
            try (Statement setup = connection.createStatement()) {
                // one round trip: the transaction's mode, a timeout local to it, and the string
                // syntax the query was checked under (a role or database may default to the old one)
                setup.execute((binding.readOnly() ? "SET TRANSACTION READ ONLY; " : "")
                        + "SET LOCAL statement_timeout = " + leftMs + "; SET LOCAL standard_conforming_strings = on");
            }
            UpstreamResponse response = execute(connection, binding, values);
            if (binding.readOnly()) {
                connection.rollback();
            } else {
                committing = true;
                connection.commit();
            }
            return response;
        } catch (SQLException e) {
            rollbackQuietly(connection);
            if (committing && isConnectionLoss(e)) {
                throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the connection to the database of"
                        + " integration '" + integration + "' failed while committing: the change may or may not have"
                        + " been applied; check before calling again");
            }
            return answer(e, integration, timeout);
        } finally {
            closeQuietly(connection);
        }
    }

    private UpstreamResponse execute(Connection connection, SqlBinding binding, SqlArguments values)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(binding.query().jdbcSql())) {
            statement.setMaxRows(binding.maxRows() + 1); // one more than the cap tells "truncated"
            statement.setFetchSize(Math.min(binding.maxRows() + 1, 500));
            values.bind(connection, statement);
            if (statement.execute()) {
                try (var rs = statement.getResultSet()) {
                    SqlResults.Read read = SqlResults.read(rs, binding.maxRows(), maxResultBytes);
                    return new UpstreamResponse(200, read.json(), read.truncated());
                }
            }
            return new UpstreamResponse(200, SqlResults.updated(statement.getLargeUpdateCount()), false);
        }
    }

    /**
     * A connection within the deadline. Waiting happens on a virtual thread so the deadline
     * holds even though the pool's own wait is fixed; a connection that arrives too late is
     * handed back.
     */
    private Connection acquire(DataSource pool, long deadline, Duration timeout, String integration) {
        CompletableFuture<Connection> future = CompletableFuture.supplyAsync(() -> {
            while (true) {
                try {
                    return pool.getConnection();
                } catch (SQLTransientConnectionException e) {
                    // every connection busy: wait on, up to the deadline; otherwise new connections
                    // could not be made in time (the database is unreachable): fail now
                    if (!saturated(pool) || System.nanoTime() >= deadline) {
                        throw new CompletionException(e);
                    }
                } catch (SQLException e) {
                    throw new CompletionException(e);
                }
            }
        }, acquirers);
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.thenAccept(SqlToolExecutor::closeQuietly);
            throw new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "no connection to the database of integration '"
                    + integration + "' became free within the deadline of " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.thenAccept(SqlToolExecutor::closeQuietly);
            throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "interrupted while waiting for a connection");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the database of integration '" + integration
                    + "' cannot be reached: " + reason(cause) + "; nothing was executed, retry later");
        }
    }

    /** True when the pool holds all the connections it may and every one is in use. */
    private static boolean saturated(DataSource pool) {
        if (pool instanceof HikariDataSource h && h.getHikariPoolMXBean() != null) {
            var mx = h.getHikariPoolMXBean();
            return mx.getTotalConnections() >= h.getMaximumPoolSize() && mx.getIdleConnections() == 0;
        }
        return false;
    }

    /** A database error as the tool's answer, or an {@link UpstreamFailure} when the database gave none. */
    private static UpstreamResponse answer(SQLException e, String integration, Duration timeout) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("57014")) {
            throw new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "the query of integration '" + integration
                    + "' was cancelled at the deadline (" + timeout.toMillis() + " ms); nothing was changed");
        }
        if (isConnectionLoss(e)) {
            throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the database of integration '" + integration
                    + "' dropped the connection: " + reason(e) + "; the statement's transaction was not committed");
        }
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        ObjectNode body = error.putObject("error");
        body.put("sqlstate", state);
        body.put("message", firstLine(e.getMessage()));
        body.put("hint", hint(state));
        boolean clientSide = state.startsWith("22") || state.startsWith("23") || state.startsWith("25")
                || state.startsWith("42") || state.startsWith("2B") || state.startsWith("40");
        return new UpstreamResponse(clientSide ? 400 : 500, error.toString(), false);
    }

    private static boolean isConnectionLoss(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.startsWith("08") || state.startsWith("57P") || state.equals("53300")
                || e instanceof SQLTransientConnectionException;
    }

    /** Stops the threads that wait for connections. */
    @PreDestroy
    public void close() {
        acquirers.shutdownNow();
    }

    private static String hint(String state) {
        if (state.equals("25006")) {
            return "this tool runs in a read-only transaction and the query tried to write; nothing was changed";
        }
        if (state.startsWith("22")) {
            return "an argument's value was refused by the database; check the values and their formats";
        }
        if (state.startsWith("23")) {
            return "a constraint refused the change; nothing was changed";
        }
        if (state.equals("42501")) {
            return "the database role of this integration lacks a privilege the query needs";
        }
        if (state.startsWith("40")) {
            return "the transaction was rolled back by the database (serialization failure or deadlock); retrying may"
                    + " succeed";
        }
        return "the database refused the query; nothing was changed";
    }

    private static String reason(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return firstLine(message);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 500 ? line.substring(0, 500) + "…" : line;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // a broken connection: the pool drops it
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // already closed or broken
        }
    }
}
