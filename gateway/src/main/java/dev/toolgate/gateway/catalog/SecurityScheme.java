package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One way of authenticating to an upstream, from an OpenAPI {@code securitySchemes} entry.
 * Every scheme reads exactly one secret of the tenant:
 * <ul>
 *   <li>{@code BEARER}: the token, sent as {@code Authorization: Bearer <token>} (also used for
 *       the OAuth 2 implicit and password flows: the secret holds an access token);</li>
 *   <li>{@code BASIC}: {@code username:password};</li>
 *   <li>{@code API_KEY}: the key, sent in the header, query parameter or cookie {@code paramName};</li>
 *   <li>{@code OAUTH2_CLIENT_CREDENTIALS}: {@code client_id:client_secret}, exchanged at
 *       {@code tokenUrl} for an access token;</li>
 *   <li>{@code USER_CONNECTION}: OAuth 2 authorization code — each end user's own access token from their
 *       connected account (docs/identity.md); the secret is the OAuth client's secret, used to connect
 *       users at {@code authorizationUrl} and redeem and refresh tokens at {@code tokenUrl};</li>
 *   <li>{@code MUTUAL_TLS}: a PEM certificate chain followed by its PKCS#8 private key;</li>
 *   <li>{@code UNSUPPORTED}: kept so that a call needing it fails with {@code note}.</li>
 * </ul>
 */
public record SecurityScheme(String name, Type type, String secret, ApiKeyLocation in, String paramName,
        String tokenUrl, List<String> scopes, String note, String authorizationUrl) {

    public enum Type { BEARER, BASIC, API_KEY, OAUTH2_CLIENT_CREDENTIALS, USER_CONNECTION, MUTUAL_TLS, UNSUPPORTED }

    public enum ApiKeyLocation { NONE, HEADER, QUERY, COOKIE }

    public SecurityScheme {
        requireNonNull(name, "name");
        requireNonNull(type, "type");
        requireNonNull(secret, "secret");
        requireNonNull(in, "in");
        requireNonNull(paramName, "paramName");
        requireNonNull(tokenUrl, "tokenUrl");
        scopes = List.copyOf(requireNonNull(scopes, "scopes"));
        requireNonNull(note, "note");
        requireNonNull(authorizationUrl, "authorizationUrl");
        if (type == Type.USER_CONNECTION && (tokenUrl.isEmpty() || authorizationUrl.isEmpty())) {
            throw new IllegalArgumentException("authorization code needs an authorization URL and a token URL");
        }
        if ((type == Type.API_KEY) != (in != ApiKeyLocation.NONE)) {
            throw new IllegalArgumentException("only API_KEY schemes have a location");
        }
        if (type == Type.OAUTH2_CLIENT_CREDENTIALS && tokenUrl.isEmpty()) {
            throw new IllegalArgumentException("client credentials need a token URL");
        }
    }

    public static SecurityScheme simple(String name, Type type, String secret) {
        return new SecurityScheme(name, type, secret, ApiKeyLocation.NONE, "", "", List.of(), "", "");
    }

    public static SecurityScheme apiKey(String name, ApiKeyLocation in, String paramName, String secret) {
        return new SecurityScheme(name, Type.API_KEY, secret, in, paramName, "", List.of(), "", "");
    }

    public static SecurityScheme clientCredentials(String name, String tokenUrl, List<String> scopes, String secret) {
        return new SecurityScheme(name, Type.OAUTH2_CLIENT_CREDENTIALS, secret, ApiKeyLocation.NONE, "", tokenUrl,
                scopes, "", "");
    }

    /** OAuth 2 authorization code: each user's own token; {@code secret} names the client secret. */
    public static SecurityScheme userConnection(String name, String authorizationUrl, String tokenUrl,
            List<String> scopes, String secret) {
        return new SecurityScheme(name, Type.USER_CONNECTION, secret, ApiKeyLocation.NONE, "", tokenUrl, scopes, "",
                authorizationUrl);
    }

    public static SecurityScheme unsupported(String name, String note) {
        return new SecurityScheme(name, Type.UNSUPPORTED, "", ApiKeyLocation.NONE, "", "", List.of(), note, "");
    }
}
