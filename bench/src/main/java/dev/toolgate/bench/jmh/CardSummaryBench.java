package dev.toolgate.bench.jmh;

import dev.toolgate.observability.Redactor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The redaction behind a call card's one-line result summary, on the call path of every call: the
 * head of the redacted result it is made from ({@link Redactor#redactHead}, 2,049 chars, what the card
 * reads since the summary stopped redacting whole results) against the whole result redacted (what it
 * read before; also what the audit writer does off the call path), measured in the same run. Results
 * of 28 bytes (the h2load harness's upstream answer), 4 KB and 256 KB: a JSON object with a secret
 * key and an array of rows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CardSummaryBench {
    /** What {@code ToolCards} redacts for a summary: its 2,048-char head and one char to tell a cut. */
    private static final int SUMMARY_SOURCE_CHARS = 2_049;

    @Param({"28", "4096", "262144"})
    public int resultBytes;

    private final Redactor redactor = Redactor.defaults();
    private String result;

    @Setup
    public void setUp() {
        if (resultBytes <= 28) {
            result = "{\"ok\":true,\"source\":\"echo\"}";
            return;
        }
        StringBuilder json = new StringBuilder("{\"access_token\":\"tok_9\",\"rows\":[");
        for (int i = 0; json.length() < resultBytes - 64; i++) {
            json.append(i > 0 ? "," : "").append("{\"id\":").append(i).append(",\"name\":\"row ").append(i)
                    .append("\",\"note\":\"shipped 2026-12-07, tracking 1Z").append(i).append("\"}");
        }
        result = json.append("]}").toString();
    }

    /** Baseline: the whole result redacted, as the summary did before. */
    @Benchmark
    public String wholeResult() {
        return redactor.redact("shop.list_orders", result);
    }

    @Benchmark
    public String summaryHead() {
        return redactor.redactHead("shop.list_orders", result, SUMMARY_SOURCE_CHARS);
    }
}
