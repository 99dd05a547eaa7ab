package dev.toolgate.gateway.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.toolgate.gateway.error.GatewayException;
import io.swagger.parser.Swagger20Parser;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.converter.SwaggerConverter;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * A parsed OpenAPI document as one JSON tree in OpenAPI 3 form. The text is read as YAML (JSON
 * is YAML) with size and depth limits, checked to be OpenAPI 3.0, 3.1 or Swagger 2.0, and parsed
 * by swagger-parser, which converts Swagger 2.0 to OpenAPI 3. External references are never
 * fetched: the parser runs without resolution and every {@code $ref} is followed here, inside
 * the document only.
 *
 * @param root the document, OpenAPI 3.0.x or 3.1.x shaped
 * @param sourceVersion what the text said, e.g. {@code 3.0.3} or {@code swagger 2.0}
 * @param messages the parser's remarks about the document, as it wrote them
 */
public record OpenApiDocument(JsonNode root, String sourceVersion, boolean openApi31, List<String> messages) {
    public static final int MAX_CHARS = 32 * 1024 * 1024;
    private static final int MAX_DEPTH = 200;
    /** YAML aliases expand into copies; more than this many is treated as an alias bomb. */
    private static final int MAX_ALIASES = 1000;
    private static final Pattern OPENAPI_3 = Pattern.compile("3\\.[01]\\.\\d+(-.+)?");

    static {
        // swagger-parser's YAML limits are process-wide; size is bounded by MAX_CHARS before it runs
        io.swagger.v3.parser.util.DeserializationUtils.getOptions().setMaxYamlCodePoints(MAX_CHARS);
        io.swagger.v3.parser.util.DeserializationUtils.getOptions().setMaxYamlAliasesForCollections(MAX_ALIASES);
        io.swagger.parser.util.DeserializationUtils.getOptions().setMaxYamlCodePoints(MAX_CHARS);
        io.swagger.parser.util.DeserializationUtils.getOptions().setMaxYamlAliasesForCollections(MAX_ALIASES);
    }

    /** @throws GatewayException INVALID_ARGUMENT saying why the text is not a usable document */
    public static OpenApiDocument parse(String text) {
        return parse(text, raw -> { });
    }

    /**
     * Parses like {@link #parse(String)}, but first shows {@code check} the document as read (a
     * YAML tree of the text, before the OpenAPI parser builds its model and converts Swagger 2.0,
     * which is most of the time an import takes): a check that throws refuses the document at once.
     *
     * @throws GatewayException INVALID_ARGUMENT saying why the text is not a usable document
     */
    public static OpenApiDocument parse(String text, java.util.function.Consumer<JsonNode> check) {
        if (text.isBlank()) {
            throw invalid("the document is empty");
        }
        if (text.length() > MAX_CHARS) {
            throw invalid("the document is longer than " + MAX_CHARS + " chars");
        }
        boolean json = isJson(text);
        if (!json) { // JSON has no aliases, and a YAML flow text with one is not read as JSON
            YamlAliases.problem(text, MAX_CHARS, MAX_DEPTH).ifPresent(why -> {
                throw invalid(why);
            });
        }
        JsonNode raw = readYaml(text, json);
        if (!raw.isObject()) {
            throw invalid("the document is not a YAML or JSON object, so it is not an OpenAPI document");
        }
        String version;
        if (raw.path("openapi").isTextual()) {
            version = raw.path("openapi").asText();
            if (!OPENAPI_3.matcher(version).matches()) {
                throw invalid("openapi version '" + abbreviate(version) + "' is not supported; use 3.0.x, 3.1.x or"
                        + " Swagger 2.0");
            }
        } else if (raw.has("swagger")) {
            if (!"2.0".equals(raw.path("swagger").asText())) {
                throw invalid("swagger version '" + abbreviate(raw.path("swagger").asText()) + "' is not supported;"
                        + " only Swagger 2.0");
            }
            version = "swagger 2.0";
        } else {
            throw invalid("the document has neither an 'openapi' nor a 'swagger' field, so it is not an OpenAPI"
                    + " document");
        }
        if (!raw.path("paths").isObject() && !raw.path("webhooks").isObject()) {
            throw invalid("the document has no 'paths' object");
        }
        check.accept(raw);
        ParseOptions options = new ParseOptions();
        options.setResolve(false);
        options.setResolveFully(false);
        options.setValidateExternalRefs(false);
        options.setSafelyResolveURL(true);
        SwaggerParseResult result;
        try {
            result = model(text, json, raw, options);
        } catch (RuntimeException e) {
            throw invalid("the OpenAPI parser could not read the document: " + e.getMessage());
        }
        OpenAPI model = result.getOpenAPI();
        List<String> messages = result.getMessages() == null ? List.of() : List.copyOf(result.getMessages());
        if (model == null || (model.getPaths() == null && model.getWebhooks() == null)) {
            throw invalid("the OpenAPI parser could not read the document"
                    + (messages.isEmpty() ? "" : ": " + String.join("; ", messages.subList(0, Math.min(5, messages.size())))));
        }
        boolean v31 = model.getSpecVersion() == SpecVersion.V31;
        ObjectMapper writer = v31 ? Json31.mapper() : Json.mapper();
        JsonNode tree = writer.valueToTree(model);
        PlainNumbers.fix(tree);
        if (raw.has("swagger")) {
            List<String> remarks = new java.util.ArrayList<>(messages);
            SwaggerCollectionFormats.apply(raw, tree, remarks);
            messages = List.copyOf(remarks);
        }
        return new OpenApiDocument(tree, version, v31, messages);
    }

    /**
     * swagger-parser's model of the document, read by the parser for its version only (its generic
     * entry point tries the OpenAPI 3 parser first, which reads a Swagger 2.0 text once more for
     * nothing). A JSON text is not read again: the parser gets a copy of the tree already read. A
     * YAML text is, since the parser's YAML reader expands aliases ({@code *anchor}), which the
     * tree read here does not. An OpenAPI 3 tree is given to the parser as it is (nothing reads it
     * after); a Swagger 2.0 one is copied, since its collection formats are read from it afterwards.
     */
    private static SwaggerParseResult model(String text, boolean json, JsonNode raw, ParseOptions options) {
        if (raw.has("swagger")) {
            SwaggerConverter converter = new SwaggerConverter();
            return json ? converter.convert(new Swagger20Parser().readWithInfo(raw.deepCopy()))
                    : converter.readContents(text, null, options);
        }
        OpenAPIV3Parser parser = new OpenAPIV3Parser();
        return json ? parser.parseJsonNode(null, raw, options) : parser.readContents(text, null, options);
    }

    /** A text whose first non-blank character opens an object is read as JSON, any other as YAML. */
    private static boolean isJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{';
            }
        }
        return false;
    }

    private static JsonNode readYaml(String text, boolean json) {
        LoaderOptions loader = new LoaderOptions();
        loader.setCodePointLimit(MAX_CHARS);
        loader.setMaxAliasesForCollections(MAX_ALIASES);
        loader.setNestingDepthLimit(MAX_DEPTH);
        YAMLFactory factory = YAMLFactory.builder().loaderOptions(loader)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_CHARS).build())
                .build();
        ObjectMapper mapper = json ? new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_CHARS).build()).build()) : new ObjectMapper(factory);
        try {
            JsonNode node = mapper.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw invalid("the document is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw invalid("the document is not valid " + (json ? "JSON" : "YAML") + where + ": "
                    + abbreviate(e.getOriginalMessage().lines().findFirst().orElse("")));
        }
    }

    static GatewayException invalid(String message) {
        return GatewayException.invalidArgument("document", message);
    }

    static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
