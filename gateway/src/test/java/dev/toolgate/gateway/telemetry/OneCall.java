package dev.toolgate.gateway.telemetry;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import io.grpc.Channel;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.util.List;

/** For exporter tests: one successful call of a fresh tenant's tool, and the spans a receiver got. */
final class OneCall {
    private OneCall() {
    }

    static void run(Channel channel, String callId) throws IOException {
        try (TestUpstream upstream = TestUpstream.start()
                .route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"))) {
            TenantFixture fx = TenantFixture.create(channel, upstream.baseUrl());
            fx.createCaseTool("/cases", 5_000);
            fx.agent().executeTool(ExecuteToolRequest.newBuilder()
                    .setTool("desk.create_case").setCallId(callId)
                    .setArgumentsJson("{\"customer_id\":\"acme\",\"summary\":\"s\",\"priority\":\"low\"}").build());
        }
    }

    static List<Span> spans(List<ExportTraceServiceRequest> received) {
        return received.stream().flatMap(r -> r.getResourceSpansList().stream())
                .flatMap(rs -> rs.getScopeSpansList().stream()).flatMap(ss -> ss.getSpansList().stream()).toList();
    }
}
