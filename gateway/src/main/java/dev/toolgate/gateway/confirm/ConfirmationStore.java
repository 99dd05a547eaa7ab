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
 * 'PENDING'}), so of two approvers — on any instances — exactly one decides. A decision or an
 * expiry can store the masked arguments in the same update, so a closed confirmation never
 * keeps the values that would have run. Every query but the expiry sweep's is scoped by tenant.
 * Thread-safe.
 */
@Singleton
public class ConfirmationStore {
    private static final Logger LOG = LoggerFactory.getLogger(ConfirmationStore.class);
    private static final String INSERT = """
            INSERT INTO confirmations (id, tenant_id, call_id, agent_id, key_id, session_id, tool_name, tool_version,
                arguments, summary, rule_id, state, created_at, expires_at, self_confirm, skill,
                user_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String FIND = "SELECT * FROM confirmations WHERE tenant_id = ? AND call_id = ?";
    private static final String DECIDE = """
            UPDATE confirmations SET state = ?, decided_by = ?, decided_key_id = ?, decided_at = ?, reason = ?,
                arguments = ?
            WHERE tenant_id = ? AND call_id = ? AND state = 'PENDING' AND expires_at > ?""";
    private static final String EXPIRE = """
            UPDATE confirmations SET state = 'EXPIRED', decided_at = ?, arguments = ?
            WHERE tenant_id = ? AND call_id = ? AND state = 'PENDING' AND expires_at <= ?""";
    private static final String MASK = """
            UPDATE confirmations SET arguments = ? WHERE tenant_id = ? AND call_id = ? AND state <> 'PENDING'""";
    private static final String EXPIRED_PENDING = """
            SELECT * FROM confirmations WHERE state = 'PENDING' AND expires_at <= ? ORDER BY expires_at LIMIT ?""";
    private static final String PENDING_OF_TENANT = """
            SELECT * FROM confirmations WHERE tenant_id = ? AND state = 'PENDING' AND expires_at > ?
            ORDER BY created_at LIMIT ?""";
    /** Approved, never sent (the circuit or bulkhead refused it), and expired: its call is still held. */
    private static final String EXPIRED_UNSENT = """
            SELECT c.* FROM confirmations c JOIN tool_calls t ON t.tenant_id = c.tenant_id AND t.call_id = c.call_id
            WHERE c.state = 'APPROVED' AND c.expires_at <= ? AND t.status = 'PENDING_CONFIRMATION'
            ORDER BY c.expires_at LIMIT ?""";

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
            ps.setString(16, c.skill());
            ps.setString(17, c.userId());
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

    /**
     * @param arguments what the row keeps as arguments from now on: the full ones for an approval
     *                  (they are what runs), the masked ones otherwise
     * @return true when this decision was the one taken (it was pending and not expired at {@code now})
     */
    public boolean decide(Confirmation c, Confirmation.State state, String decidedBy, String decidedKeyId,
            String reason, String arguments, Instant now) {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(DECIDE)) {
            ps.setString(1, state.name());
            ps.setString(2, decidedBy);
            ps.setString(3, decidedKeyId);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setString(5, reason);
            ps.setString(6, requireNonNull(arguments, "arguments"));
            ps.setString(7, c.tenantId());
            ps.setString(8, c.callId());
            ps.setTimestamp(9, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    /**
     * Marks a pending confirmation past its expiry expired, keeping {@code maskedArguments}.
     *
     * @return true when this request marked it expired
     */
    public boolean expire(Confirmation c, String maskedArguments, Instant now) {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(EXPIRE)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, requireNonNull(maskedArguments, "maskedArguments"));
            ps.setString(3, c.tenantId());
            ps.setString(4, c.callId());
            ps.setTimestamp(5, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    /** Replaces the arguments of a decided or expired confirmation (never a pending one's) with masked ones. */
    public void maskArguments(Confirmation c, String maskedArguments) {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(MASK)) {
            ps.setString(1, requireNonNull(maskedArguments, "maskedArguments"));
            ps.setString(2, c.tenantId());
            ps.setString(3, c.callId());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    /** Pending confirmations of every tenant whose expiry is at or before {@code now}, oldest first. */
    public java.util.List<Confirmation> expiredPending(Instant now, int limit) {
        return list(EXPIRED_PENDING, now, limit);
    }

    /** Approved confirmations of every tenant that expired before their call could be sent. */
    public java.util.List<Confirmation> expiredUnsent(Instant now, int limit) {
        return list(EXPIRED_UNSENT, now, limit);
    }

    /** The confirmations of a session's held calls by call id (at most {@code limit}, earliest first). */
    public java.util.Map<String, Confirmation> ofSession(String tenantId, String sessionId, int limit) {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(
                "SELECT * FROM confirmations WHERE tenant_id = ? AND session_id = ? ORDER BY created_at LIMIT ?")) {
            ps.setString(1, tenantId);
            ps.setString(2, sessionId);
            ps.setInt(3, limit);
            java.util.Map<String, Confirmation> out = new java.util.HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Confirmation c = read(rs);
                    out.put(c.callId(), c);
                }
            }
            return out;
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    /** The tenant's confirmations still waiting for a decision at {@code now}, oldest first. */
    public java.util.List<Confirmation> pending(String tenantId, Instant now, int limit) {
        try (Connection conn = dataSource.getConnection();
                PreparedStatement ps = conn.prepareStatement(PENDING_OF_TENANT)) {
            ps.setString(1, tenantId);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, limit);
            java.util.List<Confirmation> out = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    private java.util.List<Confirmation> list(String sql, Instant now, int limit) {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setInt(2, limit);
            java.util.List<Confirmation> out = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
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
                rs.getBoolean("self_confirm"), rs.getString("skill"),
                rs.getString("user_id"));
    }

    private static GatewayException storage(SQLException e) {
        LOG.error("confirmation store failed", e);
        return GatewayException.unavailable("STORAGE_UNAVAILABLE", "the gateway's storage is unavailable; nothing was"
                + " changed, retry later", Map.of());
    }
}
