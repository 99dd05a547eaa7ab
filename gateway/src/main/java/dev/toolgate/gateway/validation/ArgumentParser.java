package dev.toolgate.gateway.validation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;

/** Parses {@code arguments_json} under size and depth limits. Thread-safe. */
@Singleton
public class ArgumentParser {
    private final ArgumentLimits limits;
    private final ObjectMapper mapper;

    public ArgumentParser(@Value("${toolgate.arguments.max-bytes:262144}") int maxBytes,
            @Value("${toolgate.arguments.max-depth:32}") int maxDepth) {
        this(new ArgumentLimits(maxBytes, maxDepth));
    }

    public ArgumentParser(ArgumentLimits limits) {
        this.limits = requireNonNull(limits, "limits");
        this.mapper = JsonSupport.untrusted(limits.maxDepth(), limits.maxBytes());
    }

    public ArgumentLimits limits() {
        return limits;
    }

    /**
     * Parses the arguments; an empty string means {@code {}}.
     *
     * @throws GatewayException INVALID_ARGUMENT at pointer {@code ""} for oversize, non-JSON,
     *                          too deep or non-object input
     */
    public JsonNode parse(String json) {
        requireNonNull(json, "json");
        if (json.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (json.length() > limits.maxBytes()
                || json.getBytes(StandardCharsets.UTF_8).length > limits.maxBytes()) {
            throw GatewayException.invalidArgument("", "arguments_json exceeds the limit of "
                    + limits.maxBytes() + " bytes");
        }
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (StreamConstraintsException e) {
            throw GatewayException.invalidArgument("", "arguments_json is nested deeper than "
                    + limits.maxDepth() + " levels");
        } catch (JsonProcessingException e) {
            throw GatewayException.invalidArgument("", "arguments_json is not valid JSON: "
                    + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + "; send a JSON object such as {\"name\": \"value\"}");
        }
        if (node == null || !node.isObject()) {
            throw GatewayException.invalidArgument("", "arguments_json must be a JSON object, but was "
                    + (node == null ? "empty" : node.getNodeType().name().toLowerCase()));
        }
        return node;
    }
}
