package dev.toolgate.gateway.cli;

import static dev.toolgate.gateway.cli.AdminCommand.admin;

import dev.toolgate.proto.v1.SetConnectionClientRequest;
import dev.toolgate.proto.v1.SetConnectionClientResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toolgate admin connection-client}: how users connect their own account of an integration. */
@Command(name = "connection-client", description = "Set how the tenant's users connect their own account of an"
        + " integration (auth user_connection; docs/identity.md): an OAuth client, or --api-key-header for their own"
        + " API key.")
final class ConnectionClientCommand implements Callable<Integer> {
    @Option(names = "--tenant", required = true) String tenant;
    @Option(names = "--integration", required = true) String integration;
    @Option(names = "--authorization-url") String authorizationUrl = "";
    @Option(names = "--token-url") String tokenUrl = "";
    @Option(names = "--client-id") String clientId = "";
    @Option(names = "--client-secret", description = "name of the tenant secret holding it") String clientSecret = "";
    @Option(names = "--scopes", description = "space-separated, e.g. 'openid offline_access'") String scopes = "";
    @Option(names = "--api-key-header", description = "instead of OAuth: users paste their own API key on the connect"
            + " page, sent in this header (Authorization: as a bearer token)") String apiKeyHeader = "";

    @Override
    public Integer call() throws Exception {
        SetConnectionClientResponse r = admin(s -> s.setConnectionClient(SetConnectionClientRequest.newBuilder()
                .setTenant(tenant).setIntegration(integration).setAuthorizationUrl(authorizationUrl)
                .setTokenUrl(tokenUrl).setClientId(clientId).setClientSecret(clientSecret).setScopes(scopes)
                .setApiKeyHeader(apiKeyHeader).build()));
        System.out.println(apiKeyHeader.isEmpty() ? "users connect " + r.getIntegration() + " through "
                + authorizationUrl + "; register this redirect URI for the client: " + r.getRedirectUri()
                : "users connect " + r.getIntegration() + " by pasting their own API key on the connect page;"
                        + " calls send it in " + apiKeyHeader);
        return 0;
    }
}
