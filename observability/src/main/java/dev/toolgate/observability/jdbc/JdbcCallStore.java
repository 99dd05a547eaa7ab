package dev.toolgate.observability.jdbc;

import static java.util.Objects.requireNonNull;

import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallRecordException;
import dev.toolgate.observability.CallStore;
import dev.toolgate.observability.Redactor;
import dev.toolgate.observability.StoredCall;
import dev.toolgate.observability.StoredCallRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Writes call records to the {@code tool_calls} table (see the gateway's Flyway migrations)
 * with plain JDBC. Long text is cut to the configured caps before it is written. On PostgreSQL a
 * batch of {@value #COPY_MIN_ROWS} new rows or more goes by COPY ({@link PostgresCopy}).
 * Thread-safe: besides its data source and limits it holds a count of copied rows and whether
 * the database takes COPY.
 */
public final class JdbcCallStore implements CallStore {
    /** Room for the largest upstream body the gateway accepts (1 MiB) with its wrapping. */
    public static final int DEFAULT_MAX_RESULT_CHARS = 1_200_000;
    private static final String UNIQUE_VIOLATION = "23505";

    private static final String COLUMNS = """
            id, tenant_id, call_id, agent_id, key_id, session_id, tool_name, tool_version,
                arguments, status, upstream_status, is_error, result, error, duration_micros, started_at, finished_at,
                execution_key, policy_decision, policy_rule, policy_version, arguments_digest, result_truncated, trace_id,
                skill, user_id""";
    private static final String INSERT_INTO = "INSERT INTO tool_calls (" + COLUMNS + ")\nVALUES ";
    private static final int INSERT_COLUMNS = 26;
    /** {@link #COLUMNS}' positions (from 1) of a timestamp; a NULL there is bound as one. */
    private static final int FINISHED_AT = 17;
    /**
     * Batches of this many new rows or more go to PostgreSQL with COPY ({@link PostgresCopy}); fewer,
     * and every batch on another database, as multi-row inserts.
     */
    public static final int COPY_MIN_ROWS = 8;
    /** SQL states of a connection that failed (class 08): nothing more can be tried on it. */
    private static final String CONNECTION_FAILURE = "08";
    private static final String FEATURE_NOT_SUPPORTED = "0A000";
    private static final String SYNTAX_ERROR = "42601";
    private static final String ROW = "(" + "?, ".repeat(INSERT_COLUMNS - 1) + "?)";
    private static final String INSERT = INSERT_INTO + ROW;
    /**
     * Rows per multi-row insert: a batch is written as statements of 64, 16, 4 and 1 rows, so
     * PostgreSQL parses and plans one statement per up to 64 rows, and only four statement texts
     * exist (each prepared once per connection by the driver).
     */
    private static final int[] ROWS_PER_INSERT = {64, 16, 4, 1};
    private static final String[] MULTI_INSERT = new String[ROWS_PER_INSERT[0] + 1];

    static {
        for (int rows : ROWS_PER_INSERT) {
            MULTI_INSERT[rows] = INSERT_INTO + String.join(", ", java.util.Collections.nCopies(rows, ROW))
                    + " ON CONFLICT DO NOTHING"; // H2 takes no conflict target
        }
    }

    private static final String SETTLE = """
            UPDATE tool_calls SET status = ?, upstream_status = ?, is_error = ?, result = ?, error = ?,
                duration_micros = ?, finished_at = ?, result_truncated = ?, execution_key = NULL
            WHERE tenant_id = ? AND id = ?""";

    /** A repeat of a batch whose commit was lost with its connection inserts nothing twice. */
    private static final String INSERT_ONCE = MULTI_INSERT[1];

    private static final String RESUME = """
            UPDATE tool_calls SET status = 'RUNNING'
            WHERE tenant_id = ? AND execution_key = ? AND status = 'PENDING_CONFIRMATION'""";

    private static final String FIND = "SELECT " + StoredCallRows.COLUMNS
            + " FROM tool_calls WHERE tenant_id = ? AND execution_key = ?";

    private static final String UPDATE = """
            UPDATE tool_calls SET status = ?, upstream_status = ?, is_error = ?, result = ?, error = ?,
                duration_micros = ?, finished_at = ?, result_truncated = ?
            WHERE tenant_id = ? AND execution_key = ?""";

    private static final String RELEASE = """
            UPDATE tool_calls SET status = ?, upstream_status = ?, is_error = ?, result = ?, error = ?,
                duration_micros = ?, finished_at = ?, result_truncated = ?, execution_key = NULL
            WHERE tenant_id = ? AND execution_key = ?""";

    private final DataSource dataSource;
    private final int maxTextChars;
    private final int maxResultChars;
    private final Redactor redactor;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcCallStore.class);
    private final java.util.concurrent.atomic.LongAdder copiedRows = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder copyRefusals = new java.util.concurrent.atomic.LongAdder();
    /** Batches may go by COPY: off for {@link #inserting()}, and once the database refused COPY itself. */
    private volatile boolean copies = true;

    /**
     * @param maxTextChars   cap for the arguments and error columns; longer text is cut and
     *                       marked with a trailing {@code …[truncated]}
     * @param maxResultChars cap for the result column (what a repeated call id is answered
     *                       with; a cut result is flagged {@code result_truncated})
     */
    public JdbcCallStore(DataSource dataSource, int maxTextChars, int maxResultChars) {
        this(dataSource, maxTextChars, maxResultChars, Redactor.defaults());
    }

    /** @param redactor masks secrets in arguments and results before they are written */
    public JdbcCallStore(DataSource dataSource, int maxTextChars, int maxResultChars, Redactor redactor) {
        this.redactor = requireNonNull(redactor, "redactor");
        this.dataSource = requireNonNull(dataSource, "dataSource");
        if (maxTextChars < 64) {
            throw new IllegalArgumentException("maxTextChars must be >= 64, but was " + maxTextChars);
        }
        if (maxResultChars < 64) {
            throw new IllegalArgumentException("maxResultChars must be >= 64, but was " + maxResultChars);
        }
        this.maxTextChars = maxTextChars;
        this.maxResultChars = maxResultChars;
    }

    /**
     * The same store writing every batch with inserts, never with COPY: for comparisons
     * ({@code toolgate-bench audit-writes}), and for a database that speaks PostgreSQL's protocol
     * without its COPY (which is otherwise found out on the first batch and not tried again).
     */
    public JdbcCallStore inserting() {
        JdbcCallStore store = new JdbcCallStore(dataSource, maxTextChars, maxResultChars, redactor);
        store.copies = false;
        return store;
    }

    public JdbcCallStore(DataSource dataSource, int maxTextChars) {
        this(dataSource, maxTextChars, Math.max(maxTextChars, DEFAULT_MAX_RESULT_CHARS));
    }


    @Override
    public CallRecord redact(CallRecord r) {
        return r.redacted(redactor);
    }

    @Override
    public boolean start(CallRecord record, String rowId) {
        requireNonNull(record, "record");
        requireNonNull(rowId, "rowId");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            bindInsert(ps, 0, rowId, redact(record));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw new CallRecordException("could not store call record for tenant " + record.tenantId(), e);
        }
    }

    /** Binds one row's values ({@link #insertValues}) to parameters {@code offset + 1 ..  offset + 26}. */
    private void bindInsert(PreparedStatement ps, int offset, String rowId, CallRecord r) throws SQLException {
        Object[] values = insertValues(rowId, r);
        for (int i = 0; i < values.length; i++) {
            int p = offset + i + 1;
            switch (values[i]) {
                case null -> ps.setNull(p, i + 1 == FINISHED_AT ? Types.TIMESTAMP : Types.VARCHAR);
                case String v -> ps.setString(p, v);
                case Integer v -> ps.setInt(p, v);
                case Long v -> ps.setLong(p, v);
                case Boolean v -> ps.setBoolean(p, v);
                case Instant v -> ps.setTimestamp(p, Timestamp.from(v));
                default -> throw new IllegalStateException("no binding for a " + values[i].getClass().getName());
            }
        }
    }

    /**
     * One row of {@code tool_calls} in {@link #COLUMNS}' order, for the inserts and for COPY alike:
     * text cut to its caps and every text cleaned of NUL (which PostgreSQL refuses: one such value
     * failed its whole batch, and the record was dropped), {@code null} for SQL NULL.
     */
    private Object[] insertValues(String rowId, CallRecord r) {
        return new Object[] {
            rowId, clean(r.tenantId()), clean(r.callId()), clean(r.agentId()), clean(r.keyId()), clean(r.sessionId()),
            cap(r.toolName()), r.toolVersion(), cap(r.arguments()), r.status().name(), r.upstreamStatus(), r.isError(),
            cap(r.result(), maxResultChars), cap(r.error()), r.duration().toNanos() / 1_000, micros(r.startedAt()),
            r.finishedAt().map(JdbcCallStore::micros).orElse(null), r.status().isOpen() ? clean(r.callId()) : null,
            clean(r.policy().decision()), clean(r.policy().rule()), clean(r.policy().version()),
            clean(r.argumentsDigest()), r.resultTruncated() || r.result().length() > maxResultChars,
            clean(r.traceId()), clean(r.skill()),
            clean(r.userId())};
    }

    @Override
    public void finish(CallRecord r) {
        update(r, UPDATE);
    }

    @Override
    public void release(CallRecord r) {
        update(r, RELEASE);
    }

    private void update(CallRecord record, String sql) {
        requireNonNull(record, "record");
        CallRecord r = redact(record);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bindUpdate(ps, r);
            if (ps.executeUpdate() != 1) {
                throw new CallRecordException("call " + r.callId() + " of tenant " + r.tenantId() + " was never started");
            }
        } catch (SQLException e) {
            throw new CallRecordException("could not finish call record for tenant " + r.tenantId(), e);
        }
    }

    /**
     * Writes many records in one transaction (one JDBC batch per kind): finished records without
     * a start row are inserted, outcomes of started ones update their rows, released ones update
     * and free their call id. A settle is the outcome of a call whose start row may or may not
     * have been written (its insert failed without an answer): it updates that row, by its row
     * id, or else is inserted. Writing the same records again (after a commit whose answer was
     * lost) changes nothing.
     *
     * @return the call ids of outcomes whose start row does not exist (nothing to update)
     * @throws CallRecordException when the store fails; then none of them is written
     */
    @Override
    public List<String> writeAll(List<Insert> inserts, List<CallRecord> finishes, List<CallRecord> releases,
            List<Settle> settles) {
        if (inserts.isEmpty() && finishes.isEmpty() && releases.isEmpty() && settles.isEmpty()) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            List<String> missing = writeBatch(c, inserts, finishes, releases, settles);
            // only after a commit: after a failure the connection goes back as it is (a pool resets it, a plain
            // one is closed), so a dead connection's "closed" cannot replace the failure, nor a live one whose
            // rollback failed commit what its transaction holds
            if (c.getAutoCommit() != autoCommit) {
                c.setAutoCommit(autoCommit);
            }
            return missing;
        } catch (SQLException e) {
            throw new CallRecordException("could not write " + (inserts.size() + finishes.size() + releases.size()
                    + settles.size()) + " call records", e);
        }
    }

    /** The batch by COPY when it may go so, else (or when COPY was refused) with inserts; committed. */
    private List<String> writeBatch(Connection c, List<Insert> inserts, List<CallRecord> finishes,
            List<CallRecord> releases, List<Settle> settles) throws SQLException {
        CopyRefused refused = null;
        if (copies && inserts.size() >= COPY_MIN_ROWS && PostgresCopy.available(c)) {
            try {
                return writeInTransaction(c, inserts, finishes, releases, settles, true);
            } catch (CopyRefused e) { // the transaction was rolled back: nothing of the batch is written
                refused = e;
                copyRefused(e, inserts.size());
            }
        }
        try {
            return writeInTransaction(c, inserts, finishes, releases, settles, false);
        } catch (SQLException | RuntimeException e) {
            if (refused != null) {
                e.addSuppressed(refused.getCause());
            }
            throw e;
        }
    }

    /**
     * A COPY the database (or the row's rendering) refused. The inserts then write the batch: they
     * skip rows written before (this batch's commit answer was lost) and name a row the table refuses,
     * as without COPY; a server that has no COPY gets inserts from now on.
     */
    private void copyRefused(CopyRefused e, int rows) {
        copyRefusals.increment();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals(FEATURE_NOT_SUPPORTED) || state.equals(SYNTAX_ERROR)) {
            copies = false;
            LOG.warn("the database refused COPY (SQL state {}): call records are written with inserts", state);
        } else {
            LOG.debug("COPY of {} call records refused (SQL state {}): written with inserts", rows,
                    state); // the state only: a server's message may quote a row
        }
    }

    /** The writes of {@link #writeAll} in one transaction, committed; rolled back when one fails. */
    private List<String> writeInTransaction(Connection c, List<Insert> inserts, List<CallRecord> finishes,
            List<CallRecord> releases, List<Settle> settles, boolean copy) throws SQLException {
        try {
            List<String> missing = new ArrayList<>();
            if (copy) {
                copyAll(c, inserts);
            } else {
                insertAll(c, inserts);
            }
            updateAll(c, UPDATE, finishes, missing);
            updateAll(c, RELEASE, releases, missing);
            settleAll(c, settles);
            c.commit();
            if (copy) {
                copiedRows.add(inserts.size());
            }
            return missing;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException r) { // the connection's state is unknown now: no fallback on it, the cause kept
                r.addSuppressed(e instanceof CopyRefused refused ? refused.getCause() : e);
                throw r;
            }
            throw e;
        }
    }

    /**
     * New rows with COPY: the first statement of the transaction, so a refusal rolls back nothing else.
     *
     * @throws CopyRefused when the server or the rendering refused a row; a failed connection is thrown as it is
     */
    private void copyAll(Connection c, List<Insert> inserts) throws SQLException {
        List<Object[]> rows = new ArrayList<>(inserts.size());
        for (Insert i : inserts) {
            rows.add(insertValues(i.rowId(), redact(i.record())));
        }
        try {
            PostgresCopy.copy(c, "tool_calls", COLUMNS, rows);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith(CONNECTION_FAILURE)) {
                throw e; // nothing more can be tried on this connection: the batch is retried whole later
            }
            throw new CopyRefused(e);
        }
    }

    /** COPY's own refusal, apart from a failure of the statements after it or of the commit. */
    private static final class CopyRefused extends SQLException {
        CopyRefused(SQLException cause) {
            super("COPY refused", cause.getSQLState(), cause);
        }
    }

    /** Batches whose COPY the database refused since start (then written with inserts). */
    public long copyRefusals() {
        return copyRefusals.sum();
    }

    /** Rows written with COPY since start: which way the batches went. */
    public long copiedRows() {
        return copiedRows.sum();
    }

    /** Inserts in multi-row statements (64, 16, 4, 1 rows), each row at most once. */
    private void insertAll(Connection c, List<Insert> inserts) throws SQLException {
        int next = 0;
        for (int rows : ROWS_PER_INSERT) {
            if (inserts.size() - next < rows) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement(MULTI_INSERT[rows])) {
                while (inserts.size() - next >= rows) {
                    for (int k = 0; k < rows; k++) {
                        Insert i = inserts.get(next + k);
                        bindInsert(ps, k * INSERT_COLUMNS, i.rowId(), redact(i.record()));
                    }
                    next += rows;
                    if (rows == 1) {
                        ps.addBatch();
                    } else {
                        ps.executeUpdate();
                    }
                }
                if (rows == 1) {
                    ps.executeBatch();
                }
            }
        }
    }

    private void settleAll(Connection c, List<Settle> settles) throws SQLException {
        if (settles.isEmpty()) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement(SETTLE);
             PreparedStatement insert = c.prepareStatement(INSERT_ONCE)) {
            for (Settle s : settles) {
                CallRecord r = redact(s.record());
                int updated = 0;
                for (String rowId : s.rowIds()) {
                    bindUpdate(update, r);
                    update.setString(10, rowId);
                    updated += update.executeUpdate();
                }
                if (updated == 0) {
                    bindInsert(insert, 0, s.rowIds().get(0), r);
                    insert.executeUpdate();
                }
            }
        }
    }

    private void updateAll(Connection c, String sql, List<CallRecord> records, List<String> missing)
            throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (CallRecord r : records) {
                bindUpdate(ps, redact(r));
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    missing.add(records.get(i).callId());
                }
            }
        }
    }

    @Override
    public boolean ping() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private void bindUpdate(PreparedStatement ps, CallRecord r) throws SQLException {
        if (r.finishedAt().isEmpty()) {
            throw new IllegalArgumentException("call " + r.callId() + " is not finished");
        }
        ps.setString(1, r.status().name());
        ps.setInt(2, r.upstreamStatus());
        ps.setBoolean(3, r.isError());
        ps.setString(4, cap(r.result(), maxResultChars));
        ps.setString(5, cap(r.error()));
        ps.setLong(6, r.duration().toNanos() / 1_000);
        ps.setTimestamp(7, Timestamp.from(r.finishedAt().get()));
        ps.setBoolean(8, r.resultTruncated() || r.result().length() > maxResultChars);
        ps.setString(9, r.tenantId());
        ps.setString(10, r.callId());
    }

    @Override
    public Optional<StoredCall> findExecuted(String tenantId, String callId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, tenantId);
            ps.setString(2, callId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(StoredCallRows.read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new CallRecordException("could not read call " + callId + " of tenant " + tenantId, e);
        }
    }

    @Override
    public boolean resume(String tenantId, String callId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RESUME)) {
            ps.setString(1, tenantId);
            ps.setString(2, callId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new CallRecordException("could not resume call " + callId + " of tenant " + tenantId, e);
        }
    }

    private String cap(String raw) {
        return cap(raw, maxTextChars);
    }

    /**
     * The instant rounded to the microsecond (half up, as the driver rounds a timestamp it binds), so
     * the column's value does not depend on the server's rounding of the nanoseconds COPY's text carries.
     */
    private static Instant micros(Instant t) {
        return t.plusNanos(500).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    /** Replaces NUL, which PostgreSQL text columns refuse. */
    private static String clean(String raw) {
        return raw.indexOf('\u0000') >= 0 ? raw.replace('\u0000', '\uFFFD') : raw;
    }

    /** Caps the length and replaces NUL, which PostgreSQL text columns refuse. */
    private static String cap(String raw, int max) {
        String text = raw.indexOf('\u0000') >= 0 ? raw.replace('\u0000', '\uFFFD') : raw;
        if (text.length() <= max) {
            return text;
        }
        String marker = "…[truncated]";
        return text.substring(0, max - marker.length()) + marker;
    }
}
