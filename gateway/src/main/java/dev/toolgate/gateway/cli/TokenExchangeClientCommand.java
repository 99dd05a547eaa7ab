package dev.toolgate.gateway.cli;

import static dev.toolgate.gateway.cli.AdminCommand.admin;

import dev.toolgate.proto.v1.SetTokenExchangeClientRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toolgate admin token-exchange-client}: how calls exchange their user's token (RFC 8693). */
@Command(name = "token-exchange-client", description = "Set the client with which calls of an integration exchange"
        + " the end user's token for a token of the upstream's audience (auth token_exchange; docs/identity.md).")
final class TokenExchangeClientCommand implements Callable<Integer> {
    @Option(names = "--tenant", required = true) String tenant;
    @Option(names = "--integration", required = true) String integration;
    @Option(names = "--token-url", required = true) String tokenUrl;
    @Option(names = "--client-id", required = true) String clientId;
    @Option(names = "--client-secret", required = true, description = "name of the tenant secret holding it")
    String clientSecret;
    @Option(names = "--audience", required = true, description = "the upstream the exchanged token is for")
    String audience;
    @Option(names = "--scopes", description = "space-separated") String scopes = "";
    @Option(names = "--subject-token-type", description = "urn:ietf:params:oauth:token-type:jwt (default), ...:id_token"
            + " or ...:access_token") String subjectTokenType = "";

    @Override
    public Integer call() throws Exception {
        admin(s -> s.setTokenExchangeClient(SetTokenExchangeClientRequest.newBuilder().setTenant(tenant)
                .setIntegration(integration).setTokenUrl(tokenUrl).setClientId(clientId).setClientSecret(clientSecret)
                .setAudience(audience).setScopes(scopes).setSubjectTokenType(subjectTokenType).build()));
        System.out.println("calls of " + integration + " exchange their user's token at " + tokenUrl + " for audience "
                + audience);
        return 0;
    }
}
