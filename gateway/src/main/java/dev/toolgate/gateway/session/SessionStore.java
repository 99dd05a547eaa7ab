package dev.toolgate.gateway.session;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.observability.StoredCallRows;
import dev.toolgate.observability.StoredCall;
import dev.toolgate.policy.SessionHistory;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions as the call records show them: every call carrying a session id, in order. Nothing
 * is kept in memory, so any instance answers for any session. Scoped by tenant. Thread-safe.
 */
@Singleton
public class SessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(SessionStore.class);
    private static final String HISTORY = """
            SELECT tool_name, count(*) FROM tool_calls
            WHERE tenant_id = ? AND session_id = ? AND execution_key IS NOT NULL AND call_id <> ?
            GROUP BY tool_name""";
    private static final String CALLS = "SELECT arguments, " + StoredCallRows.COLUMNS + """
             FROM tool_calls WHERE tenant_id = ? AND session_id = ? AND (? = '' OR agent_id = ?)
            ORDER BY started_at, id LIMIT ?""";

    private final DataSource dataSource;

    public SessionStore(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
    }

    /**
     * The session's calls so far that executed or are held, counted by tool — without the call
     * being decided (a client repeating its call id is not counted against itself).
     */
    public SessionHistory history(String tenantId, String sessionId, String callId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(HISTORY)) {
            ps.setString(1, tenantId);
            ps.setString(2, sessionId);
            ps.setString(3, callId);
            Map<String, Long> counts = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return new SessionHistory(counts);
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    /**
     * The session's calls in the order they started, at most {@code limit}.
     *
     * @param agentId only this agent's calls; empty for every agent's
     */
    public List<SessionCall> calls(String tenantId, String sessionId, String agentId, int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CALLS)) {
            ps.setString(1, tenantId);
            ps.setString(2, sessionId);
            ps.setString(3, agentId);
            ps.setString(4, agentId);
            ps.setInt(5, limit);
            List<SessionCall> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SessionCall(rs.getString("id"), StoredCallRows.read(rs), rs.getString("arguments")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    /**
     * The arguments of the execution of {@code callId} (else of its latest refused attempt) as the
     * call record stores them — redacted —, if the record is written.
     */
    public java.util.Optional<String> arguments(String tenantId, String callId) {
        String sql = "SELECT arguments FROM tool_calls WHERE tenant_id = ? AND call_id = ?"
                + " ORDER BY CASE WHEN execution_key IS NULL THEN 1 ELSE 0 END, started_at DESC LIMIT 1";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenantId);
            ps.setString(2, callId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.empty();
            }
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    /**
     * One row of a session: a call (or one refused attempt of it) with the arguments as stored.
     *
     * @param rowId     the row's id: stays the same while the call's status changes
     * @param arguments redacted, as the call record keeps them
     */
    public record SessionCall(String rowId, StoredCall call, String arguments) {
        public SessionCall {
            requireNonNull(rowId, "rowId");
            requireNonNull(call, "call");
            requireNonNull(arguments, "arguments");
        }
    }

    /** One CompensateSession command of a session. */
    public record CompensationCommand(String agentId, String reason, java.time.Instant requestedAt) {
    }

    /** The session's CompensateSession commands, oldest first (at most 100); of one agent unless it is empty. */
    public List<CompensationCommand> compensations(String tenantId, String sessionId, String agentId) {
        String sql = "SELECT agent_id, reason, requested_at FROM session_compensations WHERE tenant_id = ?"
                + " AND session_id = ? AND (? = '' OR agent_id = ?) ORDER BY requested_at, id LIMIT 100";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenantId);
            ps.setString(2, sessionId);
            ps.setString(3, agentId);
            ps.setString(4, agentId);
            List<CompensationCommand> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new CompensationCommand(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    private static GatewayException storage(SQLException e) {
        LOG.error("session query failed", e);
        return GatewayException.unavailable("STORAGE_UNAVAILABLE", "the gateway's storage is unavailable; retry later",
                Map.of());
    }
}
