package dev.toolgate.observability.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows written with PostgreSQL's {@code COPY … FROM STDIN} in its text format: no statement of
 * thousands of parameters to bind and no conflict check per row, a quarter less of the server's CPU
 * per row than a multi-row {@code INSERT … ON CONFLICT DO NOTHING} (docs/benchmarks.md, twelfth pass).
 * A row that conflicts with one already there makes the whole COPY fail: the caller rolls back and
 * writes the rows the other way. Values are {@link String}, {@link Integer}, {@link Long},
 * {@link Boolean}, {@link Instant} or {@code null} (SQL NULL). Stateless.
 */
final class PostgresCopy {
    /** Characters of rows gathered before they are sent in one message. */
    private static final int CHUNK_CHARS = 32_768;

    private PostgresCopy() {
    }

    /** Whether {@code c} is a PostgreSQL connection (also behind a pool's proxy). */
    static boolean available(Connection c) throws SQLException {
        return c.isWrapperFor(PGConnection.class);
    }

    /**
     * Copies {@code rows} into {@code columns} of {@code table} within the connection's transaction.
     *
     * @throws SQLException when the server refuses a row (the COPY is then abandoned)
     */
    static void copy(Connection c, String table, String columns, List<Object[]> rows) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
        try {
            StringBuilder chunk = new StringBuilder(CHUNK_CHARS + 1024);
            for (Object[] row : rows) {
                appendRow(chunk, row);
                if (chunk.length() >= CHUNK_CHARS) {
                    send(in, chunk);
                }
            }
            send(in, chunk);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy(); // a refused row or a failure of ours: the server drops what it took
            }
        }
    }

    private static void send(CopyIn in, StringBuilder chunk) throws SQLException {
        if (chunk.isEmpty()) {
            return;
        }
        byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
        chunk.setLength(0);
    }

    /** One line of the text format: values separated by tabs, {@code \N} for NULL. */
    static void appendRow(StringBuilder out, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            switch (row[i]) {
                case null -> out.append("\\N");
                case String s -> appendText(out, s);
                case Boolean b -> out.append(b ? 't' : 'f');
                case Integer n -> out.append(n.intValue());
                case Long n -> out.append(n.longValue());
                case Instant t -> appendInstant(out, t);
                default -> throw new IllegalArgumentException("no COPY text for a " + row[i].getClass().getName());
            }
        }
        out.append('\n');
    }

    /** The first and last instants whose ISO 8601 text has four digits of year, as the server reads them. */
    private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /** ISO 8601 in UTC, e.g. {@code 2026-12-07T20:00:00.123456Z}; an instant out of that form is left to the inserts. */
    private static void appendInstant(StringBuilder out, Instant t) throws SQLException {
        if (t.isBefore(FIRST) || t.isAfter(LAST)) {
            throw new SQLException("instant " + t + " is outside the years COPY's text is written for", "22008");
        }
        out.append(t);
    }

    /** Text with the format's four special characters escaped: backslash, newline, carriage return, tab. */
    private static void appendText(StringBuilder out, String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\' || c == '\n' || c == '\r' || c == '\t') {
                break;
            }
            i++;
        }
        out.append(s, 0, i); // most values: copied whole
        for (; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
    }
}
