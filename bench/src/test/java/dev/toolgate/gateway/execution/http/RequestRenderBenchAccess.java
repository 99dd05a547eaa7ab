package dev.toolgate.gateway.execution.http;

import java.util.List;

/** Lets the smoke test run the package-private rendering benchmark. */
public final class RequestRenderBenchAccess {
    private RequestRenderBenchAccess() {
    }

    public static List<String> renderBoth() throws Exception {
        RequestRenderBench b = new RequestRenderBench();
        b.setUp();
        if (b.renderPost().body().isEmpty() || b.baselineJacksonWrite().isEmpty()) {
            throw new AssertionError("the POST must carry a body");
        }
        return List.of(b.renderGet().pathAndQuery(), b.renderPost().pathAndQuery());
    }
}
