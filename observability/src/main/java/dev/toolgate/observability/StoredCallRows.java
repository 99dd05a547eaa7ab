package dev.toolgate.observability;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Optional;

/**
 * A row of the {@code tool_calls} table (the gateway's Flyway migrations own its schema) as a
 * {@link StoredCall}: shared by the JDBC store and by readers of the table (the audit trail,
 * sessions), so that they read the columns the store writes. Stateless.
 */
public final class StoredCallRows {
    /** The columns {@link #read} reads, plus the row's {@code id}. */
    public static final String COLUMNS = """
            call_id, status, tool_name, tool_version, arguments_digest, upstream_status, is_error, result,
            result_truncated, error, started_at, finished_at, agent_id, session_id, policy_decision, policy_rule,
            policy_version, trace_id, skill, user_id, id""";

    private StoredCallRows() {
    }

    /** The current row of a result set selected with {@link #COLUMNS}. */
    public static StoredCall read(ResultSet rs) throws SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        return new StoredCall(rs.getString("call_id"), CallStatus.valueOf(rs.getString("status")),
                rs.getString("tool_name"), rs.getInt("tool_version"), rs.getString("arguments_digest"),
                rs.getInt("upstream_status"), rs.getBoolean("is_error"), rs.getString("result"),
                rs.getBoolean("result_truncated"), rs.getString("error"), rs.getTimestamp("started_at").toInstant(),
                Optional.ofNullable(finished).map(Timestamp::toInstant), rs.getString("agent_id"),
                rs.getString("session_id"), new CallRecord.PolicyMark(rs.getString("policy_decision"),
                        rs.getString("policy_rule"), rs.getString("policy_version")), rs.getString("trace_id"),
                rs.getString("skill"), rs.getString("user_id"));
    }
}
