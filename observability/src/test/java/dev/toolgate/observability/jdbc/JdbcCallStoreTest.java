package dev.toolgate.observability.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallStatus;
import dev.toolgate.observability.CallStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The store's batches on PostgreSQL ({@link TestStore}): COPY for many new rows, inserts otherwise, the same rows either way. */
class JdbcCallStoreTest {
    private final DataSource dataSource = TestStore.dataSource();

    /** Text that COPY's format treats specially, and text that merely looks like it. */
    private static final List<String> AWKWARD = List.of("tab\there", "line\nbreak", "carriage\rreturn",
            "back\\slash", "\\N", "\\.", "\\t is not a tab", "ends with a backslash \\", "", " ", "quote ' and \"",
            "é 日本 😀 \u2028", "nul \u0000 in it", "{\"a\":\"b\\\\nc\",\"d\":[1,2.5,null]}", "x".repeat(5_000));

    private static String tenant() {
        return "copy-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Finished records (what a batch inserts) with every column used, awkward text in each text column. */
    private static List<CallRecord> awkwardRecords(String tenant) {
        List<CallRecord> records = new ArrayList<>();
        Instant start = Instant.parse("2026-12-07T20:00:00.123456500Z"); // half a microsecond: rounded alike both ways
        for (int i = 0; i < AWKWARD.size(); i++) {
            String text = AWKWARD.get(i);
            CallRecord started = CallRecord.builder().tenantId(tenant).callId("call-" + i).agentId("agent " + text.substring(0, Math.min(text.length(), 40)))
                    .keyId("key_" + i).sessionId(i % 2 == 0 ? "" : "session\t" + i).toolName("crm.get_" + i)
                    .toolVersion(i + 1).arguments("{\"q\":\"" + text.replace("\\", "\\\\").replace("\"", "\\\"")
                            .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\"}")
                    .startedAt(start.plusMillis(i)).policy(new CallRecord.PolicyMark("allow", "rule " + text.substring(0, Math.min(text.length(), 20)), "sha256:" + i))
                    .argumentsDigest("digest-" + i).traceId(i % 3 == 0 ? "" : "0af7651916cd43dd8448eb211c80319c")
                    .skill(i % 2 == 0 ? "" : "billing").userId(i % 2 == 0 ? "" : "user\n" + i).build();
            records.add(started.finish(i % 3 == 2 ? CallRecord.Outcome.failed(CallStatus.FAILED, "error: " + text)
                    : CallRecord.Outcome.upstream(200 + i, text, i % 5 == 0), start.plusMillis(i).plusNanos(987_654_000)));
        }
        return records;
    }

    private static List<CallStore.Insert> inserts(List<CallRecord> records) {
        List<CallStore.Insert> out = new ArrayList<>();
        for (CallRecord r : records) {
            out.add(new CallStore.Insert(UUID.randomUUID().toString(), r));
        }
        return out;
    }

    /** The stored rows without the columns that differ by design between the two tenants' copies. */
    private static List<Map<String, Object>> withoutIdAndTenant(String tenant) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> row : TestStore.calls(tenant)) {
            Map<String, Object> r = new HashMap<>(row);
            r.remove("id");
            r.remove("tenant_id");
            rows.add(r);
        }
        rows.sort(java.util.Comparator.comparing(r -> (String) r.get("call_id")));
        return rows;
    }

    @Test
    void aBatchOfManyNewRows_goesByCopy_andStoresWhatTheInsertsStore() {
        JdbcCallStore store = new JdbcCallStore(dataSource, 100_000);
        String copied = tenant();
        String inserted = tenant();

        store.writeAll(inserts(awkwardRecords(copied)), List.of(), List.of(), List.of());
        assertThat(store.copiedRows()).isEqualTo(AWKWARD.size());
        for (CallStore.Insert one : inserts(awkwardRecords(inserted))) { // one by one: multi-row inserts, no COPY
            store.writeAll(List.of(one), List.of(), List.of(), List.of());
        }

        assertThat(store.copiedRows()).isEqualTo(AWKWARD.size());
        assertThat(store.copyRefusals()).isZero();
        List<Map<String, Object>> byCopy = withoutIdAndTenant(copied);
        assertThat(byCopy).hasSize(AWKWARD.size()).isEqualTo(withoutIdAndTenant(inserted));
        assertThat(byCopy).extracting(r -> r.get("result")).contains("tab\there", "line\nbreak", "\\N",
                "\\t is not a tab", "ends with a backslash \\", "nul \uFFFD in it");
        assertThat(byCopy).extracting(r -> r.get("error")).contains("error: é 日本 😀 \u2028",
                "error: carriage\rreturn", "error: " + "x".repeat(5_000));
        assertThat(byCopy).filteredOn(r -> r.get("call_id").equals("call-2"))
                .extracting(r -> r.get("execution_key"), r -> r.get("error"), r -> r.get("status"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(null, "error: carriage\rreturn", "FAILED"));
    }

    @Test
    void aBatchWhoseRowsAreThereAlready_isWrittenByTheInserts_eachRowOnce() {
        JdbcCallStore store = new JdbcCallStore(dataSource, 100_000);
        String tenant = tenant();
        List<CallStore.Insert> batch = inserts(awkwardRecords(tenant));

        store.writeAll(batch, List.of(), List.of(), List.of());
        store.writeAll(batch, List.of(), List.of(), List.of()); // the first commit's answer was lost

        assertThat(store.copiedRows()).as("the second COPY was refused and rolled back").isEqualTo(AWKWARD.size());
        assertThat(store.copyRefusals()).isEqualTo(1);
        assertThat(TestStore.calls(tenant)).hasSize(AWKWARD.size());
    }

    @Test
    void aBatchWithARowTheTableRefuses_isWrittenByTheInserts_andTheRefusalNamed() {
        JdbcCallStore store = new JdbcCallStore(dataSource, 100_000);
        String tenant = tenant();
        List<CallRecord> records = new ArrayList<>(awkwardRecords(tenant));
        records.add(CallRecord.builder().tenantId(tenant).callId("too-long").agentId("a".repeat(500)).keyId("k")
                .sessionId("").toolName("x.y").arguments("{}").startedAt(Instant.now()).build()
                .finish(CallRecord.Outcome.upstream(200, "{}"), Instant.now()));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.writeAll(inserts(records), List.of(), List.of(),
                List.of())).isInstanceOf(dev.toolgate.observability.CallRecordException.class)
                .hasMessageContaining("could not write " + records.size() + " call records")
                .hasRootCauseMessage("ERROR: value too long for type character varying(128)")
                .satisfies(e -> assertThat(e.getCause().getSuppressed()).as("COPY's refusal, kept")
                        .singleElement().satisfies(copy -> assertThat(copy).hasMessageContaining("value too long")));

        assertThat(store.copiedRows()).isZero();
        assertThat(store.copyRefusals()).isEqualTo(1);
        assertThat(TestStore.calls(tenant)).as("nothing of the batch").isEmpty();
    }

    @Test
    void aRowCopyCannotWrite_isLeftToTheInserts_andItsConnectionServesTheNextCopy() {
        org.postgresql.ds.PGSimpleDataSource direct = TestStore.dataSource();
        direct.setSocketTimeout(10); // a connection left in COPY mode would wait forever: fail instead
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setDataSource(direct);
        config.setMaximumPoolSize(1); // the batch after it gets the very connection the refused COPY was on
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config)) {
            JdbcCallStore store = new JdbcCallStore(pool, 100_000);
            String tenant = tenant();
            List<CallRecord> records = new ArrayList<>(awkwardRecords(tenant));
            Instant far = Instant.parse("+10000-01-01T00:00:00Z"); // past the years COPY's text is written for
            records.add(CallRecord.builder().tenantId(tenant).callId("far").agentId("a").keyId("k").sessionId("")
                    .toolName("x.y").arguments("{}").startedAt(far).build()
                    .finish(CallRecord.Outcome.upstream(200, "{}"), far));

            store.writeAll(inserts(records), List.of(), List.of(), List.of());
            assertThat(store.copyRefusals()).isEqualTo(1);
            assertThat(store.copiedRows()).isZero();
            assertThat(TestStore.calls(tenant)).hasSize(records.size());

            String next = tenant();
            store.writeAll(inserts(awkwardRecords(next)), List.of(), List.of(), List.of());
            assertThat(store.copiedRows()).as("the COPY left unfinished was cancelled").isEqualTo(AWKWARD.size());
            assertThat(TestStore.calls(next)).hasSize(AWKWARD.size());
        }
    }
}
