package dev.toolgate.gateway.compensation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant's compensation declarations ({@code tool_compensations}) and the record of each
 * CompensateSession command ({@code session_compensations}); every query names the tenant.
 * Thread-safe.
 */
@Singleton
public class CompensationStore {
    private static final Logger LOG = LoggerFactory.getLogger(CompensationStore.class);
    private static final TypeReference<LinkedHashMap<String, String>> POINTERS = new TypeReference<>() {
    };

    private final DataSource dataSource;

    public CompensationStore(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
    }

    /** One CompensateSession command as recorded. */
    public record Request(String sessionId, String agentId, String reason, Instant requestedAt) {
    }

    /** Declares (or replaces) the compensation of {@code c.tool()}. */
    public void put(String tenantId, Compensation c, Instant now) {
        String pointers;
        try {
            pointers = JsonSupport.mapper().writeValueAsString(c.pointers());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String update = "UPDATE tool_compensations SET compensating_tool = ?, argument_pointers = ?, expression = ?,"
                + " updated_at = ? WHERE tenant_id = ? AND tool_name = ?";
        String insert = "INSERT INTO tool_compensations (tenant_id, tool_name, compensating_tool, argument_pointers,"
                + " expression, updated_at) VALUES (?, ?, ?, ?, ?, ?)";
        try (Connection conn = dataSource.getConnection()) {
            try (PreparedStatement ps = conn.prepareStatement(update)) {
                ps.setString(1, c.compensatingTool());
                ps.setString(2, pointers);
                ps.setString(3, c.expression());
                ps.setTimestamp(4, Timestamp.from(now));
                ps.setString(5, tenantId);
                ps.setString(6, c.tool());
                if (ps.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement ps = conn.prepareStatement(insert)) {
                ps.setString(1, tenantId);
                ps.setString(2, c.tool());
                ps.setString(3, c.compensatingTool());
                ps.setString(4, pointers);
                ps.setString(5, c.expression());
                ps.setTimestamp(6, Timestamp.from(now));
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    /** Removes the compensation of {@code tool}; false when it had none. */
    public boolean delete(String tenantId, String tool) {
        return update("DELETE FROM tool_compensations WHERE tenant_id = ? AND tool_name = ?", tenantId, tool) > 0;
    }

    /** The compensation of {@code tool}, if declared. */
    public Optional<Compensation> find(String tenantId, String tool) {
        List<Compensation> found = query("SELECT tool_name, compensating_tool, argument_pointers, expression FROM"
                + " tool_compensations WHERE tenant_id = ? AND tool_name = ?", tenantId, tool);
        return found.stream().findFirst();
    }

    /** Every compensation of the tenant, by tool name. */
    public Map<String, Compensation> all(String tenantId) {
        Map<String, Compensation> out = new LinkedHashMap<>();
        for (Compensation c : query("SELECT tool_name, compensating_tool, argument_pointers, expression FROM"
                + " tool_compensations WHERE tenant_id = ? ORDER BY tool_name", tenantId)) {
            out.put(c.tool(), c);
        }
        return out;
    }

    /** Records a CompensateSession command. */
    public void recordRequest(String tenantId, Request r) {
        String sql = "INSERT INTO session_compensations (id, tenant_id, session_id, agent_id, reason, requested_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)";
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, Identifiers.newId("comp"));
            ps.setString(2, tenantId);
            ps.setString(3, r.sessionId());
            ps.setString(4, r.agentId());
            ps.setString(5, r.reason());
            ps.setTimestamp(6, Timestamp.from(r.requestedAt()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    /** One call row of a session, as compensation reads it (arguments and result as stored). */
    public record SessionCall(String callId, String status, String toolName, String arguments, String result,
            boolean resultTruncated, String skill, String userId, Instant startedAt, String error) {
    }

    /**
     * The calls of {@code agentId} in the session, in start order (at most {@code limit}); a repeated call id's
     * replay rows (DUPLICATE_CALL_ID) are left out.
     */
    public List<SessionCall> sessionCalls(String tenantId, String sessionId, String agentId, int limit) {
        String sql = "SELECT call_id, status, tool_name, arguments, result, result_truncated, skill, user_id, started_at,"
                + " error FROM tool_calls WHERE tenant_id = ? AND session_id = ? AND agent_id = ?"
                + " AND status <> 'DUPLICATE_CALL_ID' ORDER BY started_at, id LIMIT ?";
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, tenantId);
            ps.setString(2, sessionId);
            ps.setString(3, agentId);
            ps.setInt(4, limit);
            List<SessionCall> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SessionCall(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getBoolean(6), rs.getString(7), rs.getString(8),
                            rs.getTimestamp(9).toInstant(), rs.getString(10)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    private List<Compensation> query(String sql, String... params) {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<Compensation> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Compensation(rs.getString(1), rs.getString(2),
                            JsonSupport.mapper().readValue(rs.getString(3), POINTERS), rs.getString(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw storage(e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored compensation is not readable", e);
        }
    }

    private int update(String sql, String... params) {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    private static GatewayException storage(SQLException e) {
        LOG.error("compensation query failed", e);
        return GatewayException.unavailable("STORAGE_UNAVAILABLE", "the gateway's storage is unavailable; retry later",
                Map.of());
    }
}
