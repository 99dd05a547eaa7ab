package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

/**
 * How the request body is built.
 *
 * @param encoding {@code NONE} sends no body
 * @param argument the one argument whose value is the whole body; empty when the body is an
 *     object made of the BODY-bound arguments plus every argument without a binding ("flattened")
 * @param mediaType the {@code Content-Type} sent, as the document declares it (e.g.
 *     {@code application/merge-patch+json}); the encoding's own type by default
 */
public record BodyBinding(Encoding encoding, String argument, String mediaType) {
    private static final int MAX_MEDIA_TYPE = 200;

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
        requireNonNull(mediaType, "mediaType");
        if (encoding == Encoding.NONE && !argument.isEmpty()) {
            throw new IllegalArgumentException("a request without a body has no body argument");
        }
        if (!usableMediaType(encoding, mediaType)) {
            throw new IllegalArgumentException("media type '" + mediaType + "' cannot carry a "
                    + encoding.name().toLowerCase(java.util.Locale.ROOT) + " body");
        }
    }

    /** A body in the encoding's own media type. */
    public BodyBinding(Encoding encoding, String argument) {
        this(encoding, argument, encoding.contentType());
    }

    /**
     * True when {@code mediaType} can be the {@code Content-Type} of a body in {@code encoding}: a
     * JSON type ({@code application/json}, {@code …+json}, with parameters) for JSON, a form type
     * for FORM, printable ASCII of at most 200 chars.
     */
    public static boolean usableMediaType(Encoding encoding, String mediaType) {
        if (encoding == Encoding.NONE) {
            return mediaType.isEmpty();
        }
        if (mediaType.isEmpty() || mediaType.length() > MAX_MEDIA_TYPE
                || !mediaType.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return false;
        }
        String essence = mediaType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!essence.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")) {
            return false;
        }
        return encoding == Encoding.FORM ? essence.equals("application/x-www-form-urlencoded")
                : essence.equals("application/json") || essence.endsWith("+json");
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
