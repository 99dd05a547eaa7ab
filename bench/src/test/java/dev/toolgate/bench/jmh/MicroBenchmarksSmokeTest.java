package dev.toolgate.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.execution.http.RequestRenderBenchAccess;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/** Runs each JMH benchmark method once outside JMH, so they never rot. Asserts results, never timings. */
class MicroBenchmarksSmokeTest {
    @Test
    void argumentValidation_bothSchemas_validateCleanly() throws Exception {
        for (String schema : new String[] {"small", "large"}) {
            ArgumentValidationBench b = new ArgumentValidationBench();
            b.schema = schema;
            b.setUp(); // throws when the arguments do not validate
            assertThat(b.validate()).isEmpty();
            assertThat(b.baselineJacksonParse().isObject()).isTrue();
        }
    }

    @Test
    void catalogLookup_everySize_findsTheTools() throws Exception {
        for (int tools : new int[] {10, 1000}) {
            CatalogLookupBench b = new CatalogLookupBench();
            b.tools = tools;
            b.setUp();
            for (int i = 0; i < 2048; i++) {
                assertThat(b.find()).isPresent();
            }
            assertThat(b.baselineHashMapGet()).isNotNull();
        }
    }

    @Test
    void policyDecision_everySize_allowsAndDenies() throws Exception {
        for (int rules : new int[] {1, 100, 10000}) {
            PolicyDecisionBench b = new PolicyDecisionBench();
            b.rules = rules;
            b.setUp(); // throws when a measured call would not get its intended decision
            assertThat(b.decideAllowed().verdict()).isEqualTo(dev.toolgate.policy.Verdict.ALLOW);
            assertThat(b.decideDefaultDeny().ruleId()).isEqualTo(dev.toolgate.policy.Decision.DEFAULT_DENY);
            assertThat(b.decideAllowedAndRateLimit()).isEmpty();
            assertThat(b.baselineHashMapGet()).isNotNull();
        }
    }

    @Test
    void cardSummary_everySize_theHeadIsTheWholeRedactionsHead_withoutTheSecret() {
        for (int size : new int[] {28, 4096, 262144}) {
            CardSummaryBench b = new CardSummaryBench();
            b.resultBytes = size;
            b.setUp();
            String whole = b.wholeResult();
            assertThat(whole.length()).as("size " + size).isGreaterThan(size / 2);
            assertThat(b.summaryHead()).as("size " + size).isEqualTo(whole.substring(0, Math.min(2_049, whole.length())))
                    .doesNotContain("tok_9");
        }
    }

    @Test
    void jsonBufferPool_bothPools_writeBackWhatTheyRead() throws Exception {
        for (String pool : new String[] {"jackson-bounded", "lock-free"}) {
            JsonBufferPoolBench b = new JsonBufferPoolBench();
            b.pool = pool;
            b.setUp();
            assertThat(b.readAndWrite()).as(pool).startsWith("{\"query\":\"order 1042\"").endsWith("]}}");
        }
    }

    @Test
    void auditEnqueue_recordsReachTheStore_nothingDropped() {
        AuditEnqueueBench b = new AuditEnqueueBench();
        b.batch = 500;
        b.setUp();
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        try {
            for (int iteration = 0; iteration < 2; iteration++) {
                b.newRecords();
                b.enqueue(bh);
                b.baselineQueueAdd(bh);
                b.drain(); // throws when the writer does not empty the backlog
            }
            assertThat(b.written()).isEqualTo(1000);
            assertThat(b.dropped()).isZero();
        } finally {
            b.tearDown();
        }
    }

    @Test
    void requestRendering_rendersBothRequests() throws Exception {
        assertThat(RequestRenderBenchAccess.renderBoth()).containsExactly(
                "/stores/7/items/a%20b%2Fc?tag=x&tag=y%20z&filter%5Bcolor%5D=red&filter%5Bsize%5D=L", "/support/cases");
    }
}
