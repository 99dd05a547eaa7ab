package dev.toolgate.gateway.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.toolgate.gateway.cli.ToolgateCli;
import dev.toolgate.gateway.support.NotifyingMcpServer;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.ExportFormat;
import dev.toolgate.proto.v1.ExportToolsRequest;
import dev.toolgate.proto.v1.ExportToolsResponse;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import dev.toolgate.proto.v1.PutMcpIntegrationRequest;
import dev.toolgate.proto.v1.SearchToolsRequest;
import dev.toolgate.proto.v1.SearchToolsResponse;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tool tags: the real Swagger Petstore document (OpenAPI 3.0, operations tagged {@code pet},
 * {@code store}, {@code user}) imported over gRPC gives each tool its operation's tags; the
 * {@code tags} filter of ListTools, ExportTools and SearchTools keeps tools with any of the tags
 * (or all, with {@code tags_match_all}), without regard to case, and so does the CLI's {@code --tag};
 * a hand-defined tool takes tags (a bad one is refused and changes nothing); an MCP server's tags
 * come from {@code _meta.fastmcp.tags}.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolTagsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    GrpcEmbeddedServer server;

    TenantFixture fx;
    /** Tool name (as imported) -> the operation's tags, read from the document itself. */
    Map<String, List<String>> documentTags;

    @BeforeAll
    void importPetstore() throws Exception {
        String document;
        try (InputStream in = getClass().getResourceAsStream("/openapi/swagger-petstore-3.0.yaml")) {
            document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        fx = TenantFixture.create(channel, "http://127.0.0.1:9");
        fx.admin().importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(fx.tenant).setIntegration("petstore")
                .setDocument(document).setOptions(OpenApiImportOptions.newBuilder().setBaseUrl("http://127.0.0.1:9"))
                .build());
        documentTags = new TreeMap<>();
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(document);
        doc.path("paths").forEach(item -> item.properties().forEach(op -> {
            if (op.getValue().has("operationId")) {
                List<String> tags = new ArrayList<>();
                op.getValue().path("tags").forEach(t -> tags.add(t.asText()));
                documentTags.put(op.getValue().path("operationId").asText(), tags);
            }
        }));
        assertThat(documentTags).hasSize(19);
    }

    @Test
    void importedTools_carryTheirOperationsTags() {
        List<Tool> all = list(ListToolsRequest.newBuilder().setIntegration("petstore"));
        assertThat(all).hasSize(19);
        for (Tool t : all) {
            assertThat(t.getTagsList()).as(t.getName()).containsExactlyElementsOf(tagsOf(t));
        }
    }

    @Test
    void listTools_keepsToolsWithAnyOfTheTags_orAllOfThem_withoutRegardToCase() {
        assertThat(names(list(ListToolsRequest.newBuilder().addTags("STORE")))).isEqualTo(withTag("store"));
        List<String> storeOrUser = new ArrayList<>(withTag("store"));
        storeOrUser.addAll(withTag("user"));
        assertThat(names(list(ListToolsRequest.newBuilder().addTags("store").addTags("user"))))
                .containsExactlyInAnyOrderElementsOf(storeOrUser);
        assertThat(list(ListToolsRequest.newBuilder().addTags("store").addTags("user").setTagsMatchAll(true)))
                .isEmpty(); // no operation of the document is tagged both
        assertThat(names(list(ListToolsRequest.newBuilder().addTags("pet").addTags("Pet").setTagsMatchAll(true))))
                .isEqualTo(withTag("pet"));
        assertThat(list(ListToolsRequest.newBuilder().addTags("pet").setIntegration("desk"))).isEmpty();
    }

    @Test
    void exportTools_andSearchTools_keepOnlyTheTaggedTools() throws Exception {
        ExportToolsResponse export = fx.agent().exportTools(ExportToolsRequest.newBuilder()
                .setFormat(ExportFormat.EXPORT_FORMAT_OPENAI).addTags("user").build());
        assertThat(export.getToolsList()).extracting(t -> t.getName())
                .containsExactlyInAnyOrderElementsOf(withTag("user"));
        assertThat(new ObjectMapper().readTree(export.getToolsJson()).size()).isEqualTo(withTag("user").size());

        SearchToolsResponse found = fx.agent().searchTools(SearchToolsRequest.newBuilder()
                .setQuery("find by status or id").setLimit(50).addTags("pet").build());
        assertThat(found.getToolsList()).isNotEmpty().allMatch(t -> t.getTagsList().contains("pet"));
        SearchToolsResponse everything = fx.agent().searchTools(SearchToolsRequest.newBuilder()
                .setQuery("find by status or id").setLimit(50).build());
        assertThat(everything.getToolsList()).anyMatch(t -> !t.getTagsList().contains("pet"));
    }

    @Test
    void theBuiltInSearchTool_filtersByTags_andRefusesABadTag() throws Exception {
        var call = dev.toolgate.proto.v1.ExecuteToolRequest.newBuilder().setTool("toolgate.search_tools");
        var found = fx.agent().executeTool(call.setArgumentsJson(
                "{\"query\":\"find by status or id\",\"limit\":50,\"tags\":[\"PET\"]}").build());
        List<String> titles = new java.util.ArrayList<>();
        new ObjectMapper().readTree(found.getResultJson()).path("tools").forEach(t -> titles.add(t.path("title").asText()));
        assertThat(titles).isNotEmpty().allMatch(withTag("pet")::contains);

        var both = fx.agent().executeTool(call.setArgumentsJson(
                "{\"query\":\"find by status or id\",\"limit\":50,\"tags\":[\"pet\",\"user\"],\"all_tags\":true}")
                .build());
        assertThat(new ObjectMapper().readTree(both.getResultJson()).path("tools")).isEmpty(); // no operation has both

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> fx.agent().executeTool(
                call.setArgumentsJson("{\"query\":\"pets\",\"tags\":[\"hid\u200Bden\"]}").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("U+200B");
    }

    @Test
    void searchTools_findsAToolByAWordOnlyItsTagsHold() {
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("tagged_lookup").setDescription("Look up an item").setMethod("GET").setPath("/items")
                .setInputSchemaJson("{\"type\":\"object\"}").addTags("warehouse").build());

        SearchToolsResponse found = fx.agent().searchTools(SearchToolsRequest.newBuilder().setQuery("warehouse")
                .setLimit(5).build());

        assertThat(found.getToolsList()).extracting(Tool::getName).containsExactly("desk.tagged_lookup");
    }

    @Test
    void aHandDefinedTool_takesTags_aTagOnlyChangeIsANewVersion_andABadTagChangesNothing() {
        TenantFixture own = TenantFixture.create(channel, "http://127.0.0.1:9");
        Tool first = own.admin().upsertHttpTool(tool(own, "Billing", "billing", " refunds "));
        assertThat(first.getTagsList()).containsExactly("Billing", "refunds");

        Tool retagged = own.admin().upsertHttpTool(tool(own, "billing", "disputes"));
        assertThat(retagged.getVersion()).isEqualTo(first.getVersion() + 1);
        assertThat(retagged.getTagsList()).containsExactly("billing", "disputes");

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> own.admin().upsertHttpTool(tool(own, "ok", "hid\u200Bden")));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("tag 'hid", "U+200B");
        Tool after = own.agent().getTool(dev.toolgate.proto.v1.GetToolRequest.newBuilder().setName("desk.refund")
                .build());
        assertThat(after.getVersion()).isEqualTo(retagged.getVersion());
        assertThat(after.getTagsList()).containsExactly("billing", "disputes");
    }

    @Test
    void aFilterTagNoToolCanHave_isRefused() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> list(ListToolsRequest.newBuilder().addTags(" ")));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("tag ' ' is empty");
    }

    @Test
    void anMcpServersTools_takeTheirTagsFromMetaFastmcpTags() {
        try (NotifyingMcpServer mcp = NotifyingMcpServer.start("alpha,beta", true)) {
            TenantFixture own = TenantFixture.create(channel, "http://127.0.0.1:9");
            own.admin().putMcpIntegration(PutMcpIntegrationRequest.newBuilder().setTenant(own.tenant).setName("notes")
                    .setUrl(mcp.url()).build());

            List<Tool> tagged = own.agent().listTools(ListToolsRequest.newBuilder().addTags("letter-a").build())
                    .getToolsList();

            assertThat(tagged).extracting(Tool::getName).containsExactly("notes.alpha");
            assertThat(tagged.get(0).getTagsList()).containsExactly("notifying", "letter-a");
        }
    }

    @Test
    void theCli_filtersByRepeatedTag() throws Exception {
        Run tools = cli("tools", "--integration", "petstore", "--tag", "store", "--tag", "USER");
        assertThat(tools.exit()).as(tools.stderr()).isZero();
        List<String> printed = tools.stdout().lines().map(l -> l.substring(0, l.indexOf(' '))).toList();
        List<String> expected = new ArrayList<>(withTag("store"));
        expected.addAll(withTag("user"));
        assertThat(printed).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(tools.stdout()).contains("[store]", "[user]").doesNotContain("[pet]");

        Run both = cli("tools", "--tag", "store", "--tag", "user", "--all-tags");
        assertThat(both.exit()).as(both.stderr()).isZero();
        assertThat(both.stdout()).isEmpty();

        Run search = cli("search", "find by status or id", "--tag", "pet", "--limit", "50");
        assertThat(search.exit()).as(search.stderr()).isZero();
        assertThat(search.stdout().lines().map(l -> l.substring(0, l.indexOf(' '))))
                .isNotEmpty().allMatch(withTag("pet")::contains);

        Run export = cli("tools", "--format", "anthropic", "--tag", "user");
        assertThat(export.exit()).as(export.stderr()).isZero();
        assertThat(new ObjectMapper().readTree(export.stdout()).size()).isEqualTo(withTag("user").size());
    }

    private UpsertHttpToolRequest tool(TenantFixture own, String... tags) {
        return UpsertHttpToolRequest.newBuilder().setTenant(own.tenant).setIntegration("desk").setName("refund")
                .setDescription("Refund a charge").setMethod("POST").setPath("/refunds")
                .setInputSchemaJson("{\"type\":\"object\"}").addAllTags(List.of(tags)).build();
    }

    private List<Tool> list(ListToolsRequest.Builder request) {
        List<Tool> out = new ArrayList<>();
        String token = "";
        do {
            var page = fx.agent().listTools(request.setPageToken(token).build());
            out.addAll(page.getToolsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return out;
    }

    private List<String> tagsOf(Tool t) {
        return documentTags.entrySet().stream()
                .filter(e -> t.getName().equals("petstore." + e.getKey().replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                        .toLowerCase(java.util.Locale.ROOT)))
                .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("no operation for "
                        + t.getName()));
    }

    /** Qualified names of the imported tools whose operation has {@code tag}, sorted. */
    private List<String> withTag(String tag) {
        return list(ListToolsRequest.newBuilder().setIntegration("petstore")).stream()
                .filter(t -> tagsOf(t).contains(tag)).map(Tool::getName).sorted().toList();
    }

    private static List<String> names(List<Tool> tools) {
        return tools.stream().map(Tool::getName).sorted().toList();
    }

    record Run(int exit, String stdout, String stderr) {
    }

    private Run cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ToolgateCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        pb.environment().remove("TOOLGATE_ADMIN_KEY");
        pb.environment().put("TOOLGATE_API_KEY", fx.agentKey);
        pb.environment().put("TOOLGATE_ADDRESS", "127.0.0.1:" + server.getPort());
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("CLI timed out: " + String.join(" ", args));
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
