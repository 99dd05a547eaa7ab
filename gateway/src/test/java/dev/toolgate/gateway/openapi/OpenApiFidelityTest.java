package dev.toolgate.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ImportOpenApiResponse;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Document fragments in the shapes real public API descriptions use (issue 24), imported and
 * called against a real upstream on 127.0.0.1 that records what it receives.
 */
@MicronautTest
class OpenApiFidelityTest {
    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    ImportedApi api;

    @BeforeEach
    void setUp() throws Exception {
        api = ImportedApi.start(channel, "of");
    }

    @AfterEach
    void tearDown() {
        api.close();
    }

    // 1. API keys named like standard headers (Kubernetes' BearerToken)

    static final String KUBERNETES_LIKE = """
            swagger: "2.0"
            info: {title: k8s, version: "1"}
            host: k8s.invalid
            securityDefinitions:
              BearerToken: {type: apiKey, in: header, name: authorization, description: Bearer Token authentication}
              HostKey: {type: apiKey, in: header, name: Host}
            security: [{BearerToken: []}]
            paths:
              /api/v1/namespaces:
                get:
                  operationId: listCoreV1Namespace
                  parameters:
                    - {name: Authorization, in: header, type: string}
                    - {name: limit, in: query, type: integer}
                  responses: {'200': {description: ok}}
              /api/v1/nodes:
                get:
                  operationId: listNodesViaHostKey
                  security: [{HostKey: []}]
                  responses: {'200': {description: ok}}
            """;

