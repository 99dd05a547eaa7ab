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
 * @param bound {@link BoundValue#ARGUMENT} (the model's argument), or the fixed value or secret
 *     the admin bound the parameter to; a bound parameter is not in the tool's input schema
 * @param allowReserved a path value keeps its slashes and the other characters a path segment may
 *     hold ({@code allowReserved} or an {@code x-} hint in the document); its segments may not be
 *     empty, {@code .} or {@code ..}
 */
public record ParamBinding(String argument, ParamLocation location, String name, ParamStyle style,
        boolean explode, boolean asJson, BoundValue bound, boolean allowReserved) {
    public ParamBinding {
        requireNonNull(argument, "argument");
        requireNonNull(location, "location");
        requireNonNull(name, "name");
        requireNonNull(style, "style");
        requireNonNull(bound, "bound");
        if (allowReserved && location != ParamLocation.PATH) {
            throw new IllegalArgumentException("allowReserved is honoured for path parameters only, but '" + name
                    + "' is in " + location);
        }
    }

    /** A parameter whose value is percent-encoded as usual. */
    public ParamBinding(String argument, ParamLocation location, String name, ParamStyle style, boolean explode,
            boolean asJson, BoundValue bound) {
        this(argument, location, name, style, explode, asJson, bound, false);
    }

    /** A parameter the model's argument fills. */
    public ParamBinding(String argument, ParamLocation location, String name, ParamStyle style, boolean explode,
            boolean asJson) {
        this(argument, location, name, style, explode, asJson, BoundValue.ARGUMENT);
    }

    /** This binding with its value bound by the admin. */
    public ParamBinding boundTo(BoundValue value) {
        return new ParamBinding(argument, location, name, style, explode, asJson, value, allowReserved);
    }

    /** This path binding with its value's slashes and other path characters kept unencoded. */
    public ParamBinding keepingReserved() {
        return new ParamBinding(argument, location, name, style, explode, asJson, bound, true);
    }

    /** A binding with OpenAPI's default style and explode for its location. */
    public ParamBinding(String argument, ParamLocation location, String name) {
        this(argument, location, name, ParamStyle.defaultFor(location), ParamStyle.defaultFor(location) == ParamStyle.FORM,
                false);
    }
}
