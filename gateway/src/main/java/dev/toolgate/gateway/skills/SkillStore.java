package dev.toolgate.gateway.skills;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.upstream.CredentialScope;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The {@code skills}, {@code skill_tools}, {@code skill_secrets} and {@code api_key_skills}
 * tables. Multi-row changes run in one transaction. Storage failures are thrown with their
 * {@link SQLException} as cause (the edge answers UNAVAILABLE). Thread-safe.
 */
@Singleton
public class SkillStore {
    private static final String SKILL_COLUMNS = "s.id, s.tenant_id, s.name, s.description, s.created_at";

    private final DataSource dataSource;

    public SkillStore(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
    }

    /** A skill with its key assignments, as listed to admins. */
    public record Listed(Skill skill, List<String> keyIds) {
        public Listed {
            requireNonNull(skill, "skill");
            keyIds = List.copyOf(requireNonNull(keyIds, "keyIds"));
        }
    }

    /** The skills assigned to key {@code keyId}, by name. */
    public List<Skill> ofKey(String keyId) {
        return query("SELECT " + SKILL_COLUMNS + " FROM skills s JOIN api_key_skills a ON a.skill_id = s.id"
                + " WHERE a.key_id = ? ORDER BY s.name", keyId);
    }

    public List<Listed> list(String tenant) {
        List<Skill> skills = query("SELECT " + SKILL_COLUMNS + " FROM skills s WHERE s.tenant_id = ? ORDER BY s.name",
                tenant);
        Map<String, List<String>> keys = new LinkedHashMap<>();
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(
                "SELECT a.skill_id, a.key_id FROM api_key_skills a JOIN skills s ON s.id = a.skill_id"
                        + " WHERE s.tenant_id = ? ORDER BY a.key_id")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw storage(e);
        }
        return skills.stream().map(s -> new Listed(s, keys.getOrDefault(s.id(), List.of()))).toList();
    }

    /** The ids of the keys assigned the skill. */
    public List<String> keyIds(Skill skill) {
        List<String> ids = new ArrayList<>();
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(
                "SELECT key_id FROM api_key_skills WHERE skill_id = ? ORDER BY key_id")) {
            ps.setString(1, skill.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw storage(e);
        }
        return ids;
    }

    public Optional<Skill> find(String tenant, String name) {
        return query("SELECT " + SKILL_COLUMNS + " FROM skills s WHERE s.tenant_id = ? AND s.name = ?", tenant, name)
                .stream().findFirst();
    }

    public void insert(Skill skill) {
        update("INSERT INTO skills (id, tenant_id, name, description, created_at) VALUES (?, ?, ?, ?, ?)",
                skill.id(), skill.tenantId(), skill.name(), skill.description(), Timestamp.from(skill.createdAt()));
    }

    public boolean delete(Skill skill) {
        return update("DELETE FROM skills WHERE id = ?", skill.id()) > 0;
    }

    /** Adds the entries the skill does not have yet. */
    public void addTools(Skill skill, Collection<ToolPattern> patterns) {
        transaction(conn -> {
            for (ToolPattern p : patterns) {
                if (!skill.tools().contains(p)) {
                    run(conn, "INSERT INTO skill_tools (skill_id, pattern) VALUES (?, ?)", skill.id(), p.text());
                }
            }
        });
    }

    /** Removes the entries; returns how many the skill had. */
    public int removeTools(Skill skill, Collection<ToolPattern> patterns) {
        int[] removed = {0};
        transaction(conn -> {
            for (ToolPattern p : patterns) {
                removed[0] += run(conn, "DELETE FROM skill_tools WHERE skill_id = ? AND pattern = ?", skill.id(),
                        p.text());
            }
        });
        return removed[0];
    }

    /** Attaches {@code secret} to the slot, replacing what was attached to it. */
    public void attachSecret(Skill skill, String integration, String slot, String secret) {
        transaction(conn -> {
            run(conn, "DELETE FROM skill_secrets WHERE skill_id = ? AND integration = ? AND slot = ?", skill.id(),
                    integration, slot);
            run(conn, "INSERT INTO skill_secrets (skill_id, integration, slot, secret_name) VALUES (?, ?, ?, ?)",
                    skill.id(), integration, slot, secret);
        });
    }

    public boolean detachSecret(Skill skill, String integration, String slot) {
        return update("DELETE FROM skill_secrets WHERE skill_id = ? AND integration = ? AND slot = ?", skill.id(),
                integration, slot) > 0;
    }

    /** Assigns the skill to the key; assigning it again changes nothing. */
    public void assign(String keyId, Skill skill) {
        transaction(conn -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT 1 FROM api_key_skills WHERE key_id = ? AND skill_id = ?")) {
                ps.setString(1, keyId);
                ps.setString(2, skill.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            run(conn, "INSERT INTO api_key_skills (key_id, skill_id) VALUES (?, ?)", keyId, skill.id());
        });
    }

    public boolean unassign(String keyId, Skill skill) {
        return update("DELETE FROM api_key_skills WHERE key_id = ? AND skill_id = ?", keyId, skill.id()) > 0;
    }

    /** Reads the skills a query selects, each with its tools and attached secrets, in one connection. */
    private List<Skill> query(String sql, String... args) {
        try (Connection conn = dataSource.getConnection()) {
            Map<String, Row> rows = new LinkedHashMap<>();
            try (PreparedStatement ps = conn.prepareStatement(sql)) {
                bind(ps, (Object[]) args);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getTimestamp(5)));
                    }
                }
            }
            if (rows.isEmpty()) {
                return List.of();
            }
            String in = String.join(", ", rows.keySet().stream().map(k -> "?").toList());
            try (PreparedStatement ps = conn.prepareStatement("SELECT skill_id, pattern FROM skill_tools"
                    + " WHERE skill_id IN (" + in + ") ORDER BY pattern")) {
                bind(ps, rows.keySet().toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.get(rs.getString(1)).tools.add(ToolPattern.parse(rs.getString(2)));
                    }
                }
            }
            try (PreparedStatement ps = conn.prepareStatement("SELECT skill_id, integration, slot, secret_name"
                    + " FROM skill_secrets WHERE skill_id IN (" + in + ")")) {
                bind(ps, rows.keySet().toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.get(rs.getString(1)).secrets.put(CredentialScope.slot(rs.getString(2), rs.getString(3)),
                                rs.getString(4));
                    }
                }
            }
            return rows.values().stream().map(Row::skill).toList();
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    private static final class Row {
        private final String id;
        private final String tenant;
        private final String name;
        private final String description;
        private final Timestamp createdAt;
        private final List<ToolPattern> tools = new ArrayList<>();
        private final Map<String, String> secrets = new TreeMap<>();

        Row(String id, String tenant, String name, String description, Timestamp createdAt) {
            this.id = id;
            this.tenant = tenant;
            this.name = name;
            this.description = description;
            this.createdAt = createdAt;
        }

        Skill skill() {
            return new Skill(id, tenant, name, description, tools, secrets, createdAt.toInstant());
        }
    }

    private interface Work {
        void run(Connection conn) throws SQLException;
    }

    private void transaction(Work work) {
        try (Connection conn = dataSource.getConnection()) {
            boolean auto = conn.getAutoCommit();
            conn.setAutoCommit(false);
            try {
                work.run(conn);
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection conn = dataSource.getConnection()) {
            return run(conn, sql, args);
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    private static int run(Connection conn, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    private static IllegalStateException storage(SQLException e) {
        return new IllegalStateException("the skills tables could not be read or written: " + e.getMessage(), e);
    }
}
