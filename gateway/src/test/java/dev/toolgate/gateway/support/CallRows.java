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

    public List<Map<String, Object>> calls(String tenant) {
        return query("SELECT * FROM tool_calls WHERE tenant_id = ? ORDER BY started_at", tenant);
    }

    public Map<String, Object> call(String tenant, String callId) {
        List<Map<String, Object>> rows = query("SELECT * FROM tool_calls WHERE tenant_id = ? AND call_id = ?", tenant, callId);
        if (rows.size() != 1) {
            throw new AssertionError("expected one call row for " + callId + ", found " + rows.size());
        }
        return rows.get(0);
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
