package dev.toolgate.gateway.support;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/** Reads rows straight from the database, as an auditor would. */
public final class CallRows {
    private final DataSource dataSource;

    public CallRows(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /** How many sessions wait for a lock on {@code tool_calls} (an insert held by a test's table lock). */
    public long waitingForTheCallTable() {
        try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'tool_calls'::regclass")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The tenant's rows once no call is RUNNING any more (outcomes are written just after the
     * answer). Records of read-only calls are written after the answer too: flush the recorder
     * first when they matter.
     */
    public List<Map<String, Object>> calls(String tenant) {
        return settled(() -> query("SELECT * FROM tool_calls WHERE tenant_id = ? ORDER BY started_at", tenant));
    }

    /** The call's one row once its outcome is written. */
    public Map<String, Object> call(String tenant, String callId) {
        List<Map<String, Object>> rows = settled(() -> {
            List<Map<String, Object>> found = query("SELECT * FROM tool_calls WHERE tenant_id = ? AND call_id = ?",
                    tenant, callId);
            return found.isEmpty() ? List.of(Map.of("status", "RUNNING")) : found; // not written yet: wait
        });
        if (rows.size() != 1) {
            throw new AssertionError("expected one call row for " + callId + ", found " + rows.size());
        }
        return rows.get(0);
    }

    /**
     * The row of a held call's execution (not of later replays) once its decision is written: a
     * denial is recorded after the answer.
     */
    public Map<String, Object> decided(String tenant, String callId) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<Map<String, Object>> rows = query("SELECT * FROM tool_calls WHERE tenant_id = ? AND execution_key = ?",
                    tenant, callId);
            boolean waiting = rows.isEmpty() || "PENDING_CONFIRMATION".equals(rows.get(0).get("status"));
            if (!waiting || System.nanoTime() > deadline) {
                if (rows.size() != 1) {
                    throw new AssertionError("expected one executed row for " + callId + ", found " + rows.size());
                }
                return rows.get(0);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static List<Map<String, Object>> settled(java.util.function.Supplier<List<Map<String, Object>>> read) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        List<Map<String, Object>> rows = read.get();
        while (rows.stream().anyMatch(r -> "RUNNING".equals(r.get("status"))) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            rows = read.get();
        }
        return rows;
    }

    public List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
                    }
                    out.add(row);
                }
                return out;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
