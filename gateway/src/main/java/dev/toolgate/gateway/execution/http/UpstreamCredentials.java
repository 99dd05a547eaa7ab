package dev.toolgate.gateway.execution.http;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.BoundValue;
import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.ParamBinding;
import dev.toolgate.gateway.catalog.SecurityRequirements;
import dev.toolgate.gateway.catalog.SecurityScheme;
import dev.toolgate.gateway.catalog.SecuritySchemes;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.connections.ConnectedAccounts;
import dev.toolgate.gateway.connections.TokenExchanges;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.secrets.SecretStore;
import dev.toolgate.gateway.secrets.SecretUnreadableException;
import dev.toolgate.gateway.upstream.CredentialScope;
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
 * Turns a tool's security requirements into {@link Credentials} from the secrets of the call's
 * {@link CredentialScope}: a skill's attached secrets only, or — for a key without skills — the
 * tenant's secrets by the names the integration gives.
 * The first non-empty alternative whose secrets all exist wins; an empty one (OpenAPI's
 * {@code {}}, "optional") applies only when none does; otherwise the error names the secrets to
 * add. An integration whose auth is a user connection sends the end user's own access token; one
 * whose auth is token exchange sends the token exchanged for the end user's token. A user's connection
 * is the one made under the scope's skill (a connection made under another skill is never sent).
 * Secret values never appear in errors. Thread-safe.
 */
@Singleton
class UpstreamCredentials {
    private final SecretStore secrets;
    private final OAuthTokens tokens;
    private final ConnectedAccounts accounts;
    private final TokenExchanges exchanges;

    UpstreamCredentials(SecretStore secrets, OAuthTokens tokens, ConnectedAccounts accounts,
            TokenExchanges exchanges) {
        this.exchanges = requireNonNull(exchanges, "exchanges");
        this.accounts = requireNonNull(accounts, "accounts");
        this.secrets = requireNonNull(secrets, "secrets");
        this.tokens = requireNonNull(tokens, "tokens");
    }

    /**
     * The credentials of the tool's security requirements plus the secrets its parameters are
     * bound to, all from {@code scope}.
     *
     * @param userId the end user the call is made for (empty: none); an integration that acts with each
     *               user's own account sends that user's access token, never another user's
     */
    Credentials resolve(ToolDefinition tool, CredentialScope scope, Duration timeout, String userId) {
        Credentials credentials = resolveSecurity(tool, scope, timeout, userId);
        if (!tool.httpBinding().hasBoundParams()) {
            return credentials;
        }
        Map<String, String> bound = new LinkedHashMap<>();
        for (ParamBinding p : tool.httpBinding().params()) {
            if (p.bound().source() == BoundValue.Source.SECRET && !bound.containsKey(p.bound().value())) {
                String secret = p.bound().value();
                bound.put(secret, reveal(tool, scope, secret).orElseThrow(() -> GatewayException.failedPrecondition(
                        "SECRET_NOT_FOUND", "tool '" + tool.qualifiedName() + "' sends secret '" + secret
                                + "' as its parameter '" + p.name() + "', which is missing; an admin must store it"
                                + " with PutSecret")));
            }
        }
        return credentials.withBound(bound);
    }

