package dev.toolgate.gateway.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.ExportNames;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.openapi.ImportOptions;
import dev.toolgate.gateway.openapi.ImportPlan;
import dev.toolgate.gateway.openapi.ImportWarning;
import dev.toolgate.gateway.openapi.ImportedTool;
import dev.toolgate.gateway.openapi.OpenApiDocument;
import dev.toolgate.gateway.openapi.OpenApiImporter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every format's export of every real API description of the OpenAPI corpus (about 3,900 tools,
 * resources/openapi) against the providers' published rules ({@link ProviderRules}): each entry
 * is accepted, and every change the export made to fit is reported per tool.
 */
class ProviderExportsCorpusTest {
    /**
     * Keywords of the imported JSON Schemas that Gemini's Schema does not have (the annotations aside;
     * {@code $ref}s are written out in place, which loses nothing).
     */
    private static final Set<String> NOT_GEMINI = Set.of("oneOf", "allOf", "const", "exclusiveMinimum",
            "exclusiveMaximum", "multipleOf", "uniqueItems", "patternProperties", "not", "prefixItems", "contains",
            "if", "then", "else", "dependentRequired", "dependentSchemas", "minContains", "maxContains",
            "unevaluatedProperties", "unevaluatedItems", "propertyNames");

    static Stream<String> corpus() throws IOException {
        try (InputStream in = ProviderExportsCorpusTest.class.getResourceAsStream("/openapi/corpus.tsv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("\t")[0]).toList().stream();
        }
    }

    static ImportPlan plan(String file) throws IOException {
        try (InputStream in = ProviderExportsCorpusTest.class.getResourceAsStream("/openapi/" + file)) {
            byte[] bytes = in.readAllBytes();
            if (file.endsWith(".gz")) {
                bytes = new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes();
            }
            return OpenApiImporter.plan(OpenApiDocument.parse(new String(bytes, StandardCharsets.UTF_8)), "corpus",
                    ImportOptions.DEFAULTS);
        }
    }

    static List<ExportInput> inputs(ImportPlan plan) {
        return plan.tools().stream().map(t -> new ExportInput(ExportNames.of("corpus." + t.name()),
                "corpus." + t.name(), t.description(), t.inputSchema(), t.annotations())).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyFormat_isAcceptedByTheProvidersRules_andEveryChangeIsReportedPerTool(String file) throws Exception {
        List<ExportInput> tools = inputs(plan(file));
        Map<String, String> summary = new TreeMap<>();
        boolean anyLarge = tools.stream().anyMatch(t -> SchemaTrimmer.bytes(t.inputSchema()) > SchemaTrimmer.MAX_SCHEMA_BYTES);
        for (ToolFormat format : ToolFormat.values()) {
            for (boolean trim : anyLarge ? new boolean[] {false, true} : new boolean[] {false}) {
                ToolExporter.Export export = ToolExporter.export(tools, format, trim);
                JsonNode entries = JsonSupport.mapper().readTree(export.json());
                assertThat(entries).hasSize(tools.size());
                List<String> violations = new ArrayList<>();
                for (int i = 0; i < entries.size(); i++) {
                    for (String v : ProviderRules.check(format, entries.get(i))) {
                        violations.add(tools.get(i).exportName() + ": " + v);
                    }
                }
                assertThat(violations).as(format + (trim ? " trimmed" : "") + " of " + file).isEmpty();
                assertThat(export.notes()).allSatisfy(n -> assertThat(n.kind()).isNotEqualTo(ExportNote.Kind.REFUSED));
                Set<String> noted = export.notes().stream().map(ExportNote::exportedName).collect(Collectors.toSet());
                if (format == ToolFormat.GEMINI) {
                    for (ExportInput t : tools) {
                        if (uses(t.inputSchema(), NOT_GEMINI)) {
                            assertThat(noted).as("a note for " + t.exportName()).contains(t.exportName());
                        }
                    }
                }
                if (format == ToolFormat.OPENAI_STRICT) {
                    Set<String> notStrict = export.notes().stream().filter(n -> n.kind() == ExportNote.Kind.NOT_STRICT)
                            .map(ExportNote::exportedName).collect(Collectors.toSet());
                    int strict = 0;
                    for (int i = 0; i < entries.size(); i++) {
                        boolean isStrict = entries.get(i).at("/function/strict").asBoolean();
                        strict += isStrict ? 1 : 0;
                        assertThat(notStrict.contains(tools.get(i).exportName())).as(tools.get(i).exportName())
                                .isEqualTo(!isStrict);
                    }
                    summary.put("strict", strict + "/" + tools.size());
                }
                if (trim) {
                    for (int i = 0; i < entries.size(); i++) {
                        JsonNode schema = schemaOf(format, entries.get(i));
                        if (schema != null && format != ToolFormat.GEMINI
                                && SchemaTrimmer.bytes(tools.get(i).inputSchema()) > SchemaTrimmer.MAX_SCHEMA_BYTES) {
                            assertThat(SchemaTrimmer.bytes(schema)).as("trimmed " + tools.get(i).exportName())
                                    .isLessThanOrEqualTo(SchemaTrimmer.MAX_SCHEMA_BYTES);
                            assertThat(noted).contains(tools.get(i).exportName());
                        }
                    }
                }
                summary.put(format + (trim ? "+trim" : "") + " notes", String.valueOf(export.notes().size()));
            }
        }
        System.out.println("provider exports of " + file + " (" + tools.size() + " tools): " + summary);
    }

    @Test
    void kubernetes_schemasOver100KB_areReportedAtImport_andExportTrimmedUnder100KB() throws Exception {
        ImportPlan plan = plan("kubernetes-swagger.json.gz");
        List<ImportedTool> large = plan.tools().stream()
                .filter(t -> SchemaTrimmer.bytes(t.inputSchema()) > SchemaTrimmer.MAX_SCHEMA_BYTES).toList();
        List<ImportWarning> reported = plan.warnings().stream().filter(w -> w.message().contains("KB a model takes"))
                .toList();

        assertThat(large).isNotEmpty();
        assertThat(reported).hasSameSizeAs(large);
        Set<String> names = new HashSet<>();
        large.forEach(t -> names.add(t.name()));
        assertThat(reported).allSatisfy(w -> assertThat(names.stream().anyMatch(n -> w.message().contains("'" + n + "'"))).isTrue());

        List<ExportInput> inputs = inputs(plan).stream()
                .filter(i -> names.contains(i.qualifiedName().substring("corpus.".length()))).toList();
        ToolExporter.Export export = ToolExporter.export(inputs, ToolFormat.ANTHROPIC, true);
        JsonNode entries = JsonSupport.mapper().readTree(export.json());
        for (int i = 0; i < entries.size(); i++) {
            JsonNode trimmed = entries.get(i).get("input_schema");
            JsonNode full = inputs.get(i).inputSchema();
            assertThat(SchemaTrimmer.bytes(trimmed)).isLessThanOrEqualTo(SchemaTrimmer.MAX_SCHEMA_BYTES);
            assertThat(names(trimmed.get("properties"))).isEqualTo(names(full.get("properties")));
            assertThat(trimmed.get("required")).isEqualTo(full.get("required"));
        }
        assertThat(export.notes()).hasSize(inputs.size())
                .allSatisfy(n -> assertThat(n.kind()).isEqualTo(ExportNote.Kind.TRIMMED))
                .allSatisfy(n -> assertThat(n.message()).contains("trimmed from").contains("GetTool"));
        System.out.println("kubernetes: " + large.size() + " of " + plan.tools().size() + " input schemas over 100 KB;"
                + " largest " + large.stream().mapToInt(t -> SchemaTrimmer.bytes(t.inputSchema())).max().orElse(0) / 1024
                + " KB; e.g. " + export.notes().stream().limit(3).map(ExportNote::message).toList());
    }

    private static Set<String> names(JsonNode properties) {
        Set<String> out = new HashSet<>();
        properties.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static JsonNode schemaOf(ToolFormat format, JsonNode entry) {
        return switch (format) {
            case OPENAI, OPENAI_STRICT -> entry.at("/function/parameters");
            case ANTHROPIC, ANTHROPIC_DEFERRED -> entry.get("input_schema");
            case GEMINI -> entry.get("parameters");
            case MCP -> entry.get("inputSchema");
        };
    }

    private static boolean uses(JsonNode node, Set<String> keywords) {
        if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                boolean inMap = e.getKey().equals("properties") || e.getKey().equals("$defs")
                        || e.getKey().equals("definitions");
                if (!inMap && keywords.contains(e.getKey())) {
                    return true;
                }
                if (inMap) {
                    for (JsonNode v : e.getValue()) {
                        if (uses(v, keywords)) {
                            return true;
                        }
                    }
                } else if (!e.getKey().equals("enum") && !e.getKey().equals("const") && !e.getKey().equals("examples")
                        && !e.getKey().equals("default") && !e.getKey().equals("example") && uses(e.getValue(), keywords)) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode v : node) {
                if (uses(v, keywords)) {
                    return true;
                }
            }
        }
        return false;
    }
}
