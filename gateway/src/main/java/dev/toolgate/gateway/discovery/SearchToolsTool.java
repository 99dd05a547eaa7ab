package dev.toolgate.gateway.discovery;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The built-in tool {@code toolgate.search_tools} (exported {@code toolgate__search_tools}): the
 * same search as {@code SearchTools}, for agents that only speak tool calls. Its result lists
 * each found tool with its name to call, description and input schema. Thread-safe.
 */
@Singleton
public class SearchToolsTool {
    public static final String NAME = "toolgate.search_tools";
    public static final String EXPORTED_NAME = "toolgate__search_tools";
    public static final String DESCRIPTION = "Find the tools that fit a task among all the tools you may use,"
            + " best first. Returns each tool's name, description and input schema; call a found tool by its"
            + " name. Search again with other words when nothing fits.";
    public static final String INPUT_SCHEMA = """
            {"type":"object","properties":{
              "query":{"type":"string","minLength":1,"maxLength":1000,
                "description":"What the tool should do, in words, e.g. create a support case"},
              "limit":{"type":"integer","minimum":1,"maximum":50,"description":"At most this many tools (default 10)"},
              "integration":{"type":"string","description":"Only tools of this integration"},
              "tags":{"type":"array","maxItems":32,"items":{"type":"string","minLength":1,"maxLength":64},
                "description":"Only tools with any of these tags (all of them with all_tags)"},
              "all_tags":{"type":"boolean","description":"Only tools with every tag of tags (default: any)"}},
             "required":["query"],"additionalProperties":false}""";

    private final ToolSearch search;

    public SearchToolsTool(ToolSearch search) {
        this.search = requireNonNull(search, "search");
    }

    /** True when {@code tool} names this built-in (qualified or exported name). */
    public static boolean isNamed(String tool) {
        return NAME.equals(tool) || EXPORTED_NAME.equals(tool);
    }

    /**
     * Runs the search; the result is {@code {"tools":[{"name","title","description","inputSchema","score"}]}}.
     *
     * @throws GatewayException INVALID_ARGUMENT for arguments that do not fit {@link #INPUT_SCHEMA}
     */
    public ObjectNode call(Principal p, String argumentsJson) {
        JsonNode args;
        try {
            args = JsonSupport.mapper().readTree(argumentsJson.isEmpty() ? "{}" : argumentsJson);
        } catch (JsonProcessingException e) {
            throw GatewayException.invalidArgument("arguments_json", "arguments must be a JSON object");
        }
        if (!args.isObject() || !args.path("query").isTextual()) {
            throw GatewayException.invalidArgument("query", "query is required: what the tool should do, in words");
        }
        JsonNode limit = args.path("limit");
        JsonNode integration = args.path("integration");
        if ((!limit.isMissingNode() && !limit.isIntegralNumber())
                || (!integration.isMissingNode() && !integration.isTextual())) {
            throw GatewayException.invalidArgument("limit", "limit must be an integer and integration a string");
        }
        JsonNode tagsArg = args.path("tags");
        JsonNode allTags = args.path("all_tags");
        List<String> tags = new java.util.ArrayList<>();
        if (!tagsArg.isMissingNode()) {
            if (!tagsArg.isArray()) {
                throw GatewayException.invalidArgument("tags", "tags must be an array of strings");
            }
            for (JsonNode t : tagsArg) {
                if (!t.isTextual()) {
                    throw GatewayException.invalidArgument("tags", "tags must be an array of strings");
                }
                tags.add(t.asText());
            }
        }
        if (!allTags.isMissingNode() && !allTags.isBoolean()) {
            throw GatewayException.invalidArgument("all_tags", "all_tags must be true or false");
        }
        List<dev.toolgate.gateway.error.FieldViolation> problems = new java.util.ArrayList<>();
        dev.toolgate.gateway.catalog.ToolTags wanted = dev.toolgate.gateway.catalog.ToolTags.of("tags", tags, problems);
        dev.toolgate.gateway.core.Identifiers.requireNoViolations(problems);
        List<SearchIndex.Hit> hits = search.search(p, args.get("query").asText(), limit.asInt(0),
                new ToolFilter(integration.asText(""), java.util.Optional.empty(), wanted, allTags.asBoolean(false)));
        ObjectNode result = JsonSupport.mapper().createObjectNode();
        ArrayNode tools = result.putArray("tools");
        for (SearchIndex.Hit hit : hits) {
            ToolDefinition t = hit.tool();
            ObjectNode tool = tools.addObject().put("name", t.exportName()).put("title", t.qualifiedName())
                    .put("description", t.description());
            try {
                tool.set("inputSchema", JsonSupport.mapper().readTree(t.inputSchemaJson()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored input schema of " + t.qualifiedName() + " is not JSON", e);
            }
            tool.put("score", hit.score());
        }
        return result;
    }
}
