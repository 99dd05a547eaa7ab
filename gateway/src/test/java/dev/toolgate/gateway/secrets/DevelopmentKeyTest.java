package dev.toolgate.gateway.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.toolgate.gateway.support.Ports;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack: {@code serve} on PostgreSQL without a master key used to start with a generated
 * development key under the production key id; secrets sealed with it were indistinguishable
 * from production ones (and the key sat in a file next to the gateway).
 */
class DevelopmentKeyTest {
    private static final String DB = System.getenv().getOrDefault("TOOLGATE_TEST_DB_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");

    private static Map<String, Object> props(Path dataDir, String dbUrl, String user) {
        Map<String, Object> props = new HashMap<>(Map.of(
                "datasources.default.url", dbUrl,
                "datasources.default.username", user,
                "datasources.default.password", "",
                "grpc.server.port", Ports.free(),
                "micronaut.server.port", -1,
                "toolgate.data-dir", dataDir.toString(),
                "toolgate.egress.allow", "127.0.0.0/8",
                // the test environment (deduced) sets a master key: these starts have none
                "toolgate.secrets.master-key", "",
                "toolgate.secrets.key-id", "k1"));
        return props;
    }

    @Test
    void postgresqlWithoutAMasterKey_refusesToStart_namingTheVariable(@TempDir Path dataDir) {
        Throwable e = catchThrowable(() -> ApplicationContext.run(props(dataDir, DB, "postgres"), "nokey").close());

        assertThat(rootMessage(e)).contains("TOOLGATE_SECRETS_MASTER_KEY").contains("toolgate.secrets.master-key")
                .contains("H2");
        assertThat(dataDir.resolve("master.key")).doesNotExist();
    }

    @Test
    void h2WithoutAMasterKey_startsWithADevelopmentKey_underItsOwnKeyId(@TempDir Path dataDir) throws Exception {
        String h2 = "jdbc:h2:mem:devkey-" + System.nanoTime() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        try (ApplicationContext ctx = ApplicationContext.run(props(dataDir, h2, "sa"), "devkey")) {
            assertThat(ctx.getBean(MasterKeyRing.class).currentId()).isEqualTo(MasterKeyRing.DEVELOPMENT_KEY_ID)
                    .isEqualTo("dev");
            assertThat(ctx.getBean(SecretCipher.class).seal("acme", "token", "v1").keyId()).isEqualTo("dev");
        }
        assertThat(Files.readString(dataDir.resolve("master.key"))).isNotBlank();
    }

    @Test
    void aRealMasterKey_underTheDevelopmentKeyId_isRefused(@TempDir Path dataDir) {
        Map<String, Object> props = props(dataDir, DB, "postgres");
        props.put("toolgate.secrets.master-key", "dGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGVzLWxvbmchISE=");
        props.put("toolgate.secrets.key-id", "dev");

        Throwable e = catchThrowable(() -> ApplicationContext.run(props, "devid").close());

        assertThat(rootMessage(e)).contains("'dev'").contains("toolgate.secrets.key-id");
    }

    /**
     * The attack: the demo's development key, copied out of {@code ./data/master.key} into
     * {@code TOOLGATE_SECRETS_MASTER_KEY}, sealed production secrets on PostgreSQL with a key that
     * lies in a plain file beside the gateway. Refused unless the run says it is a development run.
     */
    @Test
    void theDemosDevelopmentKey_copiedIntoTheMasterKey_isRefusedOnPostgresql_unlessADevelopmentRun(
            @TempDir Path dataDir) throws Exception {
        String h2 = "jdbc:h2:mem:devcopy-" + System.nanoTime() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        ApplicationContext.run(props(dataDir, h2, "sa"), "devkey").close(); // a demo run makes ./data/master.key
        String devKey = Files.readString(dataDir.resolve("master.key"));
        Map<String, Object> props = props(dataDir, DB, "postgres");
        props.put("toolgate.secrets.master-key", "  " + devKey.strip() + "\n"); // as `$(cat data/master.key)` gives it

        Throwable e = catchThrowable(() -> ApplicationContext.run(props, "devcopy").close());

        assertThat(rootMessage(e)).contains("development key from " + dataDir.resolve("master.key"))
                .contains("TOOLGATE_SECRETS_MASTER_KEY").contains("TOOLGATE_DEVELOPMENT=true")
                .doesNotContain(devKey.strip());
        props.put("toolgate.development", "true");
        try (ApplicationContext ctx = ApplicationContext.run(props, "devcopy")) {
            assertThat(ctx.getBean(MasterKeyRing.class).currentId()).isEqualTo("k1");
        }
    }

    @Test
    void aMasterKeyOfItsOwn_startsOnPostgresql_besideADevelopmentKeyFile(@TempDir Path dataDir) throws Exception {
        Files.writeString(dataDir.resolve("master.key"), "c29tZS1vdGhlci1kZXZlbG9wbWVudC1rZXktMzJieXQ=\n");
        Map<String, Object> props = props(dataDir, DB, "postgres");
        props.put("toolgate.secrets.master-key", "dGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGVzLWxvbmchISE=");
        try (ApplicationContext ctx = ApplicationContext.run(props, "ownkey")) {
            assertThat(ctx.getBean(MasterKeyRing.class).currentId()).isEqualTo("k1");
        }
    }

    private static String rootMessage(Throwable e) {
        assertThat(e).isNotNull();
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
