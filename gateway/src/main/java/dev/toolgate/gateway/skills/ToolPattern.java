package dev.toolgate.gateway.skills;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.policy.Glob;
import java.util.regex.Pattern;

/**
 * One tool entry of a skill: an integration name ({@code desk}: all its tools, present and
 * future) or a glob over qualified tool names ({@code desk.get_*}, {@code *.search}; {@code *}
 * any run of characters, {@code ?} one). Immutable.
 */
public final class ToolPattern {
    public static final int MAX_LENGTH = 200;
    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9_*?-]+(\\.[A-Za-z0-9_*?-]+)*");

    private final String text;
    private final Glob glob; // null for an integration name

    private ToolPattern(String text, boolean integration) {
        this.text = text;
        this.glob = integration ? null : Glob.of(text);
    }

    public String text() {
        return text;
    }

    /**
     * Parses an entry as an admin wrote it.
     *
     * @throws GatewayException INVALID_ARGUMENT naming the entry and the expected shape
     */
    public static ToolPattern parse(String text) {
        requireNonNull(text, "text");
        boolean glob = text.indexOf('.') >= 0 || text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
        boolean valid = glob ? text.length() <= MAX_LENGTH && GLOB.matcher(text).matches()
                : text.length() <= Identifiers.MAX_NAME_LENGTH && Identifiers.NAME.matcher(text).matches();
        if (!valid) {
            throw GatewayException.invalidArgument("tools", "tool entry '" + Identifiers.abbreviate(text) + "' is"
                    + " neither an integration name ([a-z0-9]+([_-][a-z0-9]+)*) nor a tool-name glob of letters,"
                    + " digits, _ - . * ? (e.g. desk.get_*), at most " + MAX_LENGTH + " chars");
        }
        return new ToolPattern(text, !glob);
    }

    /** An integration name rather than a glob. */
    public boolean isIntegration() {
        return glob == null;
    }

    public boolean matches(ToolDefinition tool) {
        return glob == null ? tool.integration().name().equals(text) : glob.matches(tool.qualifiedName());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ToolPattern other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
