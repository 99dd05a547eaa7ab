package dev.toolgate.gateway.connections;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.Digests;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.secrets.SealedSecret;
import dev.toolgate.gateway.secrets.SecretCipher;
import dev.toolgate.gateway.secrets.SecretUnreadableException;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows of connected accounts: connection clients, pending connect states (hashed, single use,
 * expiring) and users' tokens, sealed with the secret store's cipher bound to (tenant, user,
 * integration, skill). Every query names the tenant. Thread-safe.
 */
@Singleton
class ConnectionStore {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionStore.class);

    private final DataSource dataSource;
    private final SecretCipher cipher;
    private final Clock clock;

    ConnectionStore(DataSource dataSource, SecretCipher cipher, Clock clock) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
        this.cipher = requireNonNull(cipher, "cipher");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * A pending connect: whom it is for, under which skill (empty: tenant-wide), its PKCE verifier, and the
     * hash of the value the browser of its proven opener keeps (empty: nobody proved to be its user yet).
     */
    record PendingState(String tenant, String userId, String integration, String skill, String verifier,
            String openerHash) {
        @Override
        public String toString() {
            return "PendingState[" + tenant + ", " + integration + ", " + skill + "]";
        }
    }

    /** A stored connection as listed (no tokens). */
    record Listed(String integration, String skill, Instant createdAt, Instant updatedAt) {
    }

    /** A stored connection of some user of the tenant, as an admin lists them (no tokens). */
    record OfTenant(String userId, String integration, String skill, Instant createdAt, Instant updatedAt) {
    }

    void putClient(ConnectionClient c) {
        update("DELETE FROM connection_clients WHERE tenant_id = ? AND integration = ?", c.tenant(), c.integration());
        update("""
                INSERT INTO connection_clients (tenant_id, integration, authorization_url, token_url, client_id,
                    client_secret_name, scopes, api_key_header, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                c.tenant(), c.integration(), c.authorizationUrl().toString(), c.tokenUrl().toString(), c.clientId(),
                c.clientSecretName(), c.scopes(), c.apiKeyHeader(), Timestamp.from(clock.instant()));
    }

    Optional<ConnectionClient> client(String tenant, String integration) {
        return query("""
                SELECT authorization_url, token_url, client_id, client_secret_name, scopes, api_key_header
                FROM connection_clients WHERE tenant_id = ? AND integration = ?""", rs -> new ConnectionClient(tenant,
                integration, URI.create(rs.getString(1)), URI.create(rs.getString(2)), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6)), tenant, integration).stream().findFirst();
    }

    void putExchangeClient(ExchangeClient c) {
        update("DELETE FROM token_exchange_clients WHERE tenant_id = ? AND integration = ?", c.tenant(),
                c.integration());
        update("""
                INSERT INTO token_exchange_clients (tenant_id, integration, token_url, client_id, client_secret_name,
                    audience, scopes, subject_token_type, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                c.tenant(), c.integration(), c.tokenUrl().toString(), c.clientId(), c.clientSecretName(),
                c.audience(), c.scopes(), c.subjectTokenType(), Timestamp.from(clock.instant()));
    }

    Optional<ExchangeClient> exchangeClient(String tenant, String integration) {
        return query("""
                SELECT token_url, client_id, client_secret_name, audience, scopes, subject_token_type
                FROM token_exchange_clients WHERE tenant_id = ? AND integration = ?""", rs -> new ExchangeClient(
                tenant, integration, URI.create(rs.getString(1)), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6)), tenant, integration).stream().findFirst();
    }

    /** A new pending state; {@code openerHash} is empty unless the link's user is already proven (the console). */
    void createState(String state, String tenant, String userId, String integration, String skill, String verifier,
            Instant expiresAt, String openerHash) {
        SealedSecret sealed = cipher.seal(tenant, stateName(userId, integration, skill), verifier);
        update("""
                INSERT INTO connection_states (state_hash, tenant_id, user_id, integration, skill, key_id, nonce,
                    ciphertext, expires_at, opener_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                Digests.sha256Hex(state), tenant, userId, integration, skill, sealed.keyId(), sealed.nonce(),
                sealed.ciphertext(), Timestamp.from(expiresAt), openerHash.isEmpty() ? null : openerHash);
    }

    /** An unopened link as it stands, without claiming it: empty when unknown, expired, opened or used. */
    Optional<PendingState> peek(String state) {
        return query("""
                SELECT tenant_id, user_id, integration, skill, key_id, nonce, ciphertext, opener_hash
                FROM connection_states WHERE state_hash = ? AND opened_at IS NULL AND used_at IS NULL
                AND expires_at > ?""", this::pending, Digests.sha256Hex(state), Timestamp.from(clock.instant()))
                .stream().findFirst();
    }

    /**
     * Records the hash of the value the proven opener's browser keeps, on a link not opened yet (a later
     * proof replaces an earlier one: the same user signing in again in another browser); false when the
     * link is unknown, expired, opened or used.
     */
    boolean bindOpener(String state, String openerHash) {
        Timestamp now = Timestamp.from(clock.instant());
        return update("""
                UPDATE connection_states SET opener_hash = ? WHERE state_hash = ? AND opened_at IS NULL
                AND used_at IS NULL AND expires_at > ?""", openerHash, Digests.sha256Hex(state), now) > 0;
    }

    /** Whether the tenant accepts connect links opened by anyone holding them (no proof of the user). */
    boolean unverifiedAllowed(String tenant) {
        return query("SELECT unverified_allowed FROM connect_link_settings WHERE tenant_id = ?",
                rs -> rs.getBoolean(1), tenant).stream().findFirst().orElse(false);
    }

    void setUnverifiedAllowed(String tenant, boolean allowed) {
        Timestamp now = Timestamp.from(clock.instant());
        if (update("UPDATE connect_link_settings SET unverified_allowed = ?, updated_at = ? WHERE tenant_id = ?",
                allowed, now, tenant) == 0) {
            update("INSERT INTO connect_link_settings (tenant_id, unverified_allowed, updated_at) VALUES (?, ?, ?)",
                    tenant, allowed, now);
        }
    }

    /**
     * Marks a connect link opened, once: the pending state, or empty when unknown, expired or opened before.
     * With {@code openerHash} non-empty only a link bound to that opener is opened.
     */
    Optional<PendingState> open(String state, String openerHash) {
        return openerHash.isEmpty() ? claim(state, "opened_at", "opened_at IS NULL")
                : claim(state, "opened_at", "opened_at IS NULL AND opener_hash = ?", openerHash);
    }

    /**
     * Uses an opened state, once: the pending state, or empty when unknown, expired, not opened, used, or
     * bound to an opener other than {@code openerHash} (empty: the browser showed none).
     */
    Optional<PendingState> consume(String state, String openerHash) {
        return claim(state, "used_at", "opened_at IS NOT NULL AND used_at IS NULL AND (opener_hash IS NULL"
                + " OR opener_hash = ?)", openerHash);
    }

    private Optional<PendingState> claim(String state, String column, String condition, Object... conditionArgs) {
        String hash = Digests.sha256Hex(state);
        Timestamp now = Timestamp.from(clock.instant());
        List<Object> args = new ArrayList<>(List.of(now, hash));
        args.addAll(List.of(conditionArgs));
        args.add(now);
        int claimed = update("UPDATE connection_states SET " + column + " = ? WHERE state_hash = ? AND " + condition
                + " AND expires_at > ?", args.toArray());
        if (claimed == 0) {
            return Optional.empty();
        }
        return query("""
                SELECT tenant_id, user_id, integration, skill, key_id, nonce, ciphertext, opener_hash
                FROM connection_states WHERE state_hash = ?""", this::pending, hash).stream().findFirst();
    }

    private PendingState pending(ResultSet rs) throws SQLException {
        String opener = rs.getString(8);
        return new PendingState(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                cipher.open(rs.getString(1), stateName(rs.getString(2), rs.getString(3), rs.getString(4)),
                        new SealedSecret(rs.getString(5), rs.getString(6), rs.getString(7))),
                opener == null ? "" : opener);
    }

    void putTokens(String tenant, String userId, String integration, String skill, ConnectionTokens tokens) {
        SealedSecret sealed = cipher.seal(tenant, tokenName(userId, integration, skill), tokens.toJson());
        Timestamp now = Timestamp.from(clock.instant());
        int updated = update("""
                UPDATE user_connections SET key_id = ?, nonce = ?, ciphertext = ?, updated_at = ?
                WHERE tenant_id = ? AND user_id = ? AND integration = ? AND skill = ?""", sealed.keyId(),
                sealed.nonce(), sealed.ciphertext(), now, tenant, userId, integration, skill);
        if (updated == 0) {
            update("""
                    INSERT INTO user_connections (tenant_id, user_id, integration, skill, key_id, nonce, ciphertext,
                        created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", tenant, userId, integration,
                    skill, sealed.keyId(), sealed.nonce(), sealed.ciphertext(), now, now);
        }
    }

    /** The user's tokens for the integration under {@code skill} (empty: tenant-wide) — never another skill's. */
    Optional<ConnectionTokens> tokens(String tenant, String userId, String integration, String skill) {
        return query("""
                SELECT key_id, nonce, ciphertext FROM user_connections
                WHERE tenant_id = ? AND user_id = ? AND integration = ? AND skill = ?""", rs -> {
                    try {
                        return ConnectionTokens.fromJson(cipher.open(tenant, tokenName(userId, integration, skill),
                                new SealedSecret(rs.getString(1), rs.getString(2), rs.getString(3))));
                    } catch (SecretUnreadableException e) {
                        LOG.warn("the connection of a user of tenant {} to {} cannot be decrypted", tenant, integration);
                        return null;
                    }
                }, tenant, userId, integration, skill).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    List<Listed> list(String tenant, String userId) {
        return query("""
                SELECT integration, skill, created_at, updated_at FROM user_connections WHERE tenant_id = ?
                AND user_id = ? ORDER BY integration, skill""", rs -> new Listed(rs.getString(1), rs.getString(2),
                rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant()), tenant, userId);
    }

    /** The tenant's connections, by user, integration and skill; at most {@code limit}. */
    List<OfTenant> listTenant(String tenant, int limit) {
        return query("""
                SELECT user_id, integration, skill, created_at, updated_at FROM user_connections WHERE tenant_id = ?
                ORDER BY user_id, integration, skill LIMIT ?""", rs -> new OfTenant(rs.getString(1), rs.getString(2),
                rs.getString(3), rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant()), tenant, limit);
    }

    boolean delete(String tenant, String userId, String integration, String skill) {
        return update("DELETE FROM user_connections WHERE tenant_id = ? AND user_id = ? AND integration = ? AND skill = ?",
                tenant, userId, integration, skill) > 0;
    }

    /** Removes every user's connections made under a skill that is deleted; the count removed. */
    int deleteSkill(String tenant, String skill) {
        if (skill.isEmpty()) {
            throw new IllegalArgumentException("skill must not be empty");
        }
        update("DELETE FROM connection_states WHERE tenant_id = ? AND skill = ?", tenant, skill);
        return update("DELETE FROM user_connections WHERE tenant_id = ? AND skill = ?", tenant, skill);
    }

    // The associated data of the sealed values; a tenant-wide one (skill '') keeps the form it had before
    // connections were bound to skills, so connections stored then still open.
    private static String stateName(String userId, String integration, String skill) {
        return "\u0001connect-state\0" + userId + "\0" + integration + (skill.isEmpty() ? "" : "\0" + skill);
    }

    private static String tokenName(String userId, String integration, String skill) {
        return "\u0001connection\0" + userId + "\0" + integration + (skill.isEmpty() ? "" : "\0" + skill);
    }

    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> row, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.read(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw storageFailed(e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw storageFailed(e);
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    private static GatewayException storageFailed(SQLException e) {
        LOG.warn("connections cannot be read or written: {}", e.getMessage());
        return GatewayException.unavailable("STORAGE_UNAVAILABLE",
                "the gateway's storage is unavailable; nothing was executed, retry later", Map.of());
    }
}
