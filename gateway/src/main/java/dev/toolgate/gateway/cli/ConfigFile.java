package dev.toolgate.gateway.cli;

import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.yaml.YamlPropertySourceLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's configuration file: {@code serve --config FILE} or {@code TOOLGATE_CONFIG},
 * YAML with the keys of {@code application.yml} — for settings that have no environment
 * variable of their own (retention, redaction paths, stdio MCP servers). Its values override
 * the built-in {@code application.yml}; environment variables and {@code -D} properties
 * override the file.
 */
final class ConfigFile {
    /** The variable naming the file when {@code --config} is not given. */
    static final String VARIABLE = "TOOLGATE_CONFIG";
    /** Above application.yml (-300), below environment variables (-200) and system properties (-100). */
    static final int ORDER = -250;

    private ConfigFile() {
    }

    /**
     * @param option {@code --config}, or null
     * @param env    the process environment
     * @return the file's properties, or empty when neither names a file
     * @throws CliException when the named file is missing, unreadable or not YAML
     */
    static Optional<PropertySource> load(Path option, Map<String, String> env) {
        String named = option != null ? option.toString() : env.getOrDefault(VARIABLE, "");
        if (named.isBlank()) {
            return Optional.empty();
        }
        String source = option != null ? "--config" : VARIABLE;
        Path file = Path.of(named);
        if (!Files.isRegularFile(file)) {
            throw new CliException(source + " names " + file + ", which is not a file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            Map<String, Object> values = new YamlPropertySourceLoader().read(file.toString(), in);
            return Optional.of(PropertySource.of("config-file:" + file, values, ORDER));
        } catch (IOException e) {
            throw new CliException("cannot read " + file + " (" + source + "): " + e.getMessage());
        } catch (RuntimeException e) {
            throw new CliException(file + " (" + source + ") is not a YAML configuration file: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }
}
