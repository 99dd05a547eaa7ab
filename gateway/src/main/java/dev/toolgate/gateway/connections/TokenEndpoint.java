package dev.toolgate.gateway.connections;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.JsonSupport;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Posts to an OAuth 2.0 token endpoint with the client's credentials ({@code client_secret_basic}).
 * Answers are parsed, never logged. Used for connected accounts and the console's OpenID sign-in.
 * Thread-safe.
 */
@Singleton
public class TokenEndpoint {
    /** Largest answer read. */
    private static final int MAX_BYTES = 64 * 1024;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** What the endpoint answered: its status and JSON body (an empty object when it sent none). */
    public record Answer(int status, JsonNode body) {
        public boolean ok() {
            return status == 200 && body.path("access_token").isTextual();
        }

        /** The OAuth error code, for messages (never a token). */
        public String error() {
            return body.path("error").asText("HTTP " + status);
        }
    }

    /**
     * @throws IOException when the endpoint cannot be reached
     */
    public Answer post(java.net.URI tokenUrl, String clientId, String clientSecret, Map<String, String> form,
            Duration timeout) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + ":" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(tokenUrl).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&")))).build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        byte[] bytes = response.body();
        JsonNode body;
        try {
            body = bytes.length == 0 || bytes.length > MAX_BYTES ? JsonSupport.mapper().createObjectNode()
                    : JsonSupport.mapper().readTree(bytes);
        } catch (IOException e) {
            body = JsonSupport.mapper().createObjectNode();
        }
        return new Answer(response.statusCode(), body.isObject() ? body : JsonSupport.mapper().createObjectNode());
    }
}
