package dev.toolgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.support.TestDatabase;
import io.micronaut.context.ApplicationContext;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Keys minted before keys had a checksum keep working unless {@code toolgate.auth.legacy-keys} is false. */
class LegacyKeysTest {

    /** A key as the old {@code generate()} made it, stored as the old code stored it. */
    private static String storeOldFormatKey() throws Exception {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String key = "tg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String tenant = "t-legacy-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = TestDatabase.dataSource(TestDatabase.url()).getConnection();
                PreparedStatement tenantRow = c.prepareStatement(
                        "INSERT INTO tenants (id, display_name, created_at) VALUES (?, ?, now())");
                PreparedStatement insert = c.prepareStatement(
                "INSERT INTO api_keys (id, tenant_id, agent_id, key_hash, scopes, created_at, labels)"
                        + " VALUES (?, ?, 'old-agent', ?, 'tools:call', now(), '{}')")) {
            tenantRow.setString(1, tenant);
            tenantRow.setString(2, tenant);
            tenantRow.executeUpdate();
            insert.setString(1, "key_" + UUID.randomUUID().toString().substring(0, 30));
            insert.setString(2, tenant);
            insert.setString(3, ApiKeyFormat.hash(key));
            insert.executeUpdate();
        }
        return key;
    }

    private static ApplicationContext gateway(boolean legacyKeys) {
        return ApplicationContext.run(Map.of("toolgate.auth.legacy-keys", String.valueOf(legacyKeys)), "test");
    }

    @Test
    void anOldFormatKey_isAccepted_byDefault() throws Exception {
        try (ApplicationContext ctx = gateway(true)) {
            String key = storeOldFormatKey();
            assertThat(ctx.getBean(Authenticator.class).authenticate("Bearer " + key).agentId()).isEqualTo("old-agent");
        }
    }

    @Test
    void anOldFormatKey_isRefused_whenLegacyKeysAreOff() throws Exception {
        try (ApplicationContext ctx = gateway(false)) {
            String key = storeOldFormatKey();
            GatewayException e = catchThrowableOfType(GatewayException.class,
                    () -> ctx.getBean(Authenticator.class).authenticate("Bearer " + key));
            assertThat(e.getMessage()).contains("toolgate.auth.legacy-keys");
        }
    }
}
