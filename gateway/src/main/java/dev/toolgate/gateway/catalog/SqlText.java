package dev.toolgate.gateway.catalog;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

/**
 * A tool's SQL split by PostgreSQL's lexical rules into code and what code must not be touched
 * (string constants, quoted identifiers, dollar-quoted bodies, comments), so that named
 * parameters ({@code :email}) are found only in code and a statement separator only counts
 * outside quotes. The result is the text JDBC prepares: each {@code :name} becomes a {@code ?}
 * placeholder (bound, never spliced), and a literal {@code ?} in code (a jsonb operator) is
 * escaped as {@code ??}. Immutable.
 *
 * @param source      the text as declared
 * @param jdbcSql     the text to prepare
 * @param parameters  the name of each placeholder, in order (a name used twice appears twice)
 */
public record SqlText(String source, String jdbcSql, List<String> parameters) {
    public static final int MAX_CHARS = 64 * 1024;
    private static final int MAX_PARAMETER_NAME = 63;

    public SqlText {
        parameters = List.copyOf(parameters);
    }

    /** Distinct parameter names in order of first use. */
    public Set<String> names() {
        return new LinkedHashSet<>(parameters);
    }

    /**
     * Parses one statement.
     *
     * @throws SqlTextException for an empty text, a second statement, an unterminated quote or
     *         comment, or a malformed parameter; the message gives line and column
     */
    public static SqlText parse(String sql) {
        if (sql.length() > MAX_CHARS) {
            throw new SqlTextException("the query is longer than " + MAX_CHARS + " characters");
        }
        return new Lexer(sql).run();
    }

    /** Why a query was refused. */
    public static final class SqlTextException extends RuntimeException {
        SqlTextException(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Lexer {
        private final String s;
        private final StringBuilder out = new StringBuilder();
        private final List<String> params = new ArrayList<>();
        private int i;
        private boolean code; // saw something other than whitespace and comments
        private int endOfStatement = -1; // index of the terminating ';', if any

        Lexer(String s) {
            this.s = s;
        }

        SqlText run() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (endOfStatement >= 0 && !Character.isWhitespace(c) && !startsComment()) {
                    throw new SqlTextException("only one statement is allowed, but another starts after the ';' at "
                            + where(endOfStatement));
                }
                if (c == '\'') {
                    quoted('\'', isEscapeString());
                } else if (c == '"') {
                    quoted('"', false);
                } else if (c == '-' && peek(1) == '-') {
                    lineComment();
                } else if (c == '/' && peek(1) == '*') {
                    blockComment();
                } else if (c == '$' && Character.isDigit(peek(1)) && (i == 0 || !isIdentifierPart(s.charAt(i - 1)))) {
                    throw new SqlTextException("positional parameter $" + peek(1) + "… at " + where(i)
                            + " is not supported; name it, e.g. :email");
                } else if (c == '$' && dollarTag().isPresent()) {
                    dollarQuoted(dollarTag().get());
                } else if (c == ':' && peek(1) == ':') {
                    out.append("::");
                    i += 2;
                    code = true;
                } else if (c == ':' && isIdentifierStart(peek(1))) {
                    parameter();
                } else if (c == '?') {
                    out.append("??"); // a literal '?' in code (jsonb operators); JDBC would take it for a placeholder
                    i++;
                    code = true;
                } else if (c == ';') {
                    endOfStatement = i;
                    i++;
                } else {
                    if (!Character.isWhitespace(c)) {
                        code = true;
                    }
                    out.append(c);
                    i++;
                }
            }
            if (!code) {
                throw new SqlTextException("the query is empty");
            }
            String jdbc = out.toString().strip();
            crossCheck(jdbc, params.size());
            return new SqlText(s, jdbc, params);
        }

        /**
         * The driver splits statements and finds placeholders with its own parser; it must see
         * exactly what this lexer saw (one statement, the same placeholders), or the query is
         * refused. Calls run with {@code standard_conforming_strings} on, as assumed here.
         */
        private static void crossCheck(String jdbc, int placeholders) {
            List<NativeQuery> parsed;
            try {
                parsed = Parser.parseJdbcSql(jdbc, true, true, true, false, false);
            } catch (SQLException e) {
                throw new SqlTextException("the query cannot be parsed: " + e.getMessage());
            }
            if (parsed.size() != 1) {
                throw new SqlTextException("only one statement is allowed, but the query holds " + parsed.size());
            }
            if (parsed.getFirst().bindPositions.length != placeholders) {
                throw new SqlTextException("the query's parameters are ambiguous (" + placeholders + " named, "
                        + parsed.getFirst().bindPositions.length + " seen by the driver); simplify the quoting around"
                        + " them");
            }
        }

