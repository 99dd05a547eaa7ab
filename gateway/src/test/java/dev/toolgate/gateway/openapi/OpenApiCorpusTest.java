package dev.toolgate.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.ExportNames;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.validation.SchemaCompiler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real API descriptions nobody here wrote (see resources/openapi/README.md): every one imports
 * without aborting, into the expected number of tools, each with a valid draft 2020-12 input
 * schema and a unique, provider-compliant name; every operation is either a tool or skipped
 * with a reason.
 */
class OpenApiCorpusTest {
    private static final Pattern PROVIDER_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Pattern PROPERTY_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,64}");
    private static final SchemaCompiler COMPILER = new SchemaCompiler();

    record Entry(String file, String format, int operations, int tools) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Entry> corpus() throws IOException {
        try (InputStream in = OpenApiCorpusTest.class.getResourceAsStream("/openapi/corpus.tsv")) {
            List<Entry> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                out.add(new Entry(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3])));
            }
            assertThat(out).hasSizeGreaterThanOrEqualTo(12);
            return out.stream();
        }
    }

    private static String read(String file) throws IOException {
        try (InputStream in = OpenApiCorpusTest.class.getResourceAsStream("/openapi/" + file)) {
            byte[] bytes = in.readAllBytes();
            if (file.endsWith(".gz")) {
                bytes = new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes();
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Document fragments in the shapes issue 24 names (written here), held to the corpus's rules too. */
    static Stream<Entry> fragments() {
        return Stream.of(
                new Entry("fragment:kubernetes-authorization-api-key", "swagger 2.0", 2, 2),
                new Entry("fragment:media-types", OpenApiFidelityTest.MEDIA_TYPES.contains("swagger:") ? "swagger 2.0"
                        : "openapi " + version(OpenApiFidelityTest.MEDIA_TYPES), count(OpenApiFidelityTest.MEDIA_TYPES),
                        count(OpenApiFidelityTest.MEDIA_TYPES)),
                new Entry("fragment:optional-security", "openapi " + version(OpenApiFidelityTest.OPTIONAL_SECURITY),
                        count(OpenApiFidelityTest.OPTIONAL_SECURITY), count(OpenApiFidelityTest.OPTIONAL_SECURITY)),
                new Entry("fragment:slack-token-parameters", OpenApiFidelityTest.SLACK_LIKE.contains("swagger:")
                        ? "swagger 2.0" : "openapi " + version(OpenApiFidelityTest.SLACK_LIKE),
                        count(OpenApiFidelityTest.SLACK_LIKE), count(OpenApiFidelityTest.SLACK_LIKE)),
                new Entry("fragment:petstore-3.1-id-anchor", "openapi 3.1.0", 3, 3),
                new Entry("fragment:collection-formats", "swagger 2.0", 2, 2),
                new Entry("fragment:paths-in-paths", "openapi 3.0.3", 4, 4),
                new Entry("fragment:paths-in-paths-swagger", "swagger 2.0", 1, 1),
                new Entry("fragment:numbers", "openapi 3.0.3", 1, 1),
                new Entry("fragment:parser-remarks", "swagger 2.0", 1, 1));
    }

    private static final java.util.Map<String, String> FRAGMENTS = java.util.Map.of(
            "fragment:kubernetes-authorization-api-key", OpenApiFidelityTest.KUBERNETES_LIKE,
            "fragment:media-types", OpenApiFidelityTest.MEDIA_TYPES,
            "fragment:optional-security", OpenApiFidelityTest.OPTIONAL_SECURITY,
            "fragment:slack-token-parameters", OpenApiFidelityTest.SLACK_LIKE,
            "fragment:petstore-3.1-id-anchor", OpenApiFidelityTest.PETSTORE_31,
            "fragment:collection-formats", OpenApiFidelityTest.COLLECTION_FORMATS,
            "fragment:paths-in-paths", OpenApiFidelityTest.PATHS_IN_PATHS,
            "fragment:paths-in-paths-swagger", OpenApiFidelityTest.PATHS_IN_PATHS_SWAGGER,
            "fragment:numbers", OpenApiFragmentsTest.NUMBERS,
            "fragment:parser-remarks", OpenApiFragmentsTest.SCHEMAS_THE_PARSER_REMARKS_ON);

    private static String version(String document) {
        java.util.regex.Matcher m = Pattern.compile("(?m)^openapi: (\\S+)").matcher(document);
        return m.find() ? m.group(1) : "";
    }

    /** Operations of a fragment: method keys at the operation indentation. */
    private static int count(String document) {
        java.util.regex.Matcher m = Pattern.compile("(?m)^    (get|put|post|delete|patch|head|options):").matcher(document);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fragments")
    void fragment_importsIntoValidToolsWithPlainNumbersAndUniqueRequiredNames(Entry entry) throws Exception {
        document_importsIntoValidUniqueProviderCompliantTools(entry);
        ImportPlan plan = OpenApiImporter.plan(OpenApiDocument.parse(FRAGMENTS.get(entry.file())), "corpus",
                ImportOptions.DEFAULTS);
        for (ImportedTool tool : plan.tools()) {
            for (JsonNode schema : new JsonNode[] {tool.inputSchema(), tool.outputSchema()}) {
                if (schema == null) {
                    continue;
                }
                assertThat(schema.toString()).as(tool.name()).doesNotContainPattern("[:,\\[][0-9.]+[eE][+-]?[0-9]");
                schema.findValues("required").stream().filter(JsonNode::isArray).forEach(required -> {
                    List<String> names = new ArrayList<>();
                    required.forEach(r -> names.add(r.asText()));
                    assertThat(names).as(tool.name() + " required").doesNotHaveDuplicates();
                });
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void document_importsIntoValidUniqueProviderCompliantTools(Entry entry) throws Exception {
        OpenApiDocument document = OpenApiDocument.parse(entry.file().startsWith("fragment:")
                ? FRAGMENTS.get(entry.file()) : read(entry.file()));
        String integration = "corpus";
        ImportPlan plan = OpenApiImporter.plan(document, integration, ImportOptions.DEFAULTS);

        assertThat(document.sourceVersion()).isEqualTo(entry.format().replace("openapi ", ""));
        assertThat(plan.tools()).as("tools of " + entry.file()).hasSize(entry.tools());
        assertThat(plan.tools().size() + plan.skipped() + plan.excluded()).as("every operation accounted for")
                .isEqualTo(entry.operations());
        assertThat(plan.warnings().stream().filter(ImportWarning::skipped))
                .allSatisfy(w -> assertThat(w.message()).isNotBlank());
        Set<String> names = new HashSet<>();
        List<String> invalid = new ArrayList<>();
        for (ImportedTool tool : plan.tools()) {
            assertThat(names.add(tool.name())).as("unique name " + tool.name()).isTrue();
            assertThat(tool.name()).matches(Identifiers.NAME).hasSizeLessThanOrEqualTo(Identifiers.MAX_NAME_LENGTH);
            assertThat(ExportNames.of(integration + "." + tool.name())).matches(PROVIDER_NAME);
            assertThat(tool.description()).isNotBlank().hasSizeLessThanOrEqualTo(OperationTranslator.MAX_DESCRIPTION);
            tool.inputSchema().path("properties").fieldNames()
                    .forEachRemaining(p -> assertThat(p).as(tool.name() + " property").matches(PROPERTY_NAME));
            assertThat(tool.binding().check()).as(tool.name()).isEmpty();
            try {
                COMPILER.compile("input_schema_json", tool.inputSchema());
            } catch (GatewayException e) {
                invalid.add(tool.name() + ": " + e.getMessage());
            }
            JsonNode output = tool.outputSchema();
            if (output != null) {
                assertThat(output.isObject()).isTrue();
            }
        }
        assertThat(invalid).as("input schemas that are not valid draft 2020-12").isEmpty();
    }
}
