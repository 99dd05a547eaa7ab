package dev.toolgate.gateway.execution.http;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a request carries to authenticate: headers, query pairs and cookies (already encoded),
 * an optional TLS client identity, the OAuth token it used (so a 401 can renew it once), and
 * the plaintext values injected (secrets, tokens), which an echo of the request must not carry
 * back ({@link #echoMask()}). Never printed: {@link #toString()} names no values.
 */
record Credentials(Map<String, String> headers, List<String> query, List<String> cookies,
        Optional<String> clientPem, Optional<OAuthTokens.Key> oauth, List<String> injected, Map<String, String> bound,
        Optional<String> connectedUser, String connectedSecret) {
    static final Credentials NONE = new Credentials(Map.of(), List.of(), List.of(), Optional.empty(), Optional.empty(),
            List.of());

    /**
     * @param bound         values of the secrets the tool's parameters are bound to at import, by
     *                      secret name; placed by {@link RequestRenderer} like arguments
     * @param connectedUser the end user whose own access token these are (a user connection), so a
     *                      401 renews that connection once
     * @param connectedSecret the user's token or key these carry (empty without a user connection): the
     *                      one a 401 rejected
     */
    Credentials {
        headers = Map.copyOf(requireNonNull(headers, "headers"));
        query = List.copyOf(requireNonNull(query, "query"));
        cookies = List.copyOf(requireNonNull(cookies, "cookies"));
        requireNonNull(clientPem, "clientPem");
        requireNonNull(oauth, "oauth");
        injected = List.copyOf(requireNonNull(injected, "injected"));
        bound = Map.copyOf(requireNonNull(bound, "bound"));
        requireNonNull(connectedUser, "connectedUser");
        requireNonNull(connectedSecret, "connectedSecret");
    }

    Credentials(Map<String, String> headers, List<String> query, List<String> cookies, Optional<String> clientPem,
            Optional<OAuthTokens.Key> oauth, List<String> injected) {
        this(headers, query, cookies, clientPem, oauth, injected, Map.of(), Optional.empty(), "");
    }

    Credentials(Map<String, String> headers, List<String> query, List<String> cookies, Optional<String> clientPem,
            Optional<OAuthTokens.Key> oauth, List<String> injected, Optional<String> connectedUser,
            String connectedSecret) {
        this(headers, query, cookies, clientPem, oauth, injected, Map.of(), connectedUser, connectedSecret);
    }

    /** These credentials plus the values of bound secrets, which echoes must not carry back either. */
    Credentials withBound(Map<String, String> values) {
        if (values.isEmpty()) {
            return this;
        }
        List<String> all = new java.util.ArrayList<>(injected);
        all.addAll(values.values());
        return new Credentials(headers, query, cookies, clientPem, oauth, all, values, connectedUser, connectedSecret);
    }

    /** Masks every injected value in what the upstream sends back. */
    dev.toolgate.gateway.secrets.EchoMask echoMask() {
        return dev.toolgate.gateway.secrets.EchoMask.cached(injected);
    }

    @Override
    public String toString() {
        return "Credentials[headers=" + headers.keySet() + ", query=" + query.size() + ", cookies=" + cookies.size()
                + ", clientCertificate=" + clientPem.isPresent() + ", oauth=" + oauth.isPresent() + ", user="
                + connectedUser.isPresent() + ", bound="
                + bound.keySet() + "]";
    }
}
