package dev.toolgate.gateway.mcp;

import static java.util.Objects.requireNonNull;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcome of each MCP integration's latest sync, per tenant: when it last succeeded (and with how
 * many tools), and why the latest attempt failed when it did. A failed attempt keeps the time of the
 * last success. Writing it never fails a sync: a storage problem is logged and the sync's own outcome
 * stands. Thread-safe.
 */
@Singleton
public class McpSyncLog {
    private static final Logger LOG = LoggerFactory.getLogger(McpSyncLog.class);
    private static final int MAX_ERROR = 500;
    private static final String UPDATE_SUCCESS = """
            UPDATE mcp_sync_status SET attempted_at = ?, succeeded_at = ?, tools = ?, error = ''
            WHERE tenant_id = ? AND integration = ?""";
    private static final String UPDATE_FAILURE = """
            UPDATE mcp_sync_status SET attempted_at = ?, error = ? WHERE tenant_id = ? AND integration = ?""";
    private static final String INSERT = """
            INSERT INTO mcp_sync_status (tenant_id, integration, attempted_at, succeeded_at, tools, error)
            VALUES (?, ?, ?, ?, ?, ?)""";
    private static final String FIND = """
            SELECT attempted_at, succeeded_at, tools, error FROM mcp_sync_status
            WHERE tenant_id = ? AND integration = ?""";

    private final DataSource dataSource;

    public McpSyncLog(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
    }

    /**
     * One integration's latest sync.
     *
     * @param succeededAt empty when no sync of it has succeeded yet
     * @param error       empty when the latest attempt succeeded
     */
    public record Status(Instant attemptedAt, Optional<Instant> succeededAt, int tools, String error) {
        public Status {
            requireNonNull(attemptedAt, "attemptedAt");
            requireNonNull(succeededAt, "succeededAt");
            requireNonNull(error, "error");
        }

        /** One line for people: "ok at …, 12 tools", or "failed at …: why (last ok at …)". */
        public String describe() {
            if (error.isEmpty()) {
                return "ok at " + attemptedAt + ", " + tools + (tools == 1 ? " tool" : " tools");
            }
            return "failed at " + attemptedAt + ": " + error
                    + succeededAt.map(t -> " (last ok at " + t + ")").orElse(" (never succeeded)");
        }
    }

    void succeeded(String tenant, String integration, Instant at, int tools) {
        write(tenant, integration, UPDATE_SUCCESS, ps -> {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setInt(3, tools);
            ps.setString(4, tenant);
            ps.setString(5, integration);
        }, at, Optional.of(at), tools, "");
    }

    void failed(String tenant, String integration, Instant at, String error) {
        String why = error == null || error.isBlank() ? "unknown error"
                : error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) + "…" : error;
        write(tenant, integration, UPDATE_FAILURE, ps -> {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, why);
            ps.setString(3, tenant);
            ps.setString(4, integration);
        }, at, Optional.empty(), 0, why);
    }

    /** The latest sync of one integration; empty when it was never synced (or the store cannot say). */
    public Optional<Status> find(String tenant, String integration) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, tenant);
            ps.setString(2, integration);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp ok = rs.getTimestamp(2);
                return Optional.of(new Status(rs.getTimestamp(1).toInstant(),
                        Optional.ofNullable(ok).map(Timestamp::toInstant), rs.getInt(3), rs.getString(4)));
            }
        } catch (SQLException e) {
            LOG.warn("could not read the sync status of MCP integration {}/{}: {}", tenant, integration, e.getMessage());
            return Optional.empty();
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void write(String tenant, String integration, String update, Binder binder, Instant at,
            Optional<Instant> succeededAt, int tools, String error) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(true);
            try {
                int updated;
                try (PreparedStatement ps = c.prepareStatement(update)) {
                    binder.bind(ps);
                    updated = ps.executeUpdate();
                }
                if (updated == 0) {
                    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                        ps.setString(1, tenant);
                        ps.setString(2, integration);
                        ps.setTimestamp(3, Timestamp.from(at));
                        ps.setTimestamp(4, succeededAt.map(Timestamp::from).orElse(null));
                        ps.setInt(5, tools);
                        ps.setString(6, error);
                        ps.executeUpdate();
                    } catch (SQLException raced) { // another instance inserted first: ours is the newer outcome
                        try (PreparedStatement ps = c.prepareStatement(update)) {
                            binder.bind(ps);
                            ps.executeUpdate();
                        }
                    }
                }
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            LOG.warn("could not record the sync of MCP integration {}/{}: {}", tenant, integration, e.getMessage());
        }
    }
}