    private Credentials resolveSecurity(ToolDefinition tool, CredentialScope scope, Duration timeout,
            String userId) {
        IntegrationEntity integration = tool.integration();
        SecurityRequirements security = tool.httpBinding().security();
        if (security.fromIntegration()) {
            HttpAuth auth = integration.auth();
            if (auth.kind() == HttpAuth.Kind.NONE) {
                return Credentials.NONE;
            }
            if (auth.kind() == HttpAuth.Kind.USER_CONNECTION) {
                return connected(accounts.credential(tool.tenantId(), integration.name(), userId, scope.skill(),
                        timeout), userId);
            }
            if (auth.kind() == HttpAuth.Kind.TOKEN_EXCHANGE) { // exchanged at admission, for this user only
                return connected(exchanges.token(tool.tenantId(), integration.name(), userId), userId);
            }
            String token = reveal(tool, scope, auth.secret()).orElseThrow(() -> missing(tool, scope,
                    List.of(slot(tool, scope, auth.secret()))));
            return new Credentials(Map.of("Authorization", "Bearer " + headerSafe(token, auth.secret())), List.of(),
                    List.of(), Optional.empty(), Optional.empty(), List.of(token));
        }
        SecuritySchemes schemes = integration.schemes();
        List<String> wanted = new ArrayList<>();
        boolean onlyUnusable = true;
        boolean optional = false;
        for (List<String> alternative : security.alternatives()) {
            if (alternative.isEmpty()) { // "{}": no credential needed, but send one when its secret exists
                optional = true;
                continue;
            }
            boolean unusable = false;
            Map<SecurityScheme, String> values = new LinkedHashMap<>();
            List<String> lacking = new ArrayList<>();
            for (String name : alternative) {
                SecurityScheme scheme = schemes.find(name).orElse(SecurityScheme.unsupported(name,
                        "security scheme '" + name + "' is not defined by the integration's document"));
                if (scheme.type() == SecurityScheme.Type.UNSUPPORTED) {
                    lacking.add("scheme '" + name + "' (" + scheme.note() + ")");
                    unusable = true;
                    continue;
                }
                if (scheme.type() == SecurityScheme.Type.USER_CONNECTION) {
                    values.put(scheme, ""); // the user's own token, taken when applied
                    continue;
                }
                Optional<String> value = reveal(tool, scope, scheme.secret());
                if (value.isPresent()) {
                    values.put(scheme, value.get());
                } else {
                    lacking.add(slot(tool, scope, scheme.secret()));
                }
            }
            if (lacking.isEmpty()) {
                return apply(tool, scope, values, timeout, userId);
            }
            wanted.add(String.join(" and ", lacking));
            onlyUnusable &= unusable;
        }
        if (optional) {
            return Credentials.NONE;
        }
        if (onlyUnusable && !wanted.isEmpty()) { // no secret would help: the document's scheme cannot be sent
            throw GatewayException.failedPrecondition("SECURITY_SCHEME_UNUSABLE", "tool '" + tool.qualifiedName()
                    + "' authenticates to integration '" + tool.integration().name() + "' with "
                    + (wanted.size() == 1 ? wanted.get(0) : "one of: " + String.join("; or ", wanted))
                    + ", which cannot be used; change the document's security scheme and import it again");
        }
        throw missing(tool, scope, wanted);
    }

    /**
     * The user's renewed token after the upstream rejected {@code rejected}; empty when it cannot be
     * renewed now (the authorization server is unreachable: the upstream's 401 stands).
     *
     * @throws GatewayException FAILED_PRECONDITION {@code CONNECTION_REQUIRED} (with a new connect link)
     *         when the authorization server refused the refresh: the connection was revoked or expired and
     *         is gone, the user must connect again
     */
    Optional<Credentials> renewConnection(ToolDefinition tool, CredentialScope scope, String userId, String rejected,
            Duration timeout) {
        if (tool.integration().auth().kind() == HttpAuth.Kind.TOKEN_EXCHANGE) {
            // the user's own token is not at hand to exchange again: the next call does
            exchanges.forget(tool.tenantId(), tool.integration().name(), userId, rejected);
            return Optional.empty();
        }
        try {
            return Optional.of(connected(accounts.renewedCredential(tool.tenantId(), tool.integration().name(),
                    userId, scope.skill(), rejected, timeout), userId));
        } catch (GatewayException e) {
            if (ConnectedAccounts.CONNECTION_REQUIRED.equals(e.reason())) {
                throw e;
            }
            return Optional.empty();
        }
    }

    private static Credentials connected(String token, String userId) { // a token exchanged for the user's
        return connected(new ConnectedAccounts.UserCredential("Authorization", "Bearer " + token, token), userId);
    }

