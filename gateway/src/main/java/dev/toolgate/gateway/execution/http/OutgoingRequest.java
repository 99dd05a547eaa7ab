package dev.toolgate.gateway.execution.http;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An HTTP/1.1 request to an upstream as the executor builds it: method, URI, headers in order, body.
 * Headers are checked as they are added, as the JDK client checks them: a name that is not an HTTP
 * token, a value with a control character, or a header the client sets itself ({@code Host},
 * {@code Connection}, {@code Content-Length}, {@code Expect}, {@code Upgrade}) is refused with an
 * {@link IllegalArgumentException}. Not thread-safe; {@link #copy()} for a retry.
 */
final class OutgoingRequest {
    private static final Set<String> RESTRICTED = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "te", "keep-alive", "proxy-connection", "trailer");

    record Header(String name, String value) {
    }

    private final String method;
    private final URI uri;
    private final List<Header> headers;
    private byte[] body = new byte[0];

    OutgoingRequest(String method, URI uri) {
        this(method, uri, new ArrayList<>());
    }

    private OutgoingRequest(String method, URI uri, List<Header> headers) {
        this.method = requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        this.uri = requireNonNull(uri, "uri");
        this.headers = headers;
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not an http(s) URI");
        }
        if (!isToken(this.method)) {
            throw new IllegalArgumentException("not an HTTP method");
        }
    }

    String method() {
        return method;
    }

    URI uri() {
        return uri;
    }

    List<Header> headers() {
        return headers;
    }

    byte[] body() {
        return body;
    }

    OutgoingRequest body(String text) {
        this.body = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** Adds a value (a second one of the same name is sent as its own line). */
    OutgoingRequest header(String name, String value) {
        check(name, value);
        headers.add(new Header(name, value));
        return this;
    }

    /** Replaces every value of {@code name}. */
    OutgoingRequest setHeader(String name, String value) {
        check(name, value);
        headers.removeIf(h -> h.name().equalsIgnoreCase(name));
        headers.add(new Header(name, value));
        return this;
    }

    OutgoingRequest copy() {
        OutgoingRequest c = new OutgoingRequest(method, uri, new ArrayList<>(headers));
        c.body = body;
        return c;
    }

    private static void check(String name, String value) {
        if (name == null || !isToken(name)) {
            throw new IllegalArgumentException("invalid header name");
        }
        if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("restricted header name");
        }
        if (value == null) {
            throw new IllegalArgumentException("null header value");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff || c < 0x20 && c != '\t' || c == 0x7f) {
                throw new IllegalArgumentException("invalid header value"); // never the value itself
            }
        }
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
