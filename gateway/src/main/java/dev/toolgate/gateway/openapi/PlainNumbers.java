package dev.toolgate.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI parser holds schema numbers ({@code minimum: 100}, {@code multipleOf: 0.5}) as
 * {@link BigDecimal}s, and Jackson's tree drops their trailing zeros, so {@code 100} would be
 * written {@code 1E+2}. This writes each such number back as the document meant it: an integral
 * value as an integer ({@code 100}), any other as a decimal with no positive exponent
 * ({@code 0.5}). Modifies the tree in place; iterative, so any depth is fine.
 */
final class PlainNumbers {
    /** Numbers with more digits than this before or after the point keep their exponent. */
    private static final int MAX_DIGITS = 100;

    private PlainNumbers() {
    }

    static void fix(JsonNode root) {
        List<JsonNode> pending = new ArrayList<>();
        pending.add(root);
        while (!pending.isEmpty()) {
            JsonNode node = pending.remove(pending.size() - 1);
            if (node instanceof ObjectNode object) {
                for (Map.Entry<String, JsonNode> member : object.properties()) {
                    JsonNode value = member.getValue();
                    if (value.isBigDecimal()) {
                        member.setValue(plain(value.decimalValue()));
                    } else if (value.isContainerNode()) {
                        pending.add(value);
                    }
                }
            } else if (node instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    JsonNode value = array.get(i);
                    if (value.isBigDecimal()) {
                        array.set(i, plain(value.decimalValue()));
                    } else if (value.isContainerNode()) {
                        pending.add(value);
                    }
                }
            }
        }
    }

    /** {@code 1E+2} as {@code 100}; {@code 2.50} as {@code 2.5}; {@code 1E-3} as {@code 0.001}. */
    static JsonNode plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.precision() - stripped.scale() > MAX_DIGITS || stripped.scale() > MAX_DIGITS) {
            return JsonNodeFactory.instance.numberNode(value); // 1E+100000 stays as written, not 100,001 digits
        }
        if (stripped.scale() <= 0) {
            java.math.BigInteger integer = stripped.toBigIntegerExact();
            return integer.bitLength() < 64 ? JsonNodeFactory.instance.numberNode(integer.longValue())
                    : JsonNodeFactory.instance.numberNode(integer);
        }
        return JsonNodeFactory.instance.numberNode(new BigDecimal(stripped.toPlainString()));
    }
}