    private static Credentials connected(ConnectedAccounts.UserCredential credential, String userId) {
        headerSafe(credential.value(), "(the user's access token)");
        return new Credentials(Map.of(credential.header(), credential.value()), List.of(), List.of(),
                Optional.empty(), Optional.empty(), List.of(credential.secret()), Optional.of(userId),
                credential.secret());
    }

    private Credentials apply(ToolDefinition tool, CredentialScope scope, Map<SecurityScheme, String> values,
            Duration timeout, String userId) {
        Optional<String> connectedUser = Optional.empty();
        String connectedSecret = "";
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> query = new ArrayList<>();
        List<String> cookies = new ArrayList<>();
        Optional<String> pem = Optional.empty();
        Optional<OAuthTokens.Key> oauth = Optional.empty();
        List<String> injected = new ArrayList<>();
        for (Map.Entry<SecurityScheme, String> e : values.entrySet()) {
            SecurityScheme scheme = e.getKey();
            String value = e.getValue();
            if (scheme.type() != SecurityScheme.Type.MUTUAL_TLS // a TLS identity never travels as text
                    && scheme.type() != SecurityScheme.Type.USER_CONNECTION) { // no value: the user's token below
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
                    OAuthTokens.Key key = OAuthTokens.Key.of(tool.tenantId(), tool.integration().name(), scheme, value,
                            scope.skill());
                    String token = tokens.token(key, value, timeout);
                    headers.put("Authorization", "Bearer " + headerSafe(token, scheme.secret()));
                    injected.add(token);
                    oauth = Optional.of(key);
                }
                case USER_CONNECTION -> { // the end user's own token, never another user's
                    ConnectedAccounts.UserCredential user = accounts.credential(tool.tenantId(),
                            tool.integration().name(), userId, scope.skill(), timeout);
                    headers.put(user.header(), headerSafe(user.value(), "(the user's access token)"));
                    injected.add(user.secret());
                    connectedUser = Optional.of(userId);
                    connectedSecret = user.secret();
                }
                case MUTUAL_TLS -> pem = Optional.of(value);
                case UNSUPPORTED -> throw new IllegalStateException("unsupported schemes are filtered before");
            }
        }
        return new Credentials(headers, query, cookies, pem, oauth, injected, connectedUser, connectedSecret);
    }

    /** The value for the slot, from the secret the scope names for it; empty when it names none or it is gone. */
    private Optional<String> reveal(ToolDefinition tool, CredentialScope scope, String slot) {
        Optional<String> secret = scope.secretFor(tool.integration().name(), slot);
        if (secret.isEmpty()) {
            return Optional.empty();
        }
        try {
            return secrets.reveal(tool.tenantId(), secret.get());
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

    /** How a missing slot is named: the secret itself, or the slot and what the skill attached to it. */
    private static String slot(ToolDefinition tool, CredentialScope scope, String slot) {
        if (scope.tenantWide()) {
            return "'" + slot + "'";
        }
        return "'" + slot + "'" + scope.secretFor(tool.integration().name(), slot)
                .map(s -> " (attached secret '" + s + "' does not exist)").orElse(" (no secret attached)");
    }

    private static GatewayException missing(ToolDefinition tool, CredentialScope scope, List<String> wanted) {
        String what = wanted.size() == 1 ? "secret " + wanted.get(0) : "one of: " + String.join("; or ", wanted);
        if (!scope.tenantWide()) {
            return GatewayException.failedPrecondition("SECRET_NOT_FOUND", "tool '" + tool.qualifiedName()
                    + "' authenticates to integration '" + tool.integration().name() + "' with " + what
                    + ", which " + scope.describe() + " lacks; calls under a skill use only the secrets attached to it:"
                    + " an admin must store the secret with PutSecret and attach it with AttachSkillSecret");
        }
        return GatewayException.failedPrecondition("SECRET_NOT_FOUND", "tool '" + tool.qualifiedName()
                + "' authenticates to integration '" + tool.integration().name() + "' with " + what
                + ", which is missing; an admin must store it with PutSecret");
    }
}
