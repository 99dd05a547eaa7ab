package dev.toolgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.execution.mcp.StdioServers;
import dev.toolgate.observability.Redactor;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --config FILE} / {@code TOOLGATE_CONFIG}: the settings that have no environment
 * variable of their own, read from the operator's YAML file by the gateway as the CLI builds it.
 */
class ConfigFileTest {
    private static final String YAML = """
            toolgate:
              calls:
                retention: 3d
              redaction:
                paths:
                  - "desk.create_case /summary"
              mcp:
                stdio-servers:
                  - "files acme node /opt/mcp/server-filesystem/dist/index.js /srv/shared"
            """;

    @Test
    void settingsFromTheFile_takeEffectInTheGateway(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("toolgate.yml"), YAML);
        Optional<PropertySource> config = ConfigFile.load(null, Map.of(ConfigFile.VARIABLE, file.toString()));

        try (ApplicationContext ctx = GatewayRuntime.builder(Map.of("grpc.server.port", 0), config).start()) {
            assertThat(ctx.getBean(Redactor.class).redact("desk.create_case",
                    "{\"summary\":\"customer's home address\",\"priority\":\"low\"}"))
                    .contains(Redactor.MASK).doesNotContain("home address").contains("low");
            StdioServers.Server files = ctx.getBean(StdioServers.class).require("acme", "stdio:files");
            assertThat(files.command()).isEqualTo("node");
            assertThat(ctx.getProperty("toolgate.calls.retention", Duration.class)).contains(Duration.ofDays(3));
        }
        // without the file: none of it
        try (ApplicationContext ctx = GatewayRuntime.builder(Map.of("grpc.server.port", 0), Optional.empty()).start()) {
            assertThat(ctx.getBean(Redactor.class).redact("desk.create_case", "{\"summary\":\"home address\"}"))
                    .contains("home address");
        }
    }

    @Test
    void theConfigOption_winsOverTheVariable(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.yml"), "toolgate:\n  calls:\n    retention: 2d\n");
        Optional<PropertySource> config = ConfigFile.load(file,
                Map.of(ConfigFile.VARIABLE, dir.resolve("absent.yml").toString()));
        assertThat(config.orElseThrow().get("toolgate.calls.retention")).isEqualTo("2d");
    }

    @Test
    void aMissingOrBrokenFile_stopsTheStart_namingItAndWhereItWasNamed(@TempDir Path dir) throws Exception {
        CliException missing = catchThrowableOfType(CliException.class,
                () -> ConfigFile.load(null, Map.of(ConfigFile.VARIABLE, dir.resolve("absent.yml").toString())));
        assertThat(missing.getMessage()).contains("TOOLGATE_CONFIG").contains("absent.yml").contains("not a file");

        Path broken = Files.writeString(dir.resolve("broken.yml"), "toolgate:\n  calls: [retention: 2d\n");
        CliException bad = catchThrowableOfType(CliException.class, () -> ConfigFile.load(broken, Map.of()));
        assertThat(bad.getMessage()).contains("broken.yml").contains("--config");
    }
}
