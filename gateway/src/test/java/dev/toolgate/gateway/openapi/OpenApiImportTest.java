package dev.toolgate.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.ImportOpenApiResponse;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ImportOpenApi through gRPC: re-import as a diff, filters, and bad documents that change nothing. */
@MicronautTest
class OpenApiImportTest {
    private static final String V1 = """
            openapi: 3.0.3
            info: {title: Notes, version: "1"}
            servers: [{url: "https://notes.invalid/api"}]
            paths:
              /notes:
                get:
                  operationId: listNotes
                  summary: List notes.
                  tags: [read]
                  responses: {'200': {description: ok}}
                post:
                  operationId: createNote
                  summary: Create a note.
                  tags: [write]
                  requestBody:
                    required: true
                    content:
                      application/json:
                        schema: {type: object, required: [text], properties: {text: {type: string}}}
                  responses: {'201': {description: ok}}
              /notes/{id}:
                delete:
                  operationId: deleteNote
                  summary: Delete a note.
                  tags: [write]
                  parameters: [{name: id, in: path, required: true, schema: {type: string}}]
                  responses: {'204': {description: ok}}
            """;

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    AdminServiceGrpc.AdminServiceBlockingStub admin;
    ToolServiceGrpc.ToolServiceBlockingStub tools;
    String tenant;

