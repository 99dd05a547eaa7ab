package dev.toolgate.gateway.execution.http;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.SecurityRequirements;
import dev.toolgate.gateway.catalog.SecurityScheme;
import dev.toolgate.gateway.catalog.SecuritySchemes;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.connections.ConnectedAccounts;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.secrets.SecretStore;
import dev.toolgate.gateway.secrets.SecretUnreadableException;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a tool's security requirements into {@link Credentials} from the tenant's secrets.
 * The first alternative whose secrets all exist wins; when none does, the error names the
 * secrets to add. Secret values never appear in errors. Thread-safe.
 */
@Singleton
class UpstreamCredentials {
    private final SecretStore secrets;
    private final OAuthTokens tokens;
    private final ConnectedAccounts accounts;

    UpstreamCredentials(SecretStore secrets, OAuthTokens tokens, ConnectedAccounts accounts) {
        this.accounts = requireNonNull(accounts, "accounts");
        this.secrets = requireNonNull(secrets, "secrets");
        this.tokens = requireNonNull(tokens, "tokens");
    }

    /**
     * @param userId the end user the call is made for (empty: none); an integration that acts with each
     *               user's own account sends that user's access token, never another user's
     */
    Credentials resolve(ToolDefinition tool, Duration timeout, String userId) {
        IntegrationEntity integration = tool.integration();
        SecurityRequirements security = tool.httpBinding().security();
        if (security.fromIntegration()) {
            HttpAuth auth = integration.auth();
            if (auth.kind() == HttpAuth.Kind.NONE) {
                return Credentials.NONE;
            }
            if (auth.kind() == HttpAuth.Kind.USER_CONNECTION) {
                return connected(accounts.accessToken(tool.tenantId(), integration.name(), userId, timeout), userId);
            }
            String token = reveal(tool.tenantId(), auth.secret()).orElseThrow(() -> missing(tool,
                    List.of("'" + auth.secret() + "'")));
            return new Credentials(Map.of("Authorization", "Bearer " + headerSafe(token, auth.secret())), List.of(),
                    List.of(), Optional.empty(), Optional.empty(), List.of(token));
        }
        SecuritySchemes schemes = integration.schemes();
        List<String> wanted = new ArrayList<>();
        for (List<String> alternative : security.alternatives()) {
            Map<SecurityScheme, String> values = new LinkedHashMap<>();
            List<String> lacking = new ArrayList<>();
            for (String name : alternative) {
                SecurityScheme scheme = schemes.find(name).orElse(SecurityScheme.unsupported(name,
                        "security scheme '" + name + "' is not defined by the integration's document"));
                if (scheme.type() == SecurityScheme.Type.UNSUPPORTED) {
                    lacking.add("scheme '" + name + "' (" + scheme.note() + ")");
                    continue;
                }
                Optional<String> value = reveal(tool.tenantId(), scheme.secret());
                if (value.isPresent()) {
                    values.put(scheme, value.get());
                } else {
                    lacking.add("'" + scheme.secret() + "'");
                }
            }
            if (lacking.isEmpty()) {
                return apply(tool, values, timeout);
            }
            wanted.add(String.join(" and ", lacking));
        }
        throw missing(tool, wanted);
    }

    /**
     * The user's renewed token after the upstream rejected {@code rejected}; empty when the connection
     * cannot be renewed (revoked: the next call asks the user to connect again).
     */
    Optional<Credentials> renewConnection(ToolDefinition tool, String userId, String rejected, Duration timeout) {
        try {
            return Optional.of(connected(accounts.renewAfterRejection(tool.tenantId(), tool.integration().name(),
                    userId, rejected, timeout), userId));
        } catch (GatewayException e) {
            return Optional.empty();
        }
    }

    private static Credentials connected(String token, String userId) {
        return new Credentials(Map.of("Authorization", "Bearer " + headerSafe(token, "(the user's access token)")),
                List.of(), List.of(), Optional.empty(), Optional.empty(), List.of(token), Optional.of(userId));
    }

    private Credentials apply(ToolDefinition tool, Map<SecurityScheme, String> values, Duration timeout) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> query = new ArrayList<>();
        List<String> cookies = new ArrayList<>();
        Optional<String> pem = Optional.empty();
        Optional<OAuthTokens.Key> oauth = Optional.empty();
        List<String> injected = new ArrayList<>();
        for (Map.Entry<SecurityScheme, String> e : values.entrySet()) {
            SecurityScheme scheme = e.getKey();
            String value = e.getValue();
            if (scheme.type() != SecurityScheme.Type.MUTUAL_TLS) { // a TLS identity never travels as text
                injected.add(value);
            }
            switch (scheme.type()) {
                case BEARER -> headers.put("Authorization", "Bearer " + headerSafe(value, scheme.secret()));
                case BASIC -> {
                    if (value.indexOf(':') < 0) {
                        throw GatewayException.failedPrecondition("SECRET_UNUSABLE", "secret '" + scheme.secret()
                                + "' of basic auth scheme '" + scheme.name() + "' must be username:password");
                    }
                    headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            value.getBytes(StandardCharsets.UTF_8)));
                }
                case API_KEY -> {
                    switch (scheme.in()) {
                        case HEADER -> headers.put(scheme.paramName(), headerSafe(value, scheme.secret()));
                        case QUERY -> query.add(PercentEncoding.encode(scheme.paramName()) + "="
                                + PercentEncoding.encode(value));
                        case COOKIE -> cookies.add(PercentEncoding.encode(scheme.paramName()) + "="
                                + PercentEncoding.encode(value));
                        case NONE -> throw new IllegalStateException("API key scheme without a location");
                    }
                }
                case OAUTH2_CLIENT_CREDENTIALS -> {
                    OAuthTokens.Key key = OAuthTokens.Key.of(tool.tenantId(), tool.integration().name(), scheme, value);
                    String token = tokens.token(key, value, timeout);
                    headers.put("Authorization", "Bearer " + headerSafe(token, scheme.secret()));
                    injected.add(token);
                    oauth = Optional.of(key);
                }
                case MUTUAL_TLS -> pem = Optional.of(value);
                case UNSUPPORTED -> throw new IllegalStateException("unsupported schemes are filtered before");
            }
        }
        return new Credentials(headers, query, cookies, pem, oauth, injected);
    }

    private Optional<String> reveal(String tenant, String secret) {
        try {
            return secrets.reveal(tenant, secret);
        } catch (SecretUnreadableException e) {
            throw GatewayException.failedPrecondition("SECRET_UNREADABLE", e.getMessage());
        }
    }

    /** Never let the HTTP client reject a credential: its message would carry the value. */
    private static String headerSafe(String value, String secret) {
        if (!RequestRenderer.isHeaderValue(value)) {
            throw GatewayException.failedPrecondition("SECRET_UNUSABLE", "secret '" + secret
                    + "' cannot be sent in an HTTP header; store it again as visible ASCII");
        }
        return value;
    }

    private static GatewayException missing(ToolDefinition tool, List<String> wanted) {
        String what = wanted.size() == 1 ? "secret " + wanted.get(0) : "one of: " + String.join("; or ", wanted);
        return GatewayException.failedPrecondition("SECRET_NOT_FOUND", "tool '" + tool.qualifiedName()
                + "' authenticates to integration '" + tool.integration().name() + "' with " + what
                + ", which is missing; an admin must store it with PutSecret");
    }
}
