package dev.toolgate.gateway.validation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.FieldViolation;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Parses {@code arguments_json} under size and depth limits. Thread-safe. */
@Singleton
public class ArgumentParser {
    /** Largest number of digits a number may need when written out in plain notation. */
    static final int MAX_DIGITS = 400;

    private final ArgumentLimits limits;
    private final ObjectMapper mapper;

    @Inject
    public ArgumentParser(ArgumentsProperties config) {
        this(config.limits());
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
        List<FieldViolation> extreme = new ArrayList<>();
        findExtremeNumbers(node, "", extreme);
        if (!extreme.isEmpty()) {
            throw GatewayException.invalidArgument(Identifiers.summary(extreme), extreme);
        }
        return node;
    }

    /**
     * Numbers like {@code 1e999999999} are tiny as text but enormous when written out; refuse
     * any whose magnitude or precision goes beyond {@link #MAX_DIGITS} digits.
     */
    private static void findExtremeNumbers(JsonNode node, String pointer, List<FieldViolation> out) {
        if (node.isBigDecimal()) {
            BigDecimal d = node.decimalValue();
            if (Math.abs((long) d.scale()) > MAX_DIGITS || (long) d.precision() - d.scale() > MAX_DIGITS) {
                out.add(new FieldViolation(pointer, (pointer.isEmpty() ? "arguments" : pointer)
                        + ": number is out of range (more than " + MAX_DIGITS + " digits when written out)"));
            }
        } else if (node.isContainerNode()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    findExtremeNumbers(node.get(i), pointer + "/" + i, out);
                }
            }
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                findExtremeNumbers(f.getValue(), pointer + "/" + f.getKey().replace("~", "~0").replace("/", "~1"), out);
            }
        }
    }
}
