package dev.toolgate.gateway.execution.http;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a request carries to authenticate: headers, query pairs and cookies (already encoded),
 * an optional TLS client identity, and the OAuth token it used (so a 401 can renew it once).
 * Never printed: {@link #toString()} names no values.
 */
record Credentials(Map<String, String> headers, List<String> query, List<String> cookies,
        Optional<String> clientPem, Optional<OAuthTokens.Key> oauth) {
    static final Credentials NONE = new Credentials(Map.of(), List.of(), List.of(), Optional.empty(), Optional.empty());

    Credentials {
        headers = Map.copyOf(requireNonNull(headers, "headers"));
        query = List.copyOf(requireNonNull(query, "query"));
        cookies = List.copyOf(requireNonNull(cookies, "cookies"));
        requireNonNull(clientPem, "clientPem");
        requireNonNull(oauth, "oauth");
    }

    @Override
    public String toString() {
        return "Credentials[headers=" + headers.keySet() + ", query=" + query.size() + ", cookies=" + cookies.size()
                + ", clientCertificate=" + clientPem.isPresent() + ", oauth=" + oauth.isPresent() + "]";
    }
}
