package dev.toolgate.bench;

import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallStore;
import dev.toolgate.observability.jdbc.JdbcCallStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * What the audit writer's batches cost PostgreSQL: the same read-only call records written as the
 * gateway writes them, in batches with COPY and in batches of multi-row inserts (the baseline,
 * what every batch was before), alternated in one run, into a fresh schema migrated by the
 * gateway's own migrations (the real {@code tool_calls} and its indexes). Reports the CPU of every
 * PostgreSQL process on this machine (backends, WAL writer…, as the h2load harness does; a remote
 * server reads as 0 and its ratio as n/a) and of the writing thread, per row.
 */
@Command(name = "audit-writes", mixinStandardHelpOptions = true,
        description = "Compare the audit writer's batches to PostgreSQL: COPY against multi-row inserts, CPU per row"
                + " (PostgreSQL's processes are read on this machine: give --db-url a local server).")
final class AuditWriteBench implements Callable<Integer> {
    /** Row ids as the gateway's audit writer makes them: version 7, in time order. */
    private static final com.fasterxml.uuid.impl.TimeBasedEpochGenerator ROW_IDS =
            com.fasterxml.uuid.Generators.timeBasedEpochGenerator();

    @ParentCommand
    LoadHarness parent;

    @Option(names = "--rows", defaultValue = "80",
            description = "rows per batch: what one 10 ms window collects at 8,000 calls/s (default ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--batches", defaultValue = "500", description = "batches per measured run (default ${DEFAULT-VALUE})")
    int batches;

    @Option(names = "--rounds", defaultValue = "3", description = "alternated pairs of runs (default ${DEFAULT-VALUE})")
    int rounds;

    /** One measured run: CPU per row of PostgreSQL and of the writing thread. */
    record Run(String way, int round, double postgresMicrosPerRow, double writerMicrosPerRow) {
    }

    @Override
    public Integer call() throws Exception {
        if (rows < JdbcCallStore.COPY_MIN_ROWS || batches < 1 || rounds < 1) {
            throw new IllegalArgumentException("--rows must be at least " + JdbcCallStore.COPY_MIN_ROWS
                    + " (smaller batches are never copied), --batches and --rounds at least 1");
        }
        String schema = "audit_bench_" + UUID.randomUUID().toString().substring(0, 8);
        PGSimpleDataSource admin = dataSource("");
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        try {
            Flyway.configure().dataSource(dataSource(schema)).schemas(schema).locations("classpath:db/migration").load()
                    .migrate();
            com.zaxxer.hikari.HikariConfig pool = new com.zaxxer.hikari.HikariConfig();
            pool.setDataSource(dataSource(schema)); // one pooled connection, as the gateway's writer has
            pool.setMaximumPoolSize(1);
            try (com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource(pool)) {
                return run(ds);
            }
        } finally {
            try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private int run(javax.sql.DataSource ds) throws java.io.IOException {
        JdbcCallStore copying = new JdbcCallStore(ds, 65_536);
        JdbcCallStore inserting = copying.inserting();
        write(copying, 50, "warm-copy"); // the JIT and the server's caches, for both ways
        write(inserting, 50, "warm-insert");
        List<Run> runs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            runs.add(measure("copy", round, copying));
            runs.add(measure("inserts", round, inserting));
        }
        String report = report(runs);
        System.out.print(report);
        Files.createDirectories(parent.outDir);
        Files.writeString(parent.outDir.resolve("audit-writes.md"), report);
        return 0;
    }

    private PGSimpleDataSource dataSource(String schema) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(parent.dbUrl);
        ds.setUser(parent.dbUser);
        String password = System.getenv("TOOLGATE_DB_PASSWORD");
        if (password != null && !password.isEmpty()) {
            ds.setPassword(password);
        }
        if (!schema.isEmpty()) {
            ds.setCurrentSchema(schema);
        }
        return ds;
    }

    private Run measure(String way, int round, JdbcCallStore store) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CpuMeter postgres = CpuMeter.postgres();
        CpuMeter.Sample before = postgres.sample();
        long writer = threads.getCurrentThreadCpuTime();
        long copiedBefore = store.copiedRows();
        write(store, batches, way + "-" + round);
        long copied = store.copiedRows() - copiedBefore;
        if (copied != (way.equals("copy") ? (long) rows * batches : 0)) {
            throw new IllegalStateException(way + " wrote " + copied + " of " + (long) rows * batches + " rows with COPY");
        }
        double pg = postgres.since(before).toNanos() / 1e3 / ((long) rows * batches);
        double own = (threads.getCurrentThreadCpuTime() - writer) / 1e3 / ((long) rows * batches);
        System.err.printf("%s round %d: PostgreSQL %.1f µs/row, writer %.1f µs/row%n", way, round, pg, own);
        return new Run(way, round, pg, own);
    }

    /** {@code count} batches of {@link #rows} finished read-only calls, as the gateway records them. */
    private void write(JdbcCallStore store, int count, String tag) {
        Instant now = Instant.now();
        for (int b = 0; b < count; b++) {
            List<CallStore.Insert> batch = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                String callId = "call_" + tag + "_" + b + "_" + i;
                CallRecord record = CallRecord.builder().tenantId("bench").callId(callId).agentId("bench-agent")
                        .keyId("key_0123456789abcdef01234567").sessionId("").toolName("desk.lookup").toolVersion(1)
                        .arguments("{\"ticket_id\":\"T-1042\"}").startedAt(now)
                        .policy(new CallRecord.PolicyMark("allow", "read-only-tools", "sha256:3f9a0c"))
                        .argumentsDigest("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08").build()
                        .finish(CallRecord.Outcome.upstream(200,
                                "{\"id\":\"T-1042\",\"subject\":\"Printer jam\",\"status\":\"open\",\"priority\":2}"),
                                now.plus(Duration.ofMillis(1)));
                batch.add(new CallStore.Insert(ROW_IDS.generate().toString(), record));
            }
            store.writeAll(batch, List.of(), List.of(), List.of());
        }
    }

    private String report(List<Run> runs) {
        StringBuilder md = new StringBuilder();
        md.append(String.format("audit-writes %s: %d rounds of %d batches of %d rows each way, alternated%n%n",
                Instant.now(), rounds, batches, rows));
        md.append("| round | PostgreSQL µs/row: COPY | inserts | COPY / inserts | writer µs/row: COPY | inserts |\n");
        md.append("|---:|---:|---:|---:|---:|---:|\n");
        for (int r = 0; r < rounds; r++) {
            Run copy = runs.get(2 * r);
            Run inserts = runs.get(2 * r + 1);
            String ratio = inserts.postgresMicrosPerRow() > 0
                    ? String.format("%.2f", copy.postgresMicrosPerRow() / inserts.postgresMicrosPerRow()) : "n/a";
            md.append(String.format("| %d | %.1f | %.1f | %s | %.1f | %.1f |%n", r + 1, copy.postgresMicrosPerRow(),
                    inserts.postgresMicrosPerRow(), ratio, copy.writerMicrosPerRow(), inserts.writerMicrosPerRow()));
        }
        return md.toString();
    }
}