        private boolean startsComment() {
            char c = s.charAt(i);
            return c == '-' && peek(1) == '-' || c == '/' && peek(1) == '*';
        }

        private char peek(int ahead) {
            int at = i + ahead;
            return at < s.length() ? s.charAt(at) : '\0';
        }

        /** An {@code E'…'} string: backslash escapes apply. The E was already copied as code. */
        private boolean isEscapeString() {
            if (i == 0) {
                return false;
            }
            char before = s.charAt(i - 1);
            boolean prefixStandsAlone = i < 2 || !isIdentifierPart(s.charAt(i - 2));
            return (before == 'E' || before == 'e') && prefixStandsAlone;
        }

        private void quoted(char quote, boolean backslashEscapes) {
            int start = i;
            out.append(quote);
            i++;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (backslashEscapes && c == '\\' && i + 1 < s.length()) {
                    out.append(c).append(s.charAt(i + 1));
                    i += 2;
                    continue;
                }
                out.append(c);
                i++;
                if (c == quote) {
                    if (peek(0) == quote) { // doubled quote: part of the text
                        out.append(quote);
                        i++;
                        continue;
                    }
                    code = true;
                    return;
                }
            }
            throw new SqlTextException((quote == '"' ? "quoted identifier" : "string constant") + " opened at "
                    + where(start) + " is never closed");
        }

        /** A line comment ends at a line feed or a carriage return, as in PostgreSQL and its driver. */
        private void lineComment() {
            while (i < s.length() && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                out.append(s.charAt(i++));
            }
        }

        /** Block comments nest in PostgreSQL. */
        private void blockComment() {
            int start = i;
            int depth = 0;
            while (i < s.length()) {
                if (s.charAt(i) == '/' && peek(1) == '*') {
                    depth++;
                    out.append("/*");
                    i += 2;
                } else if (s.charAt(i) == '*' && peek(1) == '/') {
                    depth--;
                    out.append("*/");
                    i += 2;
                    if (depth == 0) {
                        return;
                    }
                } else {
                    out.append(s.charAt(i++));
                }
            }
            throw new SqlTextException("comment opened at " + where(start) + " is never closed");
        }

        /** {@code $$} or {@code $tag$} at i, unless the '$' ends an identifier or starts a {@code $1}. */
        private Optional<String> dollarTag() {
            if (i > 0 && isIdentifierPart(s.charAt(i - 1))) {
                return Optional.empty();
            }
            int j = i + 1;
            if (j < s.length() && Character.isDigit(s.charAt(j))) {
                return Optional.empty();
            }
            while (j < s.length() && isIdentifierPart(s.charAt(j)) && s.charAt(j) != '$') {
                j++;
            }
            return j < s.length() && s.charAt(j) == '$' ? Optional.of(s.substring(i, j + 1)) : Optional.empty();
        }

        private void dollarQuoted(String tag) {
            int start = i;
            int end = s.indexOf(tag, i + tag.length());
            if (end < 0) {
                throw new SqlTextException("dollar-quoted text " + tag + " opened at " + where(start)
                        + " is never closed");
            }
            out.append(s, i, end + tag.length());
            i = end + tag.length();
            code = true;
        }

        private void parameter() {
            int start = i;
            int j = i + 1;
            while (j < s.length() && isIdentifierPart(s.charAt(j)) && s.charAt(j) != '$') {
                j++;
            }
            String name = s.substring(i + 1, j);
            if (name.length() > MAX_PARAMETER_NAME) {
                throw new SqlTextException("parameter :" + name.substring(0, 20) + "… at " + where(start)
                        + " has a name longer than " + MAX_PARAMETER_NAME + " characters");
            }
            if (!name.matches("[a-z][a-z0-9_]*")) {
                throw new SqlTextException("parameter :" + name + " at " + where(start)
                        + " must be lower case letters, digits and '_', starting with a letter");
            }
            params.add(name);
            out.append('?');
            i = j;
            code = true;
        }

        private static boolean isIdentifierStart(char c) {
            return Character.isLetter(c) || c == '_';
        }

        private static boolean isIdentifierPart(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$';
        }

        private String where(int index) {
            int line = 1;
            int column = 1;
            for (int k = 0; k < index; k++) {
                if (s.charAt(k) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            return "line " + line + ", column " + column;
        }
    }
}
