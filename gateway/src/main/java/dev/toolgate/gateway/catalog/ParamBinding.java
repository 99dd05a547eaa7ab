package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

/**
 * Binds a top-level argument to a place in the HTTP request.
 *
 * @param name the path variable, query key, header or cookie name; the body property name for BODY
 * @param style how arrays and objects are written (OpenAPI {@code style})
 * @param explode OpenAPI {@code explode}: one key per array item / object property
 * @param asJson the value is sent as JSON text (an OpenAPI parameter with {@code content}
 *     {@code application/json} instead of a schema)
 */
public record ParamBinding(String argument, ParamLocation location, String name, ParamStyle style,
        boolean explode, boolean asJson) {
    public ParamBinding {
        requireNonNull(argument, "argument");
        requireNonNull(location, "location");
        requireNonNull(name, "name");
        requireNonNull(style, "style");
    }

    /** A binding with OpenAPI's default style and explode for its location. */
    public ParamBinding(String argument, ParamLocation location, String name) {
        this(argument, location, name, ParamStyle.defaultFor(location), ParamStyle.defaultFor(location) == ParamStyle.FORM,
                false);
    }
}
