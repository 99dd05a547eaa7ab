package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.toolgate.gateway.core.ExpiringCache;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.identity.IdentityProperties;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants' console sign-in settings ({@code console_sign_in}), cached for
 * {@code toolgate.identity.provider-cache-ttl} like the identity providers. Thread-safe.
 */
@Singleton
public class ConsoleSignIns {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSignIns.class);
    private static final String FIND = """
            SELECT issuer, client_id, client_secret_name, scopes, groups_claim, admin_groups, approver_groups,
                auditor_groups, user_groups FROM console_sign_in WHERE tenant_id = ?""";
    private static final String UPDATE = """
            UPDATE console_sign_in SET issuer = ?, client_id = ?, client_secret_name = ?, scopes = ?, groups_claim = ?,
                admin_groups = ?, approver_groups = ?, auditor_groups = ?, user_groups = ?, updated_at = ?
            WHERE tenant_id = ?""";
    private static final String INSERT = """
            INSERT INTO console_sign_in (issuer, client_id, client_secret_name, scopes, groups_claim, admin_groups,
                approver_groups, auditor_groups, user_groups, updated_at, tenant_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String DELETE = "DELETE FROM console_sign_in WHERE tenant_id = ?";

    private final DataSource dataSource;
    private final Clock clock;
    private final ExpiringCache<String, Optional<ConsoleSignIn>> cache;

    public ConsoleSignIns(DataSource dataSource, Clock clock, IdentityProperties properties) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
        this.clock = requireNonNull(clock, "clock");
        this.cache = new ExpiringCache<>(properties.providerCacheTtl(), 10_000, System::nanoTime);
    }

    /**
     * The tenant's console sign-in, if it has one.
     *
     * @throws GatewayException UNAVAILABLE {@code STORAGE_UNAVAILABLE} when the database cannot be read
     */
    public Optional<ConsoleSignIn> find(String tenant) {
        return cache.get(tenant, this::load);
    }

    /** Stores (creates or replaces) a tenant's console sign-in. */
    public ConsoleSignIn put(ConsoleSignIn signIn) {
        try (Connection c = dataSource.getConnection()) {
            if (write(c, UPDATE, signIn) == 0) {
                write(c, INSERT, signIn);
            }
        } catch (SQLException e) {
            throw storageFailed(e);
        } finally {
            cache.invalidate(signIn.tenant());
        }
        return signIn;
    }

    /** Removes a tenant's console sign-in; true when it had one. */
    public boolean delete(String tenant) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setString(1, tenant);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw storageFailed(e);
        } finally {
            cache.invalidate(tenant);
        }
    }

    private int write(Connection c, String sql, ConsoleSignIn s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, s.issuerText());
            ps.setString(2, s.clientId());
            ps.setString(3, s.clientSecretName());
            ps.setString(4, s.scopes());
            ps.setString(5, s.groupsClaim());
            ps.setString(6, json(s.groups().get(ConsoleRole.ADMIN)));
            ps.setString(7, json(s.groups().get(ConsoleRole.APPROVER)));
            ps.setString(8, json(s.groups().get(ConsoleRole.AUDITOR)));
            ps.setString(9, json(s.groups().get(ConsoleRole.USER)));
            ps.setTimestamp(10, Timestamp.from(clock.instant()));
            ps.setString(11, s.tenant());
            return ps.executeUpdate();
        }
    }

    private Optional<ConsoleSignIn> load(String tenant) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<ConsoleRole, Set<String>> groups = new EnumMap<>(ConsoleRole.class);
                groups.put(ConsoleRole.ADMIN, groups(rs.getString("admin_groups")));
                groups.put(ConsoleRole.APPROVER, groups(rs.getString("approver_groups")));
                groups.put(ConsoleRole.AUDITOR, groups(rs.getString("auditor_groups")));
                groups.put(ConsoleRole.USER, groups(rs.getString("user_groups")));
                return Optional.of(new ConsoleSignIn(tenant, URI.create(rs.getString("issuer")),
                        rs.getString("client_id"), rs.getString("client_secret_name"), rs.getString("scopes"),
                        rs.getString("groups_claim"), groups));
            }
        } catch (SQLException e) {
            throw storageFailed(e);
        }
    }

    private static String json(Set<String> groups) {
        try {
            return JsonSupport.mapper().writeValueAsString(List.copyOf(groups));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is JSON", e);
        }
    }

    private static Set<String> groups(String json) {
        try {
            return Set.copyOf(JsonSupport.mapper().readValue(json, new TypeReference<List<String>>() { }));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("console_sign_in holds a group list that is not JSON", e);
        }
    }

    private static GatewayException storageFailed(SQLException e) {
        LOG.warn("console sign-in settings cannot be read or written: {}", e.getMessage());
        return GatewayException.unavailable("STORAGE_UNAVAILABLE",
                "the gateway's storage is unavailable; nothing was changed, retry later", Map.of());
    }
}
