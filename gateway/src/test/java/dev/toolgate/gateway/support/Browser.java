package dev.toolgate.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A person's browser, as far as OAuth needs one: a real HTTP client with its own cookie jar that
 * follows redirects itself and fills the sign-in and consent forms it is shown (every hidden field
 * as served, {@code login} = the user, any password), until a redirect leads to {@code stopAt} — the
 * client's redirect URI — which it does not load. Not thread-safe: one per person.
 */
public final class Browser {
    private static final Pattern FORM = Pattern.compile("<form[^>]*action=\"([^\"]+)\"[^>]*method=\"post\"",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile("<input[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    private final String user;

    public Browser(String user) {
        this.user = user;
    }

    /** Where the browser ended: the URL it was sent to at {@code stopAt}, or the last page it loaded. */
    public record Landing(URI url, int status, String body) {
        /** A query parameter of {@link #url()}. */
        public String param(String name) {
            String query = url.getRawQuery() == null ? "" : url.getRawQuery();
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
            throw new AssertionError("no '" + name + "' in " + url);
        }
    }

    /** Opens {@code start} and goes on through redirects and forms until {@code stopAt} (a URL prefix). */
    public Landing open(URI start, String stopAt) {
        HttpRequest request = HttpRequest.newBuilder(start).GET().build();
        for (int step = 0; step < 30; step++) {
            HttpResponse<String> response = send(request);
            int status = response.statusCode();
            if (status >= 300 && status < 400) {
                URI next = response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
                if (next.toString().startsWith(stopAt)) {
                    return new Landing(next, status, "");
                }
                request = HttpRequest.newBuilder(next).GET().build();
                continue;
            }
            Matcher form = FORM.matcher(response.body());
            if (status != 200 || !form.find()) {
                return new Landing(response.uri(), status, response.body());
            }
            URI action = response.uri().resolve(form.group(1).replace("&amp;", "&"));
            request = HttpRequest.newBuilder(action).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(encode(fields(response.body())))).build();
        }
        throw new AssertionError("more than 30 redirects and forms from " + start);
    }

    private Map<String, String> fields(String html) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher input = INPUT.matcher(html);
        while (input.find()) {
            Map<String, String> attributes = new LinkedHashMap<>();
            Matcher a = ATTRIBUTE.matcher(input.group());
            while (a.find()) {
                attributes.put(a.group(1).toLowerCase(), a.group(2));
            }
            String name = attributes.get("name");
            if (name == null) {
                continue;
            }
            switch (name) {
                case "login" -> fields.put(name, user);
                case "password" -> fields.put(name, "any password");
                default -> fields.put(name, attributes.getOrDefault("value", ""));
            }
        }
        return fields;
    }

    private static String encode(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
