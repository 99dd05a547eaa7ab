package dev.toolgate.gateway.secrets;

import dev.toolgate.gateway.core.ToolgateProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the master key ring from {@code toolgate.secrets.*}: {@code master-key} and
 * {@code key-id} for the current key, {@code previous-keys.<id>} for older ones. Without a
 * configured master key, and only on the embedded H2 database, it uses (and on first start
 * creates) {@code <data-dir>/master.key} under its own key id
 * {@link MasterKeyRing#DEVELOPMENT_KEY_ID} and warns: fine for a laptop. On any other database
 * the start fails without a master key, a configured key may not use the development id, and
 * it may not be the development key itself (copied from {@code <data-dir>/master.key}) unless
 * {@code toolgate.development} ({@code TOOLGATE_DEVELOPMENT}) says this is a development run.
 * The ring is made when the context starts, so a bad key stops the start, not the first call.
 */
@Factory
public class SecretsFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SecretsFactory.class);

    @Context
    MasterKeyRing masterKeyRing(SecretsProperties config, ToolgateProperties toolgate,
            @Value("${datasources.default.url:}") String databaseUrl,
            @Value("${toolgate.development:false}") boolean development, Environment environment) {
        String masterKey = config.masterKey();
        String keyId = config.keyId();
        String dataDir = toolgate.dataDir();
        Map<String, String> previous = new HashMap<>();
        environment.getProperties("toolgate.secrets.previous-keys")
                .forEach((id, value) -> previous.put(id, String.valueOf(value)));
        if (!masterKey.isBlank()) {
            if (MasterKeyRing.DEVELOPMENT_KEY_ID.equals(keyId)) {
                throw new IllegalStateException("toolgate.secrets.key-id (TOOLGATE_SECRETS_KEY_ID) must not be '"
                        + MasterKeyRing.DEVELOPMENT_KEY_ID + "': that id marks secrets sealed with the generated"
                        + " development key; choose another id, e.g. k1");
            }
            Path devKeyFile = Path.of(dataDir).resolve("master.key");
            if (!isEmbeddedH2(databaseUrl) && !development && sameKey(masterKey, devKeyFile)) {
                throw new IllegalStateException("toolgate.secrets.master-key (TOOLGATE_SECRETS_MASTER_KEY) is the"
                        + " development key from " + devKeyFile + " (made by `toolgate demo` and kept in a plain"
                        + " file): on " + scheme(databaseUrl) + " use a key of its own (openssl rand -base64 32,"
                        + " kept in a secret store), or set TOOLGATE_DEVELOPMENT=true if this is a development run");
            }
            return MasterKeyRing.of(keyId, masterKey, previous);
        }
        if (!isEmbeddedH2(databaseUrl)) {
            throw new IllegalStateException("toolgate.secrets.master-key is not set: set TOOLGATE_SECRETS_MASTER_KEY"
                    + " to a base64 AES-256 key (openssl rand -base64 32). A generated development key is used only"
                    + " on the embedded H2 database, never on " + scheme(databaseUrl));
        }
        return MasterKeyRing.of(MasterKeyRing.DEVELOPMENT_KEY_ID, devKey(Path.of(dataDir).resolve("master.key")),
                previous);
    }

    /** Whether the file holds the same key bytes (whitespace and padding aside); false when unreadable. */
    private static boolean sameKey(String masterKeyBase64, Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return false;
            }
            byte[] dev = Base64.getDecoder().decode(Files.readString(file).trim());
            byte[] configured = Base64.getDecoder().decode(masterKeyBase64.trim());
            return java.security.MessageDigest.isEqual(dev, configured);
        } catch (IOException | IllegalArgumentException e) {
            return false; // not a key: MasterKeyRing reports a bad configured key on its own
        }
    }

    private static boolean isEmbeddedH2(String databaseUrl) {
        return databaseUrl.regionMatches(true, 0, "jdbc:h2:", 0, "jdbc:h2:".length());
    }

    /** {@code jdbc:postgresql:} and the like: never the rest of the URL, which may hold a password. */
    private static String scheme(String databaseUrl) {
        if (databaseUrl.isBlank()) {
            return "a database without a configured URL";
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(jdbc:[A-Za-z0-9+.-]{1,40}:)").matcher(databaseUrl);
        return m.find() ? m.group(1) + " databases" : "this database";
    }

    @Singleton
    SecretCipher secretCipher(MasterKeyRing keys) {
        return new SecretCipher(keys);
    }

    private static String devKey(Path file) {
        try {
            if (Files.exists(file)) {
                LOG.warn("Using the development master key in {} (key id '{}', embedded H2 only); set"
                        + " TOOLGATE_SECRETS_MASTER_KEY in production", file, MasterKeyRing.DEVELOPMENT_KEY_ID);
                return Files.readString(file).trim();
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] raw = new byte[32];
            dev.toolgate.gateway.core.Identifiers.random().nextBytes(raw);
            String encoded = Base64.getEncoder().encodeToString(raw);
            Files.writeString(file, encoded + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            LOG.warn("Created a development master key in {} (key id '{}', embedded H2 only); set"
                    + " TOOLGATE_SECRETS_MASTER_KEY in production", file, MasterKeyRing.DEVELOPMENT_KEY_ID);
            return encoded;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the development master key " + file, e);
        }
    }
}
