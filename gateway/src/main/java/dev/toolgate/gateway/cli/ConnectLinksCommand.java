package dev.toolgate.gateway.cli;

import static dev.toolgate.gateway.cli.AdminCommand.admin;

import dev.toolgate.proto.v1.ConnectLinks;
import dev.toolgate.proto.v1.GetConnectLinksRequest;
import dev.toolgate.proto.v1.SetConnectLinksRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code toolgate admin connect-links}: whether the tenant's connect links need its OpenID Connect sign-in
 * to prove who opens them (the default), or are served to anyone holding them (the phishing risk).
 */
@Command(name = "connect-links", description = "Show or set whether the tenant's connect links are served only"
        + " after its OpenID Connect sign-in proved that the person opening one is the user it was made for (the"
        + " default; without a sign-in the links are refused), or to anyone holding them (--unverified-allowed:"
        + " accepts the phishing risk, docs/identity.md).")
final class ConnectLinksCommand implements Callable<Integer> {
    @Option(names = "--tenant", required = true) String tenant;

    @ArgGroup(exclusive = true)
    Choice choice;

    static final class Choice {
        @Option(names = "--unverified-allowed", description = "serve links to whoever opens them: anyone who gets"
                + " a user's link can connect their own upstream account to that user") boolean unverified;
        @Option(names = "--verified-only", description = "serve links only to the user they were made for, proven"
                + " by the tenant's sign-in (the default)") boolean verified;
    }

    @Override
    public Integer call() throws Exception {
        ConnectLinks links = choice == null
                ? admin(s -> s.getConnectLinks(GetConnectLinksRequest.newBuilder().setTenant(tenant).build()))
                : admin(s -> s.setConnectLinks(SetConnectLinksRequest.newBuilder().setTenant(tenant)
                        .setUnverifiedAllowed(choice.unverified).build()));
        if (links.getUnverifiedAllowed()) {
            System.out.println("connect links of " + links.getTenant() + ": served to whoever opens them"
                    + " (unverified; the phishing risk is accepted)");
        } else if (links.getSignInConfigured()) {
            System.out.println("connect links of " + links.getTenant() + ": served only to the user they were made"
                    + " for, after the tenant's sign-in");
        } else {
            System.out.println("connect links of " + links.getTenant() + ": refused until the tenant has a sign-in"
                    + " (toolgate admin console-sign-in set) or --unverified-allowed");
        }
        return 0;
    }
}
