package dev.toolgate.gateway.telemetry;

import static java.util.Objects.requireNonNull;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** {@code GET /metrics} on the HTTP port: the gateway's metrics in the Prometheus text format. */
@Controller("/metrics")
public class MetricsController {
    private final GatewayMetrics metrics;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public MetricsController(GatewayMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics");
    }

    @Get(produces = PrometheusTextFormatWriter.CONTENT_TYPE)
    public HttpResponse<byte[]> scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        writer.write(out, metrics.registry().scrape());
        return HttpResponse.ok(out.toByteArray()).contentType(PrometheusTextFormatWriter.CONTENT_TYPE);
    }
}
