package dev.toolgate.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.IntegrationKind;
import dev.toolgate.gateway.catalog.IntegrationSource;
import dev.toolgate.gateway.catalog.McpBinding;
import dev.toolgate.gateway.catalog.StoredKind;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.upstream.IntegrationExecutor;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.UpstreamResponse;
import dev.toolgate.gateway.validation.SchemaCompiler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolExecutorsTest {
    private static final JsonNode NO_ARGUMENTS = JsonNodeFactory.instance.objectNode();

    /** An executor that answers its own kind's name, so a test sees which one ran. */
    private record NamingExecutor(IntegrationKind kind) implements IntegrationExecutor {
        @Override
        public PreparedCall prepare(ToolDefinition tool, JsonNode arguments) {
            return timeout -> new UpstreamResponse(200, "\"" + kind + "\"", false);
        }
    }

    private static final List<IntegrationExecutor> ONE_EACH = List.of(new NamingExecutor(IntegrationKind.HTTP),
            new NamingExecutor(IntegrationKind.SQL), new NamingExecutor(IntegrationKind.MCP));

    @Test
    void prepare_eachKnownKind_goesToTheExecutorOfThatKind() {
        ToolExecutors executors = new ToolExecutors(ONE_EACH);

        for (IntegrationKind kind : IntegrationKind.values()) {
            assertThat(executors.prepare(tool(kind.stored()), NO_ARGUMENTS, "call-1").send(Duration.ofSeconds(1))
                    .resultJson()).isEqualTo("\"" + kind + "\"");
        }
    }

    @Test
    void prepare_unknownStoredKind_isRefusedNamingTheKindAndNothingIsPrepared() {
        ToolExecutors executors = new ToolExecutors(ONE_EACH);

        assertThatThrownBy(() -> executors.prepare(tool("ftp"), NO_ARGUMENTS, "call-1"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                    assertThat(e.reason()).isEqualTo("INTEGRATION_KIND_UNKNOWN");
                    assertThat(e.getMessage()).isEqualTo("integration 'desk' has kind 'ftp', which this gateway"
                            + " cannot execute (it knows http, sql, mcp)");
                });
    }

    @Test
    void constructor_kindWithoutExecutor_failsNamingTheKind() {
        assertThatThrownBy(() -> new ToolExecutors(ONE_EACH.subList(0, 2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no executor for integration kind(s) [MCP]");
    }

    @Test
    void constructor_twoExecutorsOfOneKind_fails() {
        assertThatThrownBy(() -> new ToolExecutors(List.of(new NamingExecutor(IntegrationKind.HTTP),
                new NamingExecutor(IntegrationKind.HTTP), new NamingExecutor(IntegrationKind.SQL),
                new NamingExecutor(IntegrationKind.MCP))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("two executors for integration kind HTTP");
    }

    private static ToolDefinition tool(String storedKind) {
        Instant now = Instant.EPOCH;
        IntegrationEntity integration = new IntegrationEntity("i-1", "acme", "desk", new StoredKind(storedKind), "",
                HttpAuth.Kind.NONE, "", "", now, now, "{}", IntegrationSource.MANUAL, "{}");
        return new ToolDefinition("acme", integration, "lookup", 1, "", "{\"type\":\"object\"}",
                new SchemaCompiler().compile("input_schema_json", JsonNodeFactory.instance.objectNode().put("type", "object")),
                ToolAnnotations.NONE, new McpBinding("lookup"), Duration.ofSeconds(5), "");
    }
}
