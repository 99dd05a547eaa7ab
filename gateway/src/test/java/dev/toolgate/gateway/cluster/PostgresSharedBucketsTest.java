package dev.toolgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.policy.RateLimit;
import dev.toolgate.policy.SourcePosition;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The shared buckets' SQL on the test PostgreSQL: burst, refusal with a wait, give-back, purge. Cost is printed. */
@MicronautTest
class PostgresSharedBucketsTest {
    @Inject
    PostgresSharedBuckets buckets;

    @Inject
    javax.sql.DataSource dataSource;

    private final String key = "test\u0000" + UUID.randomUUID() + "\u0000per-agent\u0000agent-1";

    private static RateLimit perMinute(long permits) {
        return new RateLimit("per-agent", permits, Duration.ofMinutes(1), permits, RateLimit.Per.AGENT, List.of(),
                List.of(), SourcePosition.ofFile("_all/limits.yaml"));
    }

    @Test
    void onPostgres_theBucketsAreActive() {
        assertThat(buckets.active()).isTrue();
    }

    @Test
    void aNewBucket_allowsItsBurst_thenRefusesWithTheWaitForOneToken() {
        RateLimit limit = perMinute(3);
        for (int i = 0; i < 3; i++) {
            assertThat(buckets.tryTake(key, limit)).isZero();
        }
        long wait = buckets.tryTake(key, limit);
        assertThat(Duration.ofNanos(wait)).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aTokenGivenBack_canBeTakenAgain() {
        RateLimit limit = perMinute(1);
        assertThat(buckets.tryTake(key, limit)).isZero();
        assertThat(buckets.tryTake(key, limit)).isPositive();
        buckets.giveBack(key, limit);
        assertThat(buckets.tryTake(key, limit)).isZero();
    }

    @Test
    void purge_keepsBucketsThatAreNotFullAgain() {
        RateLimit limit = perMinute(1);
        assertThat(buckets.tryTake(key, limit)).isZero();
        buckets.purgeFull();
        assertThat(buckets.tryTake(key, limit)).isPositive(); // the row survived: still empty
    }

    @Test
    void costPerCall_isPrinted() {
        RateLimit limit = perMinute(1_000_000_000L);
        int n = 2_000;
        for (int i = 0; i < 500; i++) {
            buckets.tryTake(key, limit); // warm-up
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            buckets.tryTake(key, limit);
        }
        double sharedMicros = (System.nanoTime() - t0) / 1e3 / n;
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try (var c = dataSource.getConnection(); var st = c.createStatement()) {
                st.execute("SELECT 1"); // the baseline: one round trip on a pooled connection
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        double selectMicros = (System.nanoTime() - t1) / 1e3 / n;
        System.out.printf("shared rate-limit bucket on PostgreSQL: %.0f µs per take, %.0f µs per SELECT 1 (ratio %.1f;"
                + " %d sequential calls each)%n", sharedMicros, selectMicros, sharedMicros / selectMicros, n);
    }

    @Inject
    PostgresClusterBus bus;

    @Inject
    ClusterProperties clusterProperties;

    @Inject
    JobLeases jobLeases;

    private final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);

    /**
     * Another instance's buckets on the same database, on a clock the test moves; batches fetched ahead
     * are fetched on the calling thread, so the counts are exact when a call returns.
     */
    private PostgresSharedBuckets instance() {
        return instance(Runnable::run);
    }

    private PostgresSharedBuckets instance(java.util.concurrent.Executor refills) {
        return new PostgresSharedBuckets(dataSource, bus, clusterProperties, jobLeases, nanos::get, false, refills);
    }

    /** Takes tokens until the lease queues a fetch ahead (the 11th take of a new lease); returns how many. */
    private int callUntilAFetchAheadIsQueued(PostgresSharedBuckets a, RateLimit limit,
            java.util.Collection<Runnable> fetches) {
        int calls = 0;
        while (fetches.isEmpty()) {
            assertThat(a.tryTake(key, limit)).isZero();
            assertThat(++calls).as("takes before a fetch ahead").isLessThanOrEqualTo(11);
        }
        return calls;
    }

    private static RateLimit perHour(long permits) {
        return new RateLimit("per-agent", permits, Duration.ofHours(1), permits, RateLimit.Per.AGENT, List.of(),
                List.of(), SourcePosition.ofFile("_all/limits.yaml"));
    }

    private double tokensInTheDatabase(RateLimit limit) throws java.sql.SQLException {
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement(
                "SELECT tokens FROM rate_limit_buckets WHERE bucket_key = ?")) {
            ps.setString(1, dev.toolgate.gateway.core.Digests.sha256Hex(key));
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getDouble(1) : limit.burst();
            }
        }
    }

    @Test
    void aBusyBucket_isTakenInBatches_andAnAgedLeaseGivesItsUnusedTokensBack() throws Exception {
        RateLimit limit = perHour(1_000); // refills 0.28 tokens a second: the counts below stay exact to 1
        PostgresSharedBuckets a = instance();
        try {
            for (int i = 0; i < 200; i++) {
                assertThat(a.tryTake(key, limit)).isZero();
            }
            double fromDatabase = limit.burst() - tokensInTheDatabase(limit);
            int held = a.leasedTokens(key);
            // batches of 1, 2, 4 … 64, 100: more taken from the database than used, the rest held here
            // (at most half a batch and the batch fetched ahead)
            assertThat(held).isPositive().isLessThanOrEqualTo(100 * 3 / 2); // batches capped at a tenth of the burst
            assertThat(fromDatabase).isCloseTo(200 + held, org.assertj.core.data.Offset.offset(1.0));
            assertThat(fromDatabase).isLessThan(1_000);

            nanos.addAndGet(TokenLeases.TTL.toNanos()); // the lease ages
            assertThat(a.returnAgedLeases()).isEqualTo(held);
            assertThat(a.leasedTokens(key)).isZero();
            assertThat(limit.burst() - tokensInTheDatabase(limit)).isCloseTo(200, org.assertj.core.data.Offset.offset(1.0));
        } finally {
            a.close();
        }
    }

    @Test
    void aBusyLease_fetchesItsNextBatchAhead_whileItsCallsTakeTheRestFromMemory() throws Exception {
        RateLimit limit = perHour(1_000); // batches up to 100 (a tenth of the burst); it refills 0.28 tokens a second
        java.util.concurrent.BlockingQueue<Runnable> fetches = new java.util.concurrent.LinkedBlockingQueue<>();
        PostgresSharedBuckets a = instance(fetches::add);
        try {
            // batches of 1, 2, 4 and 8 are fetched by the call that finds the lease empty; once the
            // filled batch of 8 is half used, the next one (16) is fetched ahead: the 11th call
            assertThat(callUntilAFetchAheadIsQueued(a, limit, fetches)).isEqualTo(11);
            assertThat(a.leasedTokens(key)).isEqualTo(4);
            double inDatabase = tokensInTheDatabase(limit);

            for (int i = 0; i < 4; i++) { // while the fetch is out, the calls take the rest from memory
                assertThat(a.tryTake(key, limit)).isZero();
            }
            assertThat(tokensInTheDatabase(limit)).isCloseTo(inDatabase, org.assertj.core.data.Offset.offset(0.5));
            assertThat(fetches).as("one fetch ahead at a time").hasSize(1);

            fetches.take().run();
            assertThat(a.leasedTokens(key)).isEqualTo(16);
            assertThat(inDatabase - tokensInTheDatabase(limit)).isCloseTo(16, org.assertj.core.data.Offset.offset(0.5));
        } finally {
            a.close();
        }
    }

    @Test
    void aVeryBusyBucket_growsItsBatchesFetchedAheadToTheCap_andHoldsAtMostABatchAndAHalf() throws Exception {
        RateLimit limit = perHour(100_000_000); // a tenth of the burst is far above the cap
        java.util.concurrent.BlockingQueue<Runnable> fetches = new java.util.concurrent.LinkedBlockingQueue<>();
        PostgresSharedBuckets a = instance(fetches::add);
        try {
            callUntilAFetchAheadIsQueued(a, limit, fetches);
            List<Integer> fetched = new java.util.ArrayList<>();
            for (int round = 0; round < 7; round++) {
                int before = a.leasedTokens(key);
                fetches.take().run();
                fetched.add(a.leasedTokens(key) - before);
                assertThat(a.leasedTokens(key)).isLessThanOrEqualTo(TokenLeases.MAX_BATCH * 3 / 2);
                for (int calls = 0; fetches.isEmpty(); calls++) { // half the batch goes, then the next is fetched
                    assertThat(calls).isLessThanOrEqualTo(TokenLeases.MAX_BATCH * 2);
                    assertThat(a.tryTake(key, limit)).isZero();
                }
            }
            assertThat(fetched).containsExactly(16, 32, 64, 128, 256, 256, 256);
        } finally {
            a.close();
        }
    }

    @Test
    void aCallFindingTheLeaseEmptyWhileTheFetchAheadIsOut_waitsForIt_insteadOfFetchingAnother() throws Exception {
        RateLimit limit = perHour(1_000);
        java.util.concurrent.BlockingQueue<Runnable> fetches = new java.util.concurrent.LinkedBlockingQueue<>();
        PostgresSharedBuckets a = instance(fetches::add);
        try {
            callUntilAFetchAheadIsQueued(a, limit, fetches);
            for (int i = 0; i < 4; i++) {
                assertThat(a.tryTake(key, limit)).isZero();
            }
            assertThat(a.leasedTokens(key)).isZero();
            double inDatabase = tokensInTheDatabase(limit);

            java.util.concurrent.CompletableFuture<Long> next = new java.util.concurrent.CompletableFuture<>();
            Thread caller = Thread.ofVirtual().start(() -> next.complete(a.tryTake(key, limit)));
            while (caller.getState() != Thread.State.TIMED_WAITING && !next.isDone()) {
                Thread.onSpinWait(); // until it waits for the fetch (before the fix: it fetched a batch of its own)
            }
            fetches.take().run();
            assertThat(next.get(10, java.util.concurrent.TimeUnit.SECONDS)).isZero();
            assertThat(inDatabase - tokensInTheDatabase(limit)).as("only the batch fetched ahead left the bucket")
                    .isCloseTo(16, org.assertj.core.data.Offset.offset(0.5));
            assertThat(a.leasedTokens(key)).isEqualTo(15);
        } finally {
            a.close();
        }
    }

    @Test
    void aLeaseReturnedWhileACallWaitsForItsFetch_losesNoToken_theCallTakesFromANewLease() throws Exception {
        RateLimit limit = perHour(1_000);
        java.util.concurrent.BlockingQueue<Runnable> fetches = new java.util.concurrent.LinkedBlockingQueue<>();
        PostgresSharedBuckets a = instance(fetches::add);
        try {
            callUntilAFetchAheadIsQueued(a, limit, fetches); // 11 calls
            for (int i = 0; i < 4; i++) {
                assertThat(a.tryTake(key, limit)).isZero();
            }
            java.util.concurrent.CompletableFuture<Long> next = new java.util.concurrent.CompletableFuture<>();
            Thread caller = Thread.ofVirtual().start(() -> next.complete(a.tryTake(key, limit)));
            while (caller.getState() != Thread.State.TIMED_WAITING && !next.isDone()) {
                Thread.onSpinWait();
            }
            nanos.addAndGet(TokenLeases.TTL.toNanos()); // the lease ages and the timer returns it while the call waits
            assertThat(a.returnAgedLeases()).isZero();
            fetches.take().run(); // its tokens go back: the lease is gone
            assertThat(next.get(10, java.util.concurrent.TimeUnit.SECONDS)).isZero();
            assertThat(limit.burst() - tokensInTheDatabase(limit)).as("16 calls, and the new lease's batch of one")
                    .isCloseTo(16, org.assertj.core.data.Offset.offset(0.5));
        } finally {
            a.close();
        }
    }

    @Test
    void aFailedFetchAhead_putsTheBatchBack_andStartsNoOtherUntilABatchIsFilled() throws Exception {
        RateLimit limit = perHour(1_000);
        java.util.concurrent.BlockingQueue<Runnable> fetches = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        javax.sql.DataSource real = io.micronaut.data.connection.jdbc.advice.DelegatingDataSource.unwrapDataSource(dataSource);
        javax.sql.DataSource failing = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    if (down.get() && method.getName().equals("getConnection")) {
                        throw new java.sql.SQLException("connection refused (the database is down)");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        PostgresSharedBuckets a = new PostgresSharedBuckets(failing, bus, clusterProperties, jobLeases, nanos::get, false,
                fetches::add);
        try {
            callUntilAFetchAheadIsQueued(a, limit, fetches);
            Runnable fetch = fetches.take();
            down.set(true); // the database is down for this fetch
            fetch.run();
            down.set(false);
            for (int i = 0; i < 4; i++) { // the rest of the batch, with no new fetch ahead
                assertThat(a.tryTake(key, limit)).isZero();
            }
            assertThat(fetches).isEmpty();
            double inDatabase = tokensInTheDatabase(limit);
            assertThat(a.tryTake(key, limit)).isZero(); // empty: this call fetches a batch of the old size (8)
            assertThat(inDatabase - tokensInTheDatabase(limit)).isCloseTo(8, org.assertj.core.data.Offset.offset(0.5));
            assertThat(a.leasedTokens(key)).isEqualTo(7);
        } finally {
            a.close();
        }
    }

    @Test
    void aBatchFetchedAheadForALeaseReturnedMeanwhile_goesBackToTheBucket() throws Exception {
        RateLimit limit = perHour(1_000);
        java.util.concurrent.BlockingQueue<Runnable> fetches = new java.util.concurrent.LinkedBlockingQueue<>();
        PostgresSharedBuckets a = instance(fetches::add);
        try {
            int calls = callUntilAFetchAheadIsQueued(a, limit, fetches);
            nanos.addAndGet(TokenLeases.TTL.toNanos()); // the lease ages and goes back before the fetch ends
            assertThat(a.returnAgedLeases()).isEqualTo(4);

            fetches.take().run();
            assertThat(a.leasedTokens(key)).isZero();
            assertThat(limit.burst() - tokensInTheDatabase(limit)).as("only the tokens used are out of the bucket")
                    .isCloseTo(calls, org.assertj.core.data.Offset.offset(0.5));
        } finally {
            a.close();
        }
    }

    @Test
    void twoInstances_togetherAllowExactlyTheLimit_whileBothTakeInBatches() {
        RateLimit limit = perHour(100);
        PostgresSharedBuckets a = instance();
        PostgresSharedBuckets b = instance();
        try {
            int allowed = 0;
            boolean aRefused = false;
            boolean bRefused = false;
            for (int i = 0; i < 300 && !(aRefused && bRefused); i++) {
                PostgresSharedBuckets next = i % 3 == 0 ? b : a; // uneven demand: batches of different sizes
                long wait = next.tryTake(key, limit);
                if (wait == 0) {
                    allowed++;
                } else if (next == a) {
                    aRefused = true;
                } else {
                    bRefused = true;
                }
            }
            // a refusal on one while the other still holds leased tokens: keep calling until both refuse
            while (a.tryTake(key, limit) == 0) {
                allowed++;
            }
            while (b.tryTake(key, limit) == 0) {
                allowed++;
            }
            assertThat(allowed).isBetween(100, 101); // the burst, plus at most the refill of these few ms
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void tokensHeldByAnInstanceThatStoppedCalling_goBackToTheOthers() {
        RateLimit limit = perHour(100); // batches of at most 10
        PostgresSharedBuckets a = instance();
        PostgresSharedBuckets b = instance();
        try {
            for (int i = 0; i < 20; i++) {
                assertThat(a.tryTake(key, limit)).isZero();
            }
            int held = a.leasedTokens(key);
            int allowedToB = 0;
            while (b.tryTake(key, limit) == 0) {
                allowedToB++;
            }
            assertThat(allowedToB).isBetween(80 - held, 81 - held); // a's unused lease is out of reach for now
            nanos.addAndGet(TokenLeases.TTL.toNanos());
            a.returnAgedLeases(); // what the instance's timer does every second
            int more = 0;
            while (b.tryTake(key, limit) == 0) {
                more++;
            }
            assertThat(more).as("every token a held came back").isBetween(held, held + 1);
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aTokenGivenBackByTheCall_goesToTheLeaseWithoutARoundTrip() throws Exception {
        RateLimit limit = perHour(1_000);
        PostgresSharedBuckets a = instance();
        try {
            for (int i = 0; i < 10; i++) {
                a.tryTake(key, limit);
            }
            int held = a.leasedTokens(key);
            double inDatabase = tokensInTheDatabase(limit);
            a.giveBack(key, limit);
            assertThat(a.leasedTokens(key)).isEqualTo(held + 1);
            assertThat(tokensInTheDatabase(limit)).isCloseTo(inDatabase, org.assertj.core.data.Offset.offset(0.01));
        } finally {
            a.close();
        }
    }

    @Test
    void closing_givesEveryLeasedTokenBack() throws Exception {
        RateLimit limit = perHour(1_000);
        PostgresSharedBuckets a = instance();
        for (int i = 0; i < 50; i++) {
            a.tryTake(key, limit);
        }
        assertThat(a.leasedTokens(key)).isPositive();
        a.close();
        assertThat(limit.burst() - tokensInTheDatabase(limit)).isCloseTo(50, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void manyCallersOnTwoInstancesAtOnce_togetherGetExactlyTheLimit_noTokenLostOrDoubled() throws Exception {
        RateLimit limit = perHour(500); // batches up to 50
        PostgresSharedBuckets a = instance();
        PostgresSharedBuckets b = instance();
        java.util.concurrent.atomic.AtomicInteger allowed = new java.util.concurrent.atomic.AtomicInteger();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 32; t++) {
                PostgresSharedBuckets mine = t % 2 == 0 ? a : b;
                done.add(threads.submit(() -> {
                    while (mine.tryTake(key, limit) == 0) {
                        allowed.incrementAndGet();
                    }
                }));
            }
            for (var f : done) {
                f.get(2, java.util.concurrent.TimeUnit.MINUTES);
            }
        }
        // a caller stops at its first refusal; what the instances still hold is handed out now
        while (a.tryTake(key, limit) == 0) {
            allowed.incrementAndGet();
        }
        while (b.tryTake(key, limit) == 0) {
            allowed.incrementAndGet();
        }
        try {
            assertThat(allowed.get()).isBetween(500, 502); // the burst, plus the refill of these seconds (0.14/s)
            assertThat(a.leasedTokens(key) + b.leasedTokens(key)).isZero();
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aRefusal_isRememberedBriefly_soRefusedCallersDoNotEachAskTheDatabase() throws Exception {
        RateLimit limit = perHour(1);
        PostgresSharedBuckets a = instance();
        try {
            assertThat(a.tryTake(key, limit)).isZero();
            assertThat(a.tryTake(key, limit)).isPositive();
            // another instance gave one back (on a connection of its own, committed: not the test's transaction)
            try (var c = io.micronaut.data.connection.jdbc.advice.DelegatingDataSource.unwrapDataSource(dataSource)
                    .getConnection(); var st = c.createStatement()) {
                st.executeUpdate("UPDATE rate_limit_buckets SET tokens = 1 WHERE bucket_key = '"
                        + dev.toolgate.gateway.core.Digests.sha256Hex(key) + "'");
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            }
            assertThat(a.tryTake(key, limit)).as("within 50 ms of the refusal: answered from memory").isPositive();
            nanos.addAndGet(TokenLeases.REFUSAL_MEMORY_NANOS);
            assertThat(a.tryTake(key, limit)).as("after it: the bucket is asked again").isZero();
        } finally {
            a.close();
        }
    }
}
