package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

/**
 * Binds a top-level argument to a place in the HTTP request.
 *
 * @param name the path variable, query key or header name; the body property name for BODY
 */
public record ParamBinding(String argument, ParamLocation location, String name) {
    public ParamBinding {
        requireNonNull(argument, "argument");
        requireNonNull(location, "location");
        requireNonNull(name, "name");
    }
}
