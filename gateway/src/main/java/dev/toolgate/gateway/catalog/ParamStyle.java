package dev.toolgate.gateway.catalog;

import java.util.Locale;
import java.util.Optional;

/**
 * How a parameter value is serialised, as OpenAPI's {@code style}: {@code SIMPLE} for path and
 * header, {@code FORM} for query and cookie by default.
 */
public enum ParamStyle {
    SIMPLE, LABEL, MATRIX, FORM, SPACE_DELIMITED, PIPE_DELIMITED, DEEP_OBJECT;

    /** OpenAPI's default style for a location. */
    public static ParamStyle defaultFor(ParamLocation location) {
        return switch (location) {
            case PATH, HEADER -> SIMPLE;
            case QUERY, COOKIE, BODY -> FORM;
        };
    }

    /** True when OpenAPI allows this style in this location. */
    public boolean allowedIn(ParamLocation location) {
        return switch (location) {
            case PATH -> this == SIMPLE || this == LABEL || this == MATRIX;
            case QUERY -> this == FORM || this == SPACE_DELIMITED || this == PIPE_DELIMITED || this == DEEP_OBJECT;
            case HEADER -> this == SIMPLE;
            case COOKIE -> this == FORM;
            case BODY -> this == FORM || this == DEEP_OBJECT;
        };
    }

    /** The OpenAPI spelling, e.g. {@code deepObject}. */
    public String openApiName() {
        return switch (this) {
            case SPACE_DELIMITED -> "spaceDelimited";
            case PIPE_DELIMITED -> "pipeDelimited";
            case DEEP_OBJECT -> "deepObject";
            default -> name().toLowerCase(Locale.ROOT);
        };
    }

    public static Optional<ParamStyle> fromOpenApi(String name) {
        for (ParamStyle s : values()) {
            if (s.openApiName().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