    @BeforeEach
    void setUp() {
        admin = Clients.bootstrapAdmin(channel);
        tenant = "oi-" + UUID.randomUUID().toString().substring(0, 10);
        admin.createTenant(CreateTenantRequest.newBuilder().setId(tenant).build());
        tools = Clients.tools(channel, admin.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(tenant)
                .setAgentId("bot").build()).getApiKey());
    }

    private ImportOpenApiResponse importDoc(String document, OpenApiImportOptions options) {
        return admin.importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(tenant).setIntegration("notes")
                .setDocument(document).setOptions(options).build());
    }

    private StatusRuntimeException refused(String document, OpenApiImportOptions options) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> importDoc(document, options));
    }

    private List<String> toolNames() {
        return tools.listTools(ListToolsRequest.getDefaultInstance()).getToolsList().stream().map(Tool::getName).toList();
    }

    @Test
    void reimport_changedAddedAndRemovedOperations_isReportedAsDiffWithNewVersions() {
        ImportOpenApiResponse first = importDoc(V1, OpenApiImportOptions.getDefaultInstance());
        assertThat(first.getAddedList()).containsExactlyInAnyOrder("notes.list_notes", "notes.create_note",
                "notes.delete_note");
        assertThat(first.getBaseUrl()).isEqualTo("https://notes.invalid/api");

        ImportOpenApiResponse same = importDoc(V1, OpenApiImportOptions.getDefaultInstance());
        assertThat(same.getAddedList()).isEmpty();
        assertThat(same.getChangedList()).isEmpty();
        assertThat(same.getUnchangedCount()).isEqualTo(3);

        String v2 = V1.replace("summary: List notes.", "summary: List all notes, newest first.")
                .replace("    delete:\n      operationId: deleteNote", "    get:\n      operationId: getNote")
                .replace("summary: Delete a note.", "summary: Read a note.");
        ImportOpenApiResponse second = importDoc(v2, OpenApiImportOptions.getDefaultInstance());

        // a changed description is held for review (docs/catalog.md): the pinned one serves until approved
        assertThat(second.getHeldList()).containsExactly("notes.list_notes");
        assertThat(second.getChangedList()).isEmpty();
        assertThat(second.getAddedList()).containsExactly("notes.get_note");
        assertThat(second.getRemovedList()).containsExactly("notes.delete_note");
        assertThat(second.getUnchangedList()).containsExactly("notes.create_note");
        assertThat(toolNames()).containsExactlyInAnyOrder("notes.list_notes", "notes.create_note", "notes.get_note");
        assertThat(tools.getTool(GetToolRequest.newBuilder().setName("notes.list_notes").build()).getDescription())
                .isEqualTo("List notes.");
        var held = admin.listToolChanges(dev.toolgate.proto.v1.ListToolChangesRequest.newBuilder()
                .setTenant(tenant).build()).getChangesList();
        assertThat(held).singleElement().satisfies(c -> assertThat(c.getSource()).isEqualTo("openapi_import"));
        admin.decideToolChange(dev.toolgate.proto.v1.DecideToolChangeRequest.newBuilder().setTenant(tenant)
                .setId(held.get(0).getId()).setApprove(true).build());
        Tool list = tools.getTool(GetToolRequest.newBuilder().setName("notes.list_notes").build());
        assertThat(list.getVersion()).isEqualTo(2);
        assertThat(list.getDescription()).isEqualTo("List all notes, newest first.");
    }

    /**
     * The tool set is written from rows read up front, with new tools inserted as one batch: a removed
     * tool coming back (its stored row is revived as a new version) and a brand-new one in the same
     * import must both be stored, served and versioned as before.
     */
    @Test
    void reimport_removedOperationBackWithANewOne_revivesOneAndAddsTheOther() {
        importDoc(V1, OpenApiImportOptions.getDefaultInstance());
        String withoutDelete = V1.replace("    delete:\n      operationId: deleteNote",
                "    get:\n      operationId: getNote").replace("summary: Delete a note.", "summary: Read a note.");
        assertThat(importDoc(withoutDelete, OpenApiImportOptions.getDefaultInstance()).getRemovedList())
                .containsExactly("notes.delete_note");
        String back = V1 + """
                  /notes/{id}/archive:
                    post:
                      operationId: archiveNote
                      summary: Archive a note.
                      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
                      responses: {'204': {description: ok}}
                """;

        ImportOpenApiResponse third = importDoc(back, OpenApiImportOptions.getDefaultInstance());

        assertThat(third.getAddedList()).containsExactlyInAnyOrder("notes.delete_note", "notes.archive_note");
        assertThat(third.getRemovedList()).containsExactly("notes.get_note");
        assertThat(third.getUnchangedList()).containsExactlyInAnyOrder("notes.list_notes", "notes.create_note");
        assertThat(toolNames()).containsExactlyInAnyOrder("notes.list_notes", "notes.create_note",
                "notes.delete_note", "notes.archive_note");
        assertThat(tools.getTool(GetToolRequest.newBuilder().setName("notes.delete_note").build()).getVersion())
                .isEqualTo(2);
        Tool archive = tools.getTool(GetToolRequest.newBuilder().setName("notes.archive_note").build());
        assertThat(archive.getVersion()).isEqualTo(1);
        assertThat(archive.getDescription()).isEqualTo("Archive a note.");
        assertThat(importDoc(back, OpenApiImportOptions.getDefaultInstance()).getUnchangedCount()).isEqualTo(4);
    }

    @Test
    void import_filters_selectByTagPathAndOperation() {
        assertThat(importDoc(V1, OpenApiImportOptions.newBuilder().addIncludeTags("write").build()).getAddedList())
                .containsExactlyInAnyOrder("notes.create_note", "notes.delete_note");
        assertThat(importDoc(V1, OpenApiImportOptions.newBuilder().addIncludeTags("write")
                .addExcludePaths("/notes/*").build()).getRemovedList()).containsExactly("notes.delete_note");
        ImportOpenApiResponse byOperation = importDoc(V1, OpenApiImportOptions.newBuilder()
                .addIncludeOperations("listNotes").addIncludeOperations("delete_note").build());
        assertThat(toolNames()).containsExactlyInAnyOrder("notes.list_notes", "notes.delete_note");
        assertThat(byOperation.getExcluded()).isEqualTo(1);
    }

    @Test
    void import_serverVariablesAndBaseUrlOverride_setTheUpstreamAddress() {
        String templated = V1.replace("servers: [{url: \"https://notes.invalid/api\"}]", """
                servers:
                  - url: https://{region}.notes.invalid/{version}
                    variables:
                      region: {default: eu, enum: [eu, us]}
                      version: {default: v1}""");
        assertThat(importDoc(templated, OpenApiImportOptions.getDefaultInstance()).getBaseUrl())
                .isEqualTo("https://eu.notes.invalid/v1");
        assertThat(importDoc(templated, OpenApiImportOptions.newBuilder().putServerVariables("region", "us")
                .build()).getBaseUrl()).isEqualTo("https://us.notes.invalid/v1");
        assertThat(importDoc(templated, OpenApiImportOptions.newBuilder().setBaseUrl("https://other.invalid/x/")
                .build()).getBaseUrl()).isEqualTo("https://other.invalid/x");
    }

    @Test
    void badDocuments_areRefusedWithAClearErrorAndChangeNothing() throws Exception {
        importDoc(V1, OpenApiImportOptions.getDefaultInstance());
        List<String> before = toolNames();
        try (TestUpstream remote = TestUpstream.start().route("/", r -> Reply.json(200, "{\"type\":\"object\"}"))) {
            String remoteRef = V1.replace("schema: {type: object, required: [text], properties: {text: {type: string}}}",
                    "schema: {$ref: '" + remote.baseUrl() + "/schemas/note.json'}");
            String onlyRemote = """
                    openapi: 3.0.3
                    info: {title: x, version: "1"}
                    servers: [{url: "https://x.invalid"}]
                    paths:
                      /a:
                        post:
                          requestBody:
                            required: true
                            content: {application/json: {schema: {$ref: 'REMOTE/schemas/a.json'}}}
                          responses: {'200': {description: ok}}
                    """.replace("REMOTE", remote.baseUrl());
            String dangling = """
                    openapi: 3.1.0
                    info: {title: x, version: "1"}
                    servers: [{url: "https://x.invalid"}]
                    paths:
                      /a:
                        get:
                          parameters: [{$ref: '#/components/parameters/Missing'}]
                          responses: {'200': {description: ok}}
                    """;
            record Case(String document, String expected) {
            }
            List<Case> cases = List.of(
                    new Case("{ this is: [not yaml", "not valid JSON"),
                    new Case("title: [unclosed", "not valid YAML"),
                    new Case("{\"hello\": \"world\"}", "neither an 'openapi' nor a 'swagger' field"),
                    new Case("openapi: 2.5.0\ninfo: {title: x, version: '1'}\npaths: {}", "is not supported"),
                    new Case("", "empty"),
                    new Case(onlyRemote, "external references are not fetched"),
                    new Case(dangling, "points at nothing"));
            for (Case c : cases) {
                StatusRuntimeException e = refused(c.document(), OpenApiImportOptions.getDefaultInstance());
                assertThat(e.getStatus().getCode()).as(c.expected()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).as(c.document()).contains(c.expected());
                assertThat(toolNames()).isEqualTo(before);
            }

            ImportOpenApiResponse partial = importDoc(remoteRef, OpenApiImportOptions.getDefaultInstance());
            assertThat(partial.getWarningsList()).anySatisfy(w -> {
                assertThat(w.getOperation()).isEqualTo("POST /notes");
                assertThat(w.getSkipped()).isTrue();
                assertThat(w.getMessage()).contains("not fetched");
            });
            assertThat(partial.getUnchangedList()).containsExactlyInAnyOrder("notes.list_notes", "notes.delete_note");
            assertThat(toolNames()).as("a failed operation keeps its earlier version").isEqualTo(before);
            assertThat(remote.exchanges()).as("remote $ref must never be fetched").isEmpty();
        }
    }

    @Test
    void relativeServerWithoutBaseUrl_isRefused() {
        StatusRuntimeException e = refused(V1.replace("https://notes.invalid/api", "/api"),
                OpenApiImportOptions.getDefaultInstance());
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(e)).extracting(v -> v.getField()).containsExactly("options.base_url");
        assertThat(toolNames()).isEmpty();
    }

    @Test
    void swaggerDocumentWithoutHostAndNoBaseUrl_isRefusedNamingTheOption() {
        String noHost = """
                swagger: "2.0"
                info: {title: k8s, version: "1"}
                basePath: /
                paths:
                  /api/v1/namespaces:
                    get: {operationId: listNamespaces, responses: {'200': {description: ok}}}
                """;
        StatusRuntimeException e = refused(noHost, OpenApiImportOptions.getDefaultInstance());
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(e)).singleElement().satisfies(v -> {
            assertThat(v.getField()).isEqualTo("options.base_url");
            assertThat(v.getDescription()).contains("no host").contains("--base-url");
        });
        assertThat(toolNames()).isEmpty();
    }

    @Test
    void unknownSchemeInSecretsOrBadSecretName_isRefused() {
        StatusRuntimeException e = refused(V1, OpenApiImportOptions.newBuilder().putSecrets("nope", "x").build());
        assertThat(e.getStatus().getDescription()).contains("no security scheme 'nope'");
        StatusRuntimeException bad = refused(V1, OpenApiImportOptions.newBuilder().putSecrets("s", "Bad Name").build());
        assertThat(Clients.violations(bad)).extracting(v -> v.getField()).containsExactly("options.secrets[s]");
    }

    @Test
    void swagger2_isConvertedAndImported() {
        ImportOpenApiResponse r = importDoc("""
                swagger: "2.0"
                info: {title: Pets, version: "1"}
                host: pets.invalid
                basePath: /v2
                schemes: [https]
                securityDefinitions:
                  key: {type: apiKey, in: header, name: X-Key}
                security: [{key: []}]
                paths:
                  /pets/{id}:
                    get:
                      operationId: getPet
                      parameters:
                        - {name: id, in: path, required: true, type: integer}
                        - {name: tags, in: query, type: array, items: {type: string}, collectionFormat: pipes}
                      responses: {'200': {description: ok}}
                  /pets:
                    post:
                      parameters:
                        - {name: body, in: body, required: true, schema: {type: object, properties: {name: {type: string}}}}
                      responses: {'200': {description: ok}}
                """, OpenApiImportOptions.getDefaultInstance());
        assertThat(r.getSourceVersion()).isEqualTo("swagger 2.0");
        assertThat(r.getBaseUrl()).isEqualTo("https://pets.invalid/v2");
        assertThat(r.getAddedList()).containsExactlyInAnyOrder("notes.get_pet", "notes.post_pets");
        assertThat(r.getCredentialsList()).singleElement().satisfies(c -> {
            assertThat(c.getSecret()).isEqualTo("notes_key");
            assertThat(c.getPresent()).isFalse();
        });
    }

    @Test
    void yamlAliases_areExpanded() {
        ImportOpenApiResponse r = importDoc("""
                openapi: 3.0.3
                info: {title: t, version: "1"}
                servers: [{url: "https://x.invalid"}]
                x-shared:
                  id: &id {name: id, in: path, required: true, schema: {type: string}}
                paths:
                  /a/{id}:
                    get:
                      operationId: getA
                      parameters: [*id]
                      responses: {'200': {description: ok}}
                """, OpenApiImportOptions.getDefaultInstance());
        assertThat(r.getAddedList()).containsExactly("notes.get_a");
        assertThat(tools.getTool(GetToolRequest.newBuilder().setName("notes.get_a").build()).getInputSchemaJson())
                .contains("\"id\"");
    }

    @Test
    void unusableSchemes_areReportedAndTheirCallsFailClearly() {
        ImportOpenApiResponse r = importDoc("""
                openapi: 3.0.3
                info: {title: t, version: "1"}
                servers: [{url: "https://x.invalid"}]
                components:
                  securitySchemes:
                    templated:
                      type: oauth2
                      flows: {clientCredentials: {tokenUrl: "https://{tenant}.auth.invalid/token", scopes: {}}}
                    hostKey: {type: apiKey, in: header, name: Host}
                    apiKey: {type: apiKey, in: header, name: X-A}
                    api_key: {type: apiKey, in: query, name: key}
                paths:
                  /a:
                    get:
                      operationId: viaTemplated
                      security: [{templated: []}]
                      responses: {'200': {description: ok}}
                  /b:
                    get:
                      operationId: viaHost
                      security: [{hostKey: []}]
                      responses: {'200': {description: ok}}
                  /c:
                    get:
                      operationId: viaKeys
                      security: [{apiKey: [], api_key: []}]
                      responses: {'200': {description: ok}}
                """, OpenApiImportOptions.getDefaultInstance());

        assertThat(r.getCredentialsList()).anySatisfy(c -> {
            assertThat(c.getScheme()).isEqualTo("templated");
            assertThat(c.getType()).isEqualTo("UNSUPPORTED");
            assertThat(c.getNote()).contains("templated URLs are not supported");
        });
        assertThat(r.getCredentialsList()).filteredOn(c -> c.getScheme().startsWith("api"))
                .extracting(c -> c.getSecret()).containsExactlyInAnyOrder("notes_api_key", "notes_api_key_2");
        for (String tool : List.of("notes.via_templated", "notes.via_host")) {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> tools.executeTool(
                    dev.toolgate.proto.v1.ExecuteToolRequest.newBuilder().setTool(tool).setArgumentsJson("{}").build()));
            assertThat(e.getStatus().getCode()).as(tool).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription()).contains("scheme '");
        }
    }

    @Test
    void upsertHttpTool_onImportedIntegration_isRefused() {
        importDoc(V1, OpenApiImportOptions.getDefaultInstance());
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> admin.upsertHttpTool(
                dev.toolgate.proto.v1.UpsertHttpToolRequest.newBuilder().setTenant(tenant).setIntegration("notes")
                        .setName("extra").setDescription("x").setMethod("GET").setPath("/x")
                        .setInputSchemaJson("{\"type\":\"object\"}").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("INTEGRATION_IMPORTED");
    }
}
