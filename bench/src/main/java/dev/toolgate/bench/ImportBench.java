package dev.toolgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.ImportOpenApiResponse;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Times {@code ImportOpenApi} of one document end to end: a gateway in its own JVM with a capped
 * heap on PostgreSQL, the document sent over gRPC, first as a new integration (every tool
 * added), then again (every tool unchanged). The baseline in the same run is reading the same
 * text as JSON/YAML in this process: the least any import must do.
 */
@Command(name = "import-openapi", mixinStandardHelpOptions = true,
        description = "Time importing an OpenAPI document (.json, .yaml, optionally .gz) on a gateway with a capped heap.")
final class ImportBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @ParentCommand
    LoadHarness parent;

    @Parameters(paramLabel = "FILE", description = "the document")
    Path file;

    @Option(names = "--heap", defaultValue = "1g", description = "the gateway's -Xmx (default ${DEFAULT-VALUE})")
    String heap;

    @Option(names = "--repeat", defaultValue = "3", description = "imports after the first (default ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--idle", defaultValue = "PT30S", description = "wait after the imports before reading the"
            + " gateway's RSS again, as ISO-8601 (default ${DEFAULT-VALUE})")
    Duration idleAfter = Duration.ofSeconds(30);

    /** The harness's {@code --gateway-jvm-option}s (e.g. a flight recording), then the heap cap. */
    private List<String> jvmOptions() {
        List<String> options = new java.util.ArrayList<>(parent.gatewayJvmOptions);
        options.add("-Xmx" + heap);
        return options;
    }

    @Override
    public Integer call() throws Exception {
        String document = read(file);
        Path out = parent.outDir;
        Files.createDirectories(out);
        long b0 = System.nanoTime();
        new ObjectMapper(document.stripLeading().startsWith("{") ? new com.fasterxml.jackson.core.JsonFactory()
                : new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(document);
        double baselineMs = (System.nanoTime() - b0) / 1e6;
        String adminKey = "tg_" + LoadHarness.random();
        long launched = System.nanoTime();
        try (GatewayProcess gateway = GatewayProcess.start(parent.gatewayJar,
                LoadHarness.gatewayEnv(parent.dbUrl, parent.dbUser, adminKey), out.resolve("gateway-import.log"),
                jvmOptions())) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", gateway.grpcPort(),
                    InsecureChannelCredentials.create()).build();
            try {
                gateway.awaitServing(channel, launched, Duration.ofSeconds(60));
                Metadata headers = new Metadata();
                headers.put(AUTHORIZATION, "Bearer " + adminKey);
                AdminServiceGrpc.AdminServiceBlockingStub admin = AdminServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
                String tenant = "imp-" + UUID.randomUUID().toString().substring(0, 8);
                admin.withDeadlineAfter(30, TimeUnit.SECONDS).createTenant(CreateTenantRequest.newBuilder()
                        .setId(tenant).build());
                ObjectNode result = JSON.createObjectNode();
                result.put("date", Instant.now().toString());
                result.put("cores", Runtime.getRuntime().availableProcessors());
                result.put("document", file.getFileName().toString());
                result.put("document_chars", document.length());
                result.put("gateway_heap", heap);
                result.put("baseline_read_ms", Math.round(baselineMs));
                ArrayNode runs = result.putArray("imports");
                for (int i = 0; i <= repeat; i++) {
                    long t0 = System.nanoTime();
                    ImportOpenApiResponse r = admin.withDeadlineAfter(5, TimeUnit.MINUTES).importOpenApi(
                            ImportOpenApiRequest.newBuilder().setTenant(tenant).setIntegration("bench")
                                    .setDocument(document)
                                    .setOptions(OpenApiImportOptions.newBuilder().setBaseUrl("https://api.invalid"))
                                    .build());
                    double ms = (System.nanoTime() - t0) / 1e6;
                    ObjectNode run = runs.addObject();
                    run.put("rss_after_mb", Math.round(gateway.rss()[0] / 1_048_576.0));
                    run.put("import", i == 0 ? "first" : "again");
                    run.put("ms", Math.round(ms));
                    run.put("ratio_to_baseline", Math.round(ms / Math.max(1, baselineMs) * 10) / 10.0);
                    run.put("added", r.getAddedCount());
                    run.put("changed", r.getChangedCount());
                    run.put("unchanged", r.getUnchangedCount());
                    run.put("skipped", r.getWarningsList().stream().filter(w -> w.getSkipped()).count());
                }
                result.put("gateway_rss_peak_mb", Math.round(gateway.rss()[1] / 1_048_576.0));
                Thread.sleep(idleAfter.toMillis()); // what the gateway gives back once imports stop
                result.put("gateway_rss_idle_mb", Math.round(gateway.rss()[0] / 1_048_576.0));
                result.put("idle_seconds", idleAfter.toSeconds());
                Files.writeString(out.resolve("import.json"), JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(result));
                String md = markdown(result);
                Files.writeString(out.resolve("import.md"), md);
                System.out.println(md);
                return 0;
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static String markdown(ObjectNode r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Import of `").append(r.path("document").asText()).append("` (").append(r.path("document_chars").asLong())
                .append(" chars), gateway -Xmx").append(r.path("gateway_heap").asText()).append(", ")
                .append(r.path("cores").asInt()).append(" cores, ").append(r.path("date").asText()).append("\n\n");
        sb.append("Baseline (parse the text in-process): ").append(r.path("baseline_read_ms").asLong()).append(" ms\n\n");
        sb.append("| import | ms | × baseline | added | changed | unchanged | skipped |\n|---|---|---|---|---|---|---|\n");
        for (var run : r.path("imports")) {
            sb.append("| ").append(run.path("import").asText()).append(" | ").append(run.path("ms").asLong())
                    .append(" | ").append(run.path("ratio_to_baseline").asDouble()).append(" | ")
                    .append(run.path("added").asInt()).append(" | ").append(run.path("changed").asInt()).append(" | ")
                    .append(run.path("unchanged").asInt()).append(" | ").append(run.path("skipped").asInt()).append(" |\n");
        }
        sb.append("\nGateway peak RSS: ").append(r.path("gateway_rss_peak_mb").asLong()).append(" MB; ")
                .append(r.path("idle_seconds").asLong()).append(" s after the last import: ")
                .append(r.path("gateway_rss_idle_mb").asLong()).append(" MB\n");
        return sb.toString();
    }

    private static String read(Path file) throws java.io.IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (file.toString().endsWith(".gz")) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
