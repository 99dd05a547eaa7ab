package dev.toolgate.gateway.confirm;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.GatewayException;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code confirmations} table. Decisions are conditional updates ({@code WHERE state =
 * 'PENDING'}), so of two approvers — on any instances — exactly one decides. Every query is
 * scoped by tenant. Thread-safe.
 */
@Singleton
public class ConfirmationStore {
    private static final Logger LOG = LoggerFactory.getLogger(ConfirmationStore.class);
    private static final String INSERT = """
            INSERT INTO confirmations (id, tenant_id, call_id, agent_id, key_id, session_id, tool_name, tool_version,
                arguments, summary, rule_id, state, created_at, expires_at, self_confirm)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String FIND = "SELECT * FROM confirmations WHERE tenant_id = ? AND call_id = ?";
    private static final String DECIDE = """
            UPDATE confirmations SET state = ?, decided_by = ?, decided_key_id = ?, decided_at = ?, reason = ?
            WHERE tenant_id = ? AND call_id = ? AND state = 'PENDING' AND expires_at > ?""";
    private static final String EXPIRE = """
            UPDATE confirmations SET state = 'EXPIRED', decided_at = ?
            WHERE tenant_id = ? AND call_id = ? AND state = 'PENDING' AND expires_at <= ?""";

    private final DataSource dataSource;

    public ConfirmationStore(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
    }

    public void insert(Confirmation c) {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(INSERT)) {
            ps.setString(1, c.id());
            ps.setString(2, c.tenantId());
            ps.setString(3, c.callId());
            ps.setString(4, c.agentId());
            ps.setString(5, c.keyId());
            ps.setString(6, c.sessionId());
            ps.setString(7, c.toolName());
            ps.setInt(8, c.toolVersion());
            ps.setString(9, c.arguments());
            ps.setString(10, c.summary());
            ps.setString(11, c.ruleId());
            ps.setString(12, c.state().name());
            ps.setTimestamp(13, Timestamp.from(c.createdAt()));
            ps.setTimestamp(14, Timestamp.from(c.expiresAt()));
            ps.setBoolean(15, c.selfConfirm());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    public Optional<Confirmation> find(String tenantId, String callId) {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(FIND)) {
            ps.setString(1, tenantId);
            ps.setString(2, callId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    /** @return true when this decision was the one taken (it was pending and not expired at {@code now}) */
    public boolean decide(Confirmation c, Confirmation.State state, String decidedBy, String decidedKeyId,
            String reason, Instant now) {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(DECIDE)) {
            ps.setString(1, state.name());
            ps.setString(2, decidedBy);
            ps.setString(3, decidedKeyId);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setString(5, reason);
            ps.setString(6, c.tenantId());
            ps.setString(7, c.callId());
            ps.setTimestamp(8, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    /** @return true when this request marked it expired */
    public boolean expire(Confirmation c, Instant now) {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(EXPIRE)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, c.tenantId());
            ps.setString(3, c.callId());
            ps.setTimestamp(4, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    /** Pending confirmations by tenant (for metrics); empty when the database cannot be read. */
    public java.util.Map<String, Long> pendingByTenant() {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(
                "SELECT tenant_id, count(*) FROM confirmations WHERE state = 'PENDING' GROUP BY tenant_id");
                ResultSet rs = ps.executeQuery()) {
            java.util.Map<String, Long> out = new java.util.TreeMap<>();
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
            return out;
        } catch (SQLException e) {
            LOG.warn("cannot count pending confirmations for metrics: {}", e.getMessage());
            return java.util.Map.of();
        }
    }

    private static Confirmation read(ResultSet rs) throws SQLException {
        Timestamp decided = rs.getTimestamp("decided_at");
        return new Confirmation(rs.getString("id"), rs.getString("tenant_id"), rs.getString("call_id"),
                rs.getString("agent_id"), rs.getString("key_id"), rs.getString("session_id"), rs.getString("tool_name"),
                rs.getInt("tool_version"), rs.getString("arguments"), rs.getString("summary"), rs.getString("rule_id"),
                Confirmation.State.valueOf(rs.getString("state")), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("expires_at").toInstant(), rs.getString("decided_by"), rs.getString("decided_key_id"),
                Optional.ofNullable(decided).map(Timestamp::toInstant), rs.getString("reason"),
                rs.getBoolean("self_confirm"));
    }

    private static GatewayException storage(SQLException e) {
        LOG.error("confirmation store failed", e);
        return GatewayException.unavailable("STORAGE_UNAVAILABLE", "the gateway's storage is unavailable; nothing was"
                + " changed, retry later", Map.of());
    }
}
