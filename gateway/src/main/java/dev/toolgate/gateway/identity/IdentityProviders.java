package dev.toolgate.gateway.identity;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.ExpiringCache;
import dev.toolgate.gateway.error.GatewayException;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants' identity providers ({@code identity_providers}), cached for
 * {@code toolgate.identity.provider-cache-ttl}. Thread-safe.
 */
@Singleton
public class IdentityProviders {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityProviders.class);
    private static final String FIND = """
            SELECT issuer, jwks_url, audience, clock_skew_seconds FROM identity_providers WHERE tenant_id = ?""";
    private static final String UPDATE = """
            UPDATE identity_providers SET issuer = ?, jwks_url = ?, audience = ?, clock_skew_seconds = ?,
                updated_at = ? WHERE tenant_id = ?""";
    private static final String INSERT = """
            INSERT INTO identity_providers (issuer, jwks_url, audience, clock_skew_seconds, updated_at, tenant_id)
            VALUES (?, ?, ?, ?, ?, ?)""";
    private static final String DELETE = "DELETE FROM identity_providers WHERE tenant_id = ?";

    private final DataSource dataSource;
    private final Clock clock;
    private final ExpiringCache<String, Optional<IdentityProvider>> cache;

    public IdentityProviders(DataSource dataSource, Clock clock, IdentityProperties properties) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
        this.clock = requireNonNull(clock, "clock");
        this.cache = new ExpiringCache<>(properties.providerCacheTtl(), 10_000, System::nanoTime);
    }

    /**
     * The tenant's identity provider, if it has one.
     *
     * @throws GatewayException UNAVAILABLE {@code STORAGE_UNAVAILABLE} when the database cannot be read
     */
    public Optional<IdentityProvider> find(String tenant) {
        return cache.get(tenant, this::load);
    }

    /** Stores (creates or replaces) a tenant's identity provider. */
    public IdentityProvider put(IdentityProvider provider) {
        try (Connection c = dataSource.getConnection()) {
            if (write(c, UPDATE, provider) == 0) {
                write(c, INSERT, provider);
            }
        } catch (SQLException e) {
            throw storageFailed(e);
        }
        cache.invalidate(provider.tenant());
        return provider;
    }

    /** Removes a tenant's identity provider: its users' tokens are no longer accepted. */
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

    private int write(Connection c, String sql, IdentityProvider p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, p.issuer());
            ps.setString(2, p.jwksUrl().toString());
            ps.setString(3, p.audience());
            ps.setInt(4, (int) p.clockSkew().toSeconds());
            ps.setTimestamp(5, Timestamp.from(clock.instant()));
            ps.setString(6, p.tenant());
            return ps.executeUpdate();
        }
    }

    private Optional<IdentityProvider> load(String tenant) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new IdentityProvider(tenant, rs.getString("issuer"),
                        URI.create(rs.getString("jwks_url")), rs.getString("audience"),
                        Duration.ofSeconds(rs.getInt("clock_skew_seconds"))));
            }
        } catch (SQLException e) {
            throw storageFailed(e);
        }
    }

    private static GatewayException storageFailed(SQLException e) {
        LOG.warn("identity providers cannot be read or written: {}", e.getMessage());
        return GatewayException.unavailable("STORAGE_UNAVAILABLE",
                "the gateway's storage is unavailable; nothing was executed, retry later", Map.of());
    }
}
