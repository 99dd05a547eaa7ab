package dev.toolgate.gateway.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MasterKeyRotationTest {
    private static final String OLD = "b2xkLW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyEhISE=";
    private static final String NEW = "bmV3LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyEhISE=";

    private static ApplicationContext context(Map<String, Object> secrets) {
        Map<String, Object> props = new java.util.HashMap<>(Map.of(
                "datasources.default.url", "jdbc:h2:mem:rotation-" + System.nanoTime() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
                "datasources.default.username", "sa",
                "datasources.default.password", "",
                "grpc.server.enabled", false,
                "micronaut.server.port", -1));
        props.putAll(secrets);
        return ApplicationContext.run(props, "rotation");
    }

    @Test
    void previousKeys_fromConfiguration_stillDecryptAfterRotation() {
        SealedSecret sealed;
        try (ApplicationContext before = context(Map.of("toolgate.secrets.master-key", OLD,
                "toolgate.secrets.key-id", "old"))) {
            sealed = before.getBean(SecretCipher.class).seal("acme", "token", "v1");
        }
        try (ApplicationContext after = context(Map.of("toolgate.secrets.master-key", NEW,
                "toolgate.secrets.key-id", "new", "toolgate.secrets.previous-keys.old", OLD))) {
            assertThat(after.getBean(MasterKeyRing.class).currentId()).isEqualTo("new");
            assertThat(after.getBean(SecretCipher.class).open("acme", "token", sealed)).isEqualTo("v1");
        }
    }
}
