package dev.toolgate.gateway.console;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.net.URI;

/**
 * The headers every console response carries: a strict Content-Security-Policy (scripts, styles
 * and requests only from the gateway itself, no inline script, no framing, forms post only back
 * here), no caching, no referrer to other sites (same-origin: a form post keeps its Origin, which the CSRF check reads), no MIME sniffing. Stateless.
 */
final class ConsoleResponses {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private ConsoleResponses() {
    }

    static <T> MutableHttpResponse<T> secured(MutableHttpResponse<T> r) {
        return r.header("Content-Security-Policy", CSP).header("X-Frame-Options", "DENY")
                .header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "same-origin")
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    static MutableHttpResponse<String> html(HttpStatus status, String html) {
        return secured(HttpResponse.<String>status(status).body(html).contentType(MediaType.of("text/html;charset=utf-8")));
    }

    static MutableHttpResponse<String> json(String json) {
        return secured(HttpResponse.ok(json).contentType(MediaType.APPLICATION_JSON_TYPE));
    }

    static MutableHttpResponse<String> redirect(String path) {
        return secured(HttpResponse.<String>seeOther(URI.create(path)));
    }

    /** True when a state-changing request comes from another site's page (its Origin is not this host). */
    static boolean crossSite(HttpRequest<?> request) {
        String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
        if (origin == null) { // not a browser, or a same-origin GET-like navigation
            return false;
        }
        String host = request.getHeaders().get(HttpHeaders.HOST);
        if (host == null) {
            return true;
        }
        return !(origin.equals("http://" + host) || origin.equals("https://" + host));
    }
}