    @Test
    void apiKeyNamedAuthorization_sendsTheSchemesHeaderWithASecretHoldingSpaces() throws Exception {
        api.putSecret("k8s_bearer_token", "Bearer eyJhbGciOi.abc def");
        ImportOpenApiResponse r = api.importDoc("k8s", KUBERNETES_LIKE, OpenApiImportOptions.newBuilder());
        assertThat(r.getCredentialsList()).anySatisfy(c -> {
            assertThat(c.getScheme()).isEqualTo("BearerToken");
            assertThat(c.getType()).isEqualTo("API_KEY");
            assertThat(c.getPresent()).isTrue();
        });

        ExecuteToolResponse called = api.call("k8s.list_core_v1_namespace", "{\"limit\":5}");

        assertThat(called.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(api.last().uri()).isEqualTo("/api/v1/namespaces?limit=5");
        assertThat(api.last().header("Authorization")).isEqualTo("Bearer eyJhbGciOi.abc def");
        assertThat(api.inputSchema("k8s.list_core_v1_namespace").path("properties").fieldNames())
                .toIterable().containsExactly("limit");
    }

    @Test
    void apiKeyNamedAuthorization_anAgentArgumentStillCannotSetAuthorization() {
        api.putSecret("k8s_bearer_token", "Bearer good");
        api.importDoc("k8s", KUBERNETES_LIKE, OpenApiImportOptions.newBuilder());

        for (String attack : List.of("{\"Authorization\":\"Bearer evil\"}", "{\"authorization\":\"Bearer evil\"}",
                "{\"Authorization_header\":\"Bearer evil\"}")) {
            StatusRuntimeException e = api.refusedCall("k8s.list_core_v1_namespace", attack);
            assertThat(e.getStatus().getCode()).as(attack).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        assertThat(api.upstream.exchanges()).isEmpty();
    }

    @Test
    void apiKeyInARefusedHeader_failsSayingRefusedHeaderNotSecretMissing() {
        api.putSecret("k8s_host_key", "irrelevant");
        ImportOpenApiResponse r = api.importDoc("k8s", KUBERNETES_LIKE, OpenApiImportOptions.newBuilder());
        assertThat(r.getCredentialsList()).anySatisfy(c -> {
            assertThat(c.getScheme()).isEqualTo("HostKey");
            assertThat(c.getNote()).contains("refused header");
        });

        StatusRuntimeException e = api.refusedCall("k8s.list_nodes_via_host_key", "{}");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("SECURITY_SCHEME_UNUSABLE");
        assertThat(e.getStatus().getDescription()).contains("refused header").doesNotContain("missing");
        assertThat(api.upstream.exchanges()).isEmpty();
    }

    // 2. Declared request and response media types

    static final String MEDIA_TYPES = """
            openapi: 3.0.3
            info: {title: media, version: "1"}
            paths:
              /namespaces/{name}:
                patch:
                  operationId: patchNamespace
                  parameters: [{name: name, in: path, required: true, schema: {type: string}}]
                  requestBody:
                    required: true
                    content:
                      application/json-patch+json: {schema: {$ref: '#/components/schemas/Patch'}}
                      application/merge-patch+json: {schema: {$ref: '#/components/schemas/Patch'}}
                      application/strategic-merge-patch+json: {schema: {$ref: '#/components/schemas/Patch'}}
                      application/apply-patch+yaml: {schema: {$ref: '#/components/schemas/Patch'}}
                  responses:
                    '200':
                      description: ok
                      content:
                        application/json: {schema: {type: object}}
                        application/yaml: {schema: {type: object}}
                        application/vnd.kubernetes.protobuf: {schema: {type: object}}
              /articles:
                post:
                  operationId: createArticle
                  requestBody:
                    required: true
                    content:
                      application/vnd.api+json:
                        schema: {type: object, required: [data], properties: {data: {type: object}}}
                  responses:
                    '201': {$ref: '#/components/responses/Article'}
              /ops:
                patch:
                  operationId: applyOps
                  requestBody:
                    required: true
                    content:
                      application/json-patch+json:
                        schema: {type: array, items: {type: object}}
                  responses: {'204': {description: ok}}
            components:
              schemas:
                Patch: {type: object, description: a patch}
              responses:
                Article: {description: ok, content: {application/vnd.api+json: {schema: {type: object}}}}
            """;

    @Test
    void mergePatch_isSentAsDeclaredAndPreferredOverJsonPatchForAnObjectBody() throws Exception {
        api.importDoc("media", MEDIA_TYPES, OpenApiImportOptions.newBuilder());

        ExecuteToolResponse r = api.call("media.patch_namespace",
                "{\"name\":\"ns1\",\"body\":{\"metadata\":{\"labels\":{\"a\":\"b\"}}}}");

        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        TestUpstream.Exchange seen = api.last();
        assertThat(seen.method()).isEqualTo("PATCH");
        assertThat(seen.uri()).isEqualTo("/namespaces/ns1");
        assertThat(seen.header("Content-Type")).isEqualTo("application/merge-patch+json");
        assertThat(seen.header("Accept")).isEqualTo("application/json");
        assertThat(JsonSupport.mapper().readTree(seen.body()))
                .isEqualTo(JsonSupport.mapper().readTree("{\"metadata\":{\"labels\":{\"a\":\"b\"}}}"));
    }

    @Test
    void jsonApiAndJsonPatch_sendTheirOwnContentTypeAndAccept() throws Exception {
        api.importDoc("media", MEDIA_TYPES, OpenApiImportOptions.newBuilder());

        api.call("media.create_article", "{\"data\":{\"type\":\"articles\"}}");
        TestUpstream.Exchange article = api.last();
        assertThat(article.header("Content-Type")).isEqualTo("application/vnd.api+json");
        assertThat(article.header("Accept")).isEqualTo("application/vnd.api+json");
        assertThat(article.body()).isEqualTo("{\"data\":{\"type\":\"articles\"}}");

        api.call("media.apply_ops", "{\"body\":[{\"op\":\"add\",\"path\":\"/a\",\"value\":1}]}");
        TestUpstream.Exchange ops = api.last();
        assertThat(ops.header("Content-Type")).isEqualTo("application/json-patch+json");
        assertThat(ops.body()).isEqualTo("[{\"op\":\"add\",\"path\":\"/a\",\"value\":1}]");
    }

    // 3. Documents without security schemes; optional security

    @Test
    void documentWithoutSecurity_sendsTheIntegrationsBearerSecret() {
        api.putSecret("gh_token", "ghp_abc123");
        api.admin.createHttpIntegration(dev.toolgate.proto.v1.CreateHttpIntegrationRequest.newBuilder().setTenant(api.tenant)
                .setName("gh").setBaseUrl(api.upstream.baseUrl())
                .setAuth(dev.toolgate.proto.v1.HttpAuth.newBuilder()
                        .setBearer(dev.toolgate.proto.v1.BearerAuth.newBuilder().setSecret("gh_token")))
                .build());
        api.importDoc("gh", """
                openapi: 3.0.3
                info: {title: GitHub-like, version: "1"}
                paths:
                  /user:
                    get: {operationId: users/get-authenticated, responses: {'200': {description: ok}}}
                  /meta:
                    get: {operationId: meta/get, security: [], responses: {'200': {description: ok}}}
                """, OpenApiImportOptions.newBuilder());

        api.call("gh.users_get_authenticated", "{}");
        assertThat(api.last().uri()).isEqualTo("/user");
        assertThat(api.last().header("Authorization")).isEqualTo("Bearer ghp_abc123");

        api.call("gh.meta_get", "{}"); // security: [] says "no credential" explicitly
        assertThat(api.last().uri()).isEqualTo("/meta");
        assertThat(api.last().header("Authorization")).isNull();
    }

    static final String OPTIONAL_SECURITY = """
            openapi: 3.0.3
            info: {title: opt, version: "1"}
            components:
              securitySchemes:
                key: {type: apiKey, in: header, name: X-Api-Key}
            paths:
              /pets:
                get:
                  operationId: listPets
                  security: [{}, {key: []}]
                  responses: {'200': {description: ok}}
            """;

    @Test
    void optionalSecurity_sendsTheCredentialWhenItsSecretExistsAndNothingOtherwise() {
        api.importDoc("opt", OPTIONAL_SECURITY, OpenApiImportOptions.newBuilder());

        api.call("opt.list_pets", "{}");
        assertThat(api.last().header("X-Api-Key")).isNull();

        api.putSecret("opt_key", "k-42");
        api.call("opt.list_pets", "{}");
        assertThat(api.last().header("X-Api-Key")).isEqualTo("k-42");
    }

    // 4. Arguments a model cannot know: bound at import to secrets or fixed values

    static final String SLACK_LIKE = """
            swagger: "2.0"
            info: {title: slack, version: "1"}
            host: slack.invalid
            paths:
              /conversations.list:
                get:
                  operationId: conversations_list
                  parameters:
                    - {name: token, in: query, required: true, type: string}
                    - {name: limit, in: query, type: integer}
                    - {name: X-Api-Version, in: header, required: true, type: string}
                  responses: {'200': {description: ok}}
              /chat.postMessage:
                post:
                  operationId: chat_postMessage
                  consumes: [application/x-www-form-urlencoded]
                  parameters:
                    - {name: token, in: formData, required: true, type: string}
                    - {name: channel, in: formData, required: true, type: string}
                    - {name: text, in: formData, type: string}
                  responses: {'200': {description: ok}}
            """;

    private ImportOpenApiResponse importSlack() {
        return api.importDoc("slack", SLACK_LIKE, OpenApiImportOptions.newBuilder()
                .putBindings("token", "secret:slack_token").putBindings("x-api-version", "value:2024-01-01")
                .putBindings("nothing", "value:x"));
    }

    @Test
    void boundParameters_areHiddenFromTheModelAndSentFromTheSecretOrFixedValue() throws Exception {
        api.putSecret("slack_token", "xoxb-123 456");
        ImportOpenApiResponse r = importSlack();
        assertThat(r.getWarningsList()).anySatisfy(w -> assertThat(w.getMessage()).contains("--bind nothing"));
        JsonNode list = api.inputSchema("slack.conversations_list");
        assertThat(list.path("properties").fieldNames()).toIterable().containsExactly("limit");
        assertThat(list.path("required").isMissingNode()).isTrue();
        JsonNode post = api.inputSchema("slack.chat_post_message");
        assertThat(post.path("properties").fieldNames()).toIterable().containsExactlyInAnyOrder("channel", "text");
        assertThat(post.path("required")).extracting(JsonNode::asText).containsExactly("channel");

        api.call("slack.conversations_list", "{\"limit\":2}");
        TestUpstream.Exchange listed = api.last();
        assertThat(listed.uri()).startsWith("/conversations.list?").contains("limit=2").contains("token=xoxb-123%20456");
        assertThat(listed.header("X-Api-Version")).isEqualTo("2024-01-01");

        api.upstream.route("/chat.postMessage", q -> Reply.json(200, "{\"echo\":\"" + q.body() + "\"}"));
        ExecuteToolResponse posted = api.call("slack.chat_post_message", "{\"channel\":\"C1\",\"text\":\"hi\"}");
        TestUpstream.Exchange sent = api.last();
        assertThat(sent.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(List.of(sent.body().split("&"))).containsExactlyInAnyOrder("channel=C1", "text=hi",
                "token=xoxb-123%20456");
        assertThat(posted.getResultJson()).doesNotContain("xoxb-123");
    }

    @Test
    void boundParameters_theModelCannotOverrideThemAndAMissingSecretIsNamed() {
        importSlack();

        StatusRuntimeException missing = api.refusedCall("slack.conversations_list", "{}");
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Clients.errorInfo(missing).getReason()).isEqualTo("SECRET_NOT_FOUND");
        assertThat(missing.getStatus().getDescription()).contains("slack_token");

        api.putSecret("slack_token", "xoxb-good");
        StatusRuntimeException overridden = api.refusedCall("slack.conversations_list", "{\"token\":\"xoxb-evil\"}");
        assertThat(overridden.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(api.upstream.exchanges()).isEmpty();
    }

    @Test
    void bindingThatIsNeitherASecretNorAValue_isRefused() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> api.importDoc("slack",
                SLACK_LIKE, OpenApiImportOptions.newBuilder().putBindings("token", "xoxb-plain-text")));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription() + Clients.violations(e)).contains("secret:").doesNotContain("xoxb");
    }

