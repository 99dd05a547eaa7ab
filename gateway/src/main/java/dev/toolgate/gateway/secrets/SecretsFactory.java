package dev.toolgate.gateway.secrets;

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
 * {@code key-id} for the current key, {@code previous-keys.<id>} for older ones. Without a configured master key
 * it uses (and on first start creates) {@code <data-dir>/master.key} and warns: fine for a
 * laptop, not for production.
 */
@Factory
public class SecretsFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SecretsFactory.class);

    @Singleton
    MasterKeyRing masterKeyRing(@Value("${toolgate.secrets.master-key:}") String masterKey,
            @Value("${toolgate.secrets.key-id:k1}") String keyId,
            @Value("${toolgate.data-dir:./data}") String dataDir, Environment environment) {
        String key = masterKey.isBlank() ? devKey(Path.of(dataDir).resolve("master.key")) : masterKey;
        Map<String, String> previous = new HashMap<>();
        environment.getProperties("toolgate.secrets.previous-keys")
                .forEach((id, value) -> previous.put(id, String.valueOf(value)));
        return MasterKeyRing.of(keyId, key, previous);
    }

    @Singleton
    SecretCipher secretCipher(MasterKeyRing keys) {
        return new SecretCipher(keys);
    }

    private static String devKey(Path file) {
        try {
            if (Files.exists(file)) {
                LOG.warn("Using the development master key in {}; set TOOLGATE_SECRETS_MASTER_KEY in production", file);
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
            LOG.warn("Created a development master key in {}; set TOOLGATE_SECRETS_MASTER_KEY in production", file);
            return encoded;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the development master key " + file, e);
        }
    }
}
