package dev.toolgate.gateway.audit;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.observability.CallStatus;
import dev.toolgate.observability.RecorderStats;
import dev.toolgate.observability.StoredCallRows;
import dev.toolgate.observability.StoredCall;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a tenant's call records newest first, with exact-match filters and keyset paging (a
 * page token names the last row seen, so pages stay stable while calls keep arriving). Every
 * value is bound; the tenant is always part of the query. Thread-safe.
 */
@Singleton
public class AuditTrail {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final Set<String> DECISIONS = Set.of("allow", "confirm", "deny", "rate_limited");

    /** How long a first page waits for the audit writer to store the calls that finished before it. */
    static final Duration READ_YOUR_WRITES = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final RecorderStats writer;

    public AuditTrail(DataSource dataSource, RecorderStats writer) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
        this.writer = requireNonNull(writer, "writer");
    }

    /** One page of calls and the token of the next (empty when there is none). */
    public record Page(List<StoredCall> calls, String nextPageToken) {
    }

    public Page query(AuditQuery q) {
        List<FieldViolation> problems = new ArrayList<>();
        int size = q.pageSize() == 0 ? AuditQuery.DEFAULT_PAGE : q.pageSize();
        if (size < 1 || size > AuditQuery.MAX_PAGE) {
            problems.add(new FieldViolation("page_size", "page_size must be 1-" + AuditQuery.MAX_PAGE));
        }
        if (!q.policyDecision().isEmpty() && !DECISIONS.contains(q.policyDecision())) {
            problems.add(new FieldViolation("policy_decision", "policy_decision must be allow, confirm, deny or"
                    + " rate_limited"));
        }
        if (!q.status().isEmpty()) {
            try {
                CallStatus.valueOf(q.status());
            } catch (IllegalArgumentException e) {
                problems.add(new FieldViolation("status", "unknown status '" + q.status() + "'; e.g. SUCCEEDED, DENIED"));
            }
        }
        Cursor after = null;
        if (!q.pageToken().isEmpty()) {
            after = Cursor.parse(q.pageToken());
            if (after == null) {
                problems.add(new FieldViolation("page_token", "page_token is not one this gateway issued"));
            }
        }
        if (!problems.isEmpty()) {
            throw GatewayException.invalidArgument(problems.getFirst().message(), problems);
        }
        if (after == null) {
            writer.awaitWritten(READ_YOUR_WRITES); // a call that finished before the query is in its first page
        }
        StringBuilder sql = new StringBuilder("SELECT ").append(StoredCallRows.COLUMNS)
                .append(" FROM tool_calls WHERE tenant_id = ?");
        List<Object> args = new ArrayList<>(List.of(q.tenant()));
        q.since().ifPresent(t -> { sql.append(" AND started_at >= ?"); args.add(Timestamp.from(t)); });
        q.until().ifPresent(t -> { sql.append(" AND started_at < ?"); args.add(Timestamp.from(t)); });
        filter(sql, args, "agent_id", q.agentId());
        filter(sql, args, "tool_name", q.tool());
        filter(sql, args, "session_id", q.sessionId());
        filter(sql, args, "policy_decision", q.policyDecision());
        filter(sql, args, "status", q.status());
        filter(sql, args, "trace_id", q.traceId());
        filter(sql, args, "skill", q.skill());
        filter(sql, args, "user_id", q.userId());
        if (after != null) {
            sql.append(" AND (started_at < ? OR (started_at = ? AND id < ?))");
            args.add(Timestamp.from(after.startedAt()));
            args.add(Timestamp.from(after.startedAt()));
            args.add(after.id());
        }
        sql.append(" ORDER BY started_at DESC, id DESC LIMIT ?");
        args.add(size + 1);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<StoredCall> calls = new ArrayList<>();
            String lastId = "";
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && calls.size() < size + 1) {
                    calls.add(StoredCallRows.read(rs));
                    if (calls.size() == size) {
                        lastId = rs.getString("id");
                    }
                }
            }
            if (calls.size() <= size) {
                return new Page(calls, "");
            }
            StoredCall last = calls.get(size - 1);
            return new Page(calls.subList(0, size), new Cursor(last.startedAt(), lastId).token());
        } catch (SQLException e) {
            LOG.error("audit query failed", e);
            throw GatewayException.unavailable("STORAGE_UNAVAILABLE", "the audit trail cannot be read right now; retry"
                    + " later", Map.of());
        }
    }

    private static void filter(StringBuilder sql, List<Object> args, String column, String value) {
        if (!value.isEmpty()) {
            sql.append(" AND ").append(column).append(" = ?"); // column names are ours, never the caller's
            args.add(value);
        }
    }

    /** The last row of a page: its start (microseconds, as stored) and id. */
    private record Cursor(Instant startedAt, String id) {
        String token() {
            String raw = startedAt.truncatedTo(ChronoUnit.MICROS).toString() + "|" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(String token) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                int bar = raw.indexOf('|');
                return bar < 0 ? null : new Cursor(Instant.parse(raw.substring(0, bar)), raw.substring(bar + 1));
            } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                return null;
            }
        }
    }
}
