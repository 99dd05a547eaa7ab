package dev.toolgate.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.Ports;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.ExecuteToolRequest;
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
import io.opentelemetry.proto.trace.v1.Span;
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
        try (TestUpstream upstream = TestUpstream.start()
                .route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"))) {
            TenantFixture fx = TenantFixture.create(channel, upstream.baseUrl());
            fx.createCaseTool("/cases", 5_000);

            Clients.tools(channel, fx.agentKey).executeTool(ExecuteToolRequest.newBuilder()
                    .setTool("desk.create_case").setCallId("exported-1")
                    .setArgumentsJson("{\"customer_id\":\"acme\",\"summary\":\"s\",\"priority\":\"low\"}").build());

            Eventually.within(Duration.ofSeconds(10), () -> assertThat(spans()).anySatisfy(s -> {
                assertThat(s.getName()).isEqualTo("execute_tool desk.create_case");
                assertThat(s.getAttributesList()).contains(KeyValue.newBuilder().setKey("gen_ai.tool.call.id")
                        .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("exported-1"))
                        .build());
            }));
            assertThat(received.get(0).getResourceSpans(0).getResource().getAttributesList())
                    .anySatisfy(kv -> {
                        assertThat(kv.getKey()).isEqualTo("service.name");
                        assertThat(kv.getValue().getStringValue()).isEqualTo("toolgate");
                    });
        }
    }

    private List<Span> spans() {
        return received.stream().flatMap(r -> r.getResourceSpansList().stream())
                .flatMap(rs -> rs.getScopeSpansList().stream()).flatMap(ss -> ss.getSpansList().stream()).toList();
    }
}
