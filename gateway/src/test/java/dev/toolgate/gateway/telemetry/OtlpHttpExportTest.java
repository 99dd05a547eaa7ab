package dev.toolgate.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.toolgate.gateway.support.Eventually;
import io.grpc.ManagedChannel;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The same export over OTLP HTTP/protobuf, to a receiver on 127.0.0.1 that decodes the request. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpHttpExportTest implements TestPropertyProvider {
    private final List<ExportTraceServiceRequest> received = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private HttpServer receiver;

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Override
    public Map<String, String> getProperties() {
        try {
            receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            receiver.createContext("/", exchange -> {
                paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                        + exchange.getRequestHeaders().getFirst("Content-Type"));
                received.add(ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes()));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            receiver.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("toolgate.telemetry.otlp-endpoint", "http://127.0.0.1:" + receiver.getAddress().getPort(),
                "toolgate.telemetry.otlp-protocol", "http/protobuf",
                "toolgate.telemetry.batch-delay", "100ms");
    }

    @AfterAll
    void stop() {
        receiver.stop(0);
    }

    @Test
    void spansOfACallArePostedAsProtobuf() throws IOException {
        OneCall.run(channel, "http-exported-1");

        Eventually.within(Duration.ofSeconds(10), () -> assertThat(OneCall.spans(received).stream()
                .map(s -> s.getName())).contains("execute_tool desk.create_case", "POST"));
        assertThat(paths).allSatisfy(p -> assertThat(p).isEqualTo("POST /v1/traces application/x-protobuf"));
    }
}
