package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

/**
 * How the request body is built.
 *
 * @param encoding {@code NONE} sends no body
 * @param argument the one argument whose value is the whole body; empty when the body is an
 *     object made of the BODY-bound arguments plus every argument without a binding ("flattened")
 */
public record BodyBinding(Encoding encoding, String argument) {
    public static final BodyBinding NONE = new BodyBinding(Encoding.NONE, "");
    public static final BodyBinding JSON_FLATTENED = new BodyBinding(Encoding.JSON, "");

    public enum Encoding {
        NONE(""), JSON("application/json"), FORM("application/x-www-form-urlencoded");

        private final String contentType;

        Encoding(String contentType) {
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }
    }

    public BodyBinding {
        requireNonNull(encoding, "encoding");
        requireNonNull(argument, "argument");
        if (encoding == Encoding.NONE && !argument.isEmpty()) {
            throw new IllegalArgumentException("a request without a body has no body argument");
        }
    }

    public boolean present() {
        return encoding != Encoding.NONE;
    }

    public boolean flattened() {
        return present() && argument.isEmpty();
    }

    /** The body of a hand-defined tool: a flattened JSON object for POST, PUT and PATCH. */
    public static BodyBinding defaultFor(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH") ? JSON_FLATTENED : NONE;
    }
}
