package dev.toolgate.gateway.cli;

import static dev.toolgate.gateway.cli.AdminCommand.admin;

import dev.toolgate.proto.v1.SetConnectionClientRequest;
import dev.toolgate.proto.v1.SetConnectionClientResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toolgate admin connection-client}: how users connect their own account of an integration. */
@Command(name = "connection-client", description = "Set the OAuth client through which the tenant's users connect"
        + " their own account of an integration (auth user_connection; docs/identity.md).")
final class ConnectionClientCommand implements Callable<Integer> {
    @Option(names = "--tenant", required = true) String tenant;
    @Option(names = "--integration", required = true) String integration;
    @Option(names = "--authorization-url", required = true) String authorizationUrl;
    @Option(names = "--token-url", required = true) String tokenUrl;
    @Option(names = "--client-id", required = true) String clientId;
    @Option(names = "--client-secret", required = true, description = "name of the tenant secret holding it")
    String clientSecret;
    @Option(names = "--scopes", description = "space-separated, e.g. 'openid offline_access'") String scopes = "";

    @Override
    public Integer call() throws Exception {
        SetConnectionClientResponse r = admin(s -> s.setConnectionClient(SetConnectionClientRequest.newBuilder()
                .setTenant(tenant).setIntegration(integration).setAuthorizationUrl(authorizationUrl)
                .setTokenUrl(tokenUrl).setClientId(clientId).setClientSecret(clientSecret).setScopes(scopes).build()));
        System.out.println("users connect " + r.getIntegration() + " through " + authorizationUrl
                + "; register this redirect URI for the client: " + r.getRedirectUri());
        return 0;
    }
}