    // 5. OpenAPI 3.1 references by $id and $anchor

    static final String PETSTORE_31 = """
            openapi: 3.1.0
            info: {title: pets31, version: "1"}
            paths:
              /pets:
                get:
                  operationId: listPets
                  responses:
                    '200':
                      description: ok
                      content: {application/json: {schema: {type: array, items: {$ref: 'https://example.com/schemas/pet'}}}}
                post:
                  operationId: createPet
                  requestBody:
                    required: true
                    content: {application/json: {schema: {$ref: '#newPet'}}}
                  responses: {'201': {description: ok}}
              /pets/{id}:
                get:
                  operationId: showPetById
                  parameters:
                    - {name: id, in: path, required: true, schema: {$ref: 'https://example.com/schemas/pet#petId'}}
                  responses: {'200': {description: ok}}
            components:
              schemas:
                Pet:
                  $id: https://example.com/schemas/pet
                  type: object
                  required: [id, name]
                  properties:
                    id: {$anchor: petId, type: integer, minimum: 1}
                    name: {type: string}
                NewPet:
                  $anchor: newPet
                  type: object
                  required: [name]
                  properties: {name: {type: string}, tag: {type: string}}
            """;

    @Test
    void openApi31_referencesByIdAndAnchor_areFollowedInsideTheDocument() throws Exception {
        ImportOpenApiResponse r = api.importDoc("pets", PETSTORE_31, OpenApiImportOptions.newBuilder());
        assertThat(r.getAddedList()).containsExactlyInAnyOrder("pets.list_pets", "pets.create_pet",
                "pets.show_pet_by_id");

        api.call("pets.create_pet", "{\"name\":\"Rex\"}");
        assertThat(api.last().body()).isEqualTo("{\"name\":\"Rex\"}");
        assertThat(api.refusedCall("pets.show_pet_by_id", "{\"id\":0}").getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT); // minimum 1, from the anchored schema
        api.call("pets.show_pet_by_id", "{\"id\":7}");
        assertThat(api.last().uri()).isEqualTo("/pets/7");
        String output = api.tools.getTool(GetToolRequest.newBuilder().setName("pets.list_pets").build())
                .getOutputSchemaJson();
        assertThat(output).contains("\"required\":[\"id\",\"name\"]").doesNotContain("$id");
    }

