package dev.toolgate.gateway.catalog;

import java.util.Locale;
import java.util.Optional;

/**
 * How a parameter value is serialised, as OpenAPI's {@code style}: {@code SIMPLE} for path and
 * header, {@code FORM} for query and cookie by default. {@code TAB_DELIMITED} is Swagger 2.0's
 * {@code collectionFormat: tsv}, which OpenAPI 3 has no style for (so {@link #fromOpenApi} never
 * returns it).
 */
public enum ParamStyle {
    SIMPLE, LABEL, MATRIX, FORM, SPACE_DELIMITED, PIPE_DELIMITED, TAB_DELIMITED, DEEP_OBJECT;

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
            case QUERY, BODY -> this == FORM || this == SPACE_DELIMITED || this == PIPE_DELIMITED
                    || this == TAB_DELIMITED || this == DEEP_OBJECT;
            case HEADER -> this == SIMPLE;
            case COOKIE -> this == FORM;
        };
    }

    /** The OpenAPI spelling, e.g. {@code deepObject}. */
    public String openApiName() {
        return switch (this) {
            case SPACE_DELIMITED -> "spaceDelimited";
            case PIPE_DELIMITED -> "pipeDelimited";
            case TAB_DELIMITED -> "tabDelimited";
            case DEEP_OBJECT -> "deepObject";
            default -> name().toLowerCase(Locale.ROOT);
        };
    }

    public static Optional<ParamStyle> fromOpenApi(String name) {
        for (ParamStyle s : values()) {
            if (s != TAB_DELIMITED && s.openApiName().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
