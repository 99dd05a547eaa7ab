package dev.toolgate.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.Ports;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.KeyValue;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The gateway's configured exporter sends its spans to a real OTLP/gRPC receiver started here. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpExportTest implements TestPropertyProvider {
    private final List<ExportTraceServiceRequest> received = new CopyOnWriteArrayList<>();
    private Server receiver;

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Override
    public Map<String, String> getProperties() {
        int port = Ports.free();
        try {
            receiver = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                    .addService(new TraceServiceGrpc.TraceServiceImplBase() {
                        @Override
                        public void export(ExportTraceServiceRequest request,
                                StreamObserver<ExportTraceServiceResponse> response) {
                            received.add(request);
                            response.onNext(ExportTraceServiceResponse.getDefaultInstance());
                            response.onCompleted();
                        }
                    }).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("toolgate.telemetry.otlp-endpoint", "http://127.0.0.1:" + port,
                "toolgate.telemetry.otlp-protocol", "grpc",
                "toolgate.telemetry.batch-delay", "100ms");
    }

    @AfterAll
    void stop() {
        receiver.shutdownNow();
    }

    @Test
    void spansOfACallReachTheOtlpReceiver() throws IOException {
        OneCall.run(channel, "exported-1");

        Eventually.within(Duration.ofSeconds(10), () -> assertThat(OneCall.spans(received)).anySatisfy(s -> {
            assertThat(s.getName()).isEqualTo("execute_tool desk.create_case");
            assertThat(s.getAttributesList()).contains(KeyValue.newBuilder().setKey("gen_ai.tool.call.id")
                    .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("exported-1"))
                    .build());
        }));
        assertThat(received.get(0).getResourceSpans(0).getResource().getAttributesList()).anySatisfy(kv -> {
            assertThat(kv.getKey()).isEqualTo("service.name");
            assertThat(kv.getValue().getStringValue()).isEqualTo("toolgate");
        });
    }
}