    // 5b. Swagger 2.0 collectionFormat: one delimited value, except multi

    static final String COLLECTION_FORMATS = """
            swagger: "2.0"
            info: {title: formats, version: "1"}
            host: formats.invalid
            parameters:
              Fields: {name: fields, in: query, type: array, items: {type: string}, collectionFormat: tsv}
            paths:
              /search:
                get:
                  operationId: search
                  parameters:
                    - $ref: '#/parameters/Fields'
                    - {name: tags, in: query, type: array, items: {type: string}}
                    - {name: ids, in: query, type: array, items: {type: integer}, collectionFormat: csv}
                    - {name: words, in: query, type: array, items: {type: string}, collectionFormat: ssv}
                    - {name: states, in: query, type: array, items: {type: string}, collectionFormat: pipes}
                    - {name: repeat, in: query, type: array, items: {type: string}, collectionFormat: multi}
                    - {name: X-Flags, in: header, type: array, items: {type: string}, collectionFormat: pipes}
                  responses: {'200': {description: ok}}
              /upload:
                post:
                  operationId: upload
                  consumes: [application/x-www-form-urlencoded]
                  parameters:
                    - {name: name, in: formData, required: true, type: string}
                    - {name: labels, in: formData, type: array, items: {type: string}}
                    - {name: columns, in: formData, type: array, items: {type: string}, collectionFormat: tsv}
                    - {name: words, in: formData, type: array, items: {type: string}, collectionFormat: ssv}
                    - {name: states, in: formData, type: array, items: {type: string}, collectionFormat: pipes}
                    - {name: copies, in: formData, type: array, items: {type: string}, collectionFormat: multi}
                  responses: {'200': {description: ok}}
            """;

    @Test
    void swaggerCollectionFormats_querySendsOneDelimitedValueAndOnlyMultiRepeats() {
        ImportOpenApiResponse r = api.importDoc("fmt", COLLECTION_FORMATS, OpenApiImportOptions.newBuilder());
        assertThat(r.getWarningsList()).anySatisfy(w -> assertThat(w.getMessage())
                .contains("X-Flags collectionFormat pipes").contains("comma-separated"));

        api.call("fmt.search", """
                {"fields":["id","full name"],"tags":["a","b"],"ids":[1,2,3],"words":["x","y"],\
                "states":["open","closed"],"repeat":["r1","r2"],"X-Flags":["f1","f2"]}""");

        TestUpstream.Exchange seen = api.last();
        String query = seen.uri().substring(seen.uri().indexOf('?') + 1);
        assertThat(List.of(query.split("&"))).containsExactlyInAnyOrder("fields=id%09full%20name", "tags=a,b",
                "ids=1,2,3", "words=x%20y", "states=open%7Cclosed", "repeat=r1", "repeat=r2");
        assertThat(seen.header("X-Flags")).isEqualTo("f1,f2");
    }

    @Test
    void swaggerCollectionFormats_formDataArraysAreOneDelimitedValueAndOnlyMultiRepeats() {
        api.importDoc("fmt", COLLECTION_FORMATS, OpenApiImportOptions.newBuilder());

        api.call("fmt.upload", """
                {"name":"n","labels":["l1","l2"],"columns":["c1","c2"],"words":["w1","w2"],\
                "states":["s1","s2"],"copies":["k1","k2"]}""");

        TestUpstream.Exchange sent = api.last();
        assertThat(sent.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(List.of(sent.body().split("&"))).containsExactlyInAnyOrder("name=n", "labels=l1,l2",
                "columns=c1%09c2", "words=w1%20w2", "states=s1%7Cs2", "copies=k1", "copies=k2");
    }

    // 6. Path parameters that hold paths (GitHub's contents/{path}, Azure's blob names)

    static final String PATHS_IN_PATHS = """
            openapi: 3.0.3
            info: {title: paths, version: "1"}
            paths:
              /repos/{owner}/contents/{path}:
                get:
                  operationId: getContent
                  parameters:
                    - {name: owner, in: path, required: true, schema: {type: string}}
                    - {name: path, in: path, required: true, allowReserved: true, schema: {type: string}}
                  responses: {'200': {description: ok}}
              /containers/{blob}:
                get:
                  operationId: getBlob
                  parameters:
                    - {name: blob, in: path, required: true, x-ms-skip-url-encoding: true, schema: {type: string}}
                  responses: {'200': {description: ok}}
              /objects/{key}/meta:
                get:
                  operationId: getObjectMeta
                  parameters:
                    - {name: key, in: path, required: true, x-allow-reserved: true, schema: {type: string}}
                  responses: {'200': {description: ok}}
              /files/{name}:
                get:
                  operationId: getFile
                  parameters:
                    - {name: name, in: path, required: true, schema: {type: string}}
                  responses: {'200': {description: ok}}
            """;

    static final String PATHS_IN_PATHS_SWAGGER = """
            swagger: "2.0"
            info: {title: paths, version: "1"}
            host: paths.invalid
            paths:
              /wiki/{page}:
                get:
                  operationId: getPage
                  parameters:
                    - {name: page, in: path, required: true, type: string, x-allowReserved: true}
                  responses: {'200': {description: ok}}
            """;

    @Test
    void pathParameterAllowingReserved_keepsItsSlashesAndEncodesWhatWouldLeaveThePath() {
        api.importDoc("gh", PATHS_IN_PATHS, OpenApiImportOptions.newBuilder());

        api.call("gh.get_content", "{\"owner\":\"octo cat\",\"path\":\"docs/guide/README.md\"}");
        assertThat(api.last().uri()).isEqualTo("/repos/octo%20cat/contents/docs/guide/README.md");
        api.call("gh.get_content", "{\"owner\":\"o\",\"path\":\"a b/c?d#e%2F/x:y@z;v=1,2\"}");
        assertThat(api.last().uri()).isEqualTo("/repos/o/contents/a%20b/c%3Fd%23e%252F/x:y@z;v=1,2");
        api.call("gh.get_blob", "{\"blob\":\"logs/2026/12/app.log\"}");
        assertThat(api.last().uri()).isEqualTo("/containers/logs/2026/12/app.log");
        api.call("gh.get_object_meta", "{\"key\":\"a/b\"}");
        assertThat(api.last().uri()).isEqualTo("/objects/a/b/meta");
    }

    @Test
    void pathParameterWithoutHint_encodesItsSlashes() {
        api.importDoc("gh", PATHS_IN_PATHS, OpenApiImportOptions.newBuilder());

        api.call("gh.get_file", "{\"name\":\"a/b c\"}");

        assertThat(api.last().uri()).isEqualTo("/files/a%2Fb%20c");
    }

    @Test
    void swaggerPathParameterWithXAllowReservedExtension_keepsItsSlashes() {
        api.importDoc("wiki", PATHS_IN_PATHS_SWAGGER, OpenApiImportOptions.newBuilder());

        api.call("wiki.get_page", "{\"page\":\"Main/Sub page\"}");

        assertThat(api.last().uri()).isEqualTo("/wiki/Main/Sub%20page");
    }

    @Test
    void pathParameterValue_withDotOrEmptySegments_isRefusedBeforeAnythingIsSent() {
        api.importDoc("gh", PATHS_IN_PATHS, OpenApiImportOptions.newBuilder());

        for (String attack : List.of("../../admin", "docs/../../../etc/passwd", "./x", "docs/..", "..", ".",
                "/etc/passwd", "docs/", "docs//x", "")) {
            StatusRuntimeException e = api.refusedCall("gh.get_content",
                    "{\"owner\":\"o\",\"path\":" + JsonSupport.mapper().valueToTree(attack) + "}");
            assertThat(e.getStatus().getCode()).as(attack).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription() + Clients.violations(e)).as(attack).contains("/path");
        }
        for (String attack : List.of("../admin", "..\\..\\admin", "a/../../b")) { // encoded slashes, decoded by some upstreams
            StatusRuntimeException e = api.refusedCall("gh.get_file",
                    "{\"name\":" + JsonSupport.mapper().valueToTree(attack) + "}");
            assertThat(e.getStatus().getCode()).as(attack).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Clients.violations(e)).as(attack).singleElement().satisfies(v -> {
                assertThat(v.getField()).isEqualTo("/name");
                assertThat(v.getDescription()).contains("'..' segment");
            });
        }
        assertThat(api.upstream.exchanges()).isEmpty();
    }
}
