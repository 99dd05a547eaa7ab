package dev.toolgate.gateway.cli;

import static dev.toolgate.gateway.cli.AdminCommand.admin;

import dev.toolgate.proto.v1.DeleteConsoleSignInRequest;
import dev.toolgate.proto.v1.SetConsoleSignInRequest;
import dev.toolgate.proto.v1.SetConsoleSignInResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toolgate admin console-sign-in set|delete}: the tenant's OpenID Connect sign-in to the web console. */
@Command(name = "console-sign-in", description = "Set or delete how the tenant's people sign in to the web console"
        + " with its OpenID Connect provider, and which groups hold which console role (docs/console.md).",
        subcommands = {ConsoleSignInCommand.Set.class, ConsoleSignInCommand.Delete.class})
final class ConsoleSignInCommand {

    @Command(name = "set", description = "Create or replace the tenant's console sign-in.")
    static final class Set implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Option(names = "--issuer", description = "the provider's issuer URL; default: the tenant's identity provider's")
        String issuer = "";
        @Option(names = "--client-id", required = true, description = "the tenant's client at the provider")
        String clientId;
        @Option(names = "--client-secret", required = true, description = "name of the tenant secret holding the"
                + " client secret (put-secret)") String clientSecret;
        @Option(names = "--scopes", description = "scopes asked for besides openid, e.g. 'profile email groups'")
        String scopes = "";
        @Option(names = "--groups-claim", description = "the ID token claim listing the person's groups; default groups")
        String groupsClaim = "";
        @Option(names = "--admin-group", description = "a group whose members are console admins; repeatable")
        List<String> adminGroups = new ArrayList<>();
        @Option(names = "--approver-group", description = "a group whose members approve held calls; repeatable")
        List<String> approverGroups = new ArrayList<>();
        @Option(names = "--auditor-group", description = "a group whose members read the audit trail; repeatable")
        List<String> auditorGroups = new ArrayList<>();
        @Option(names = "--user-group", description = "a group whose members see integrations and run tools;"
                + " repeatable") List<String> userGroups = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            SetConsoleSignInRequest request = SetConsoleSignInRequest.newBuilder().setTenant(tenant).setIssuer(issuer)
                    .setClientId(clientId).setClientSecret(clientSecret).setScopes(scopes).setGroupsClaim(groupsClaim)
                    .addAllAdminGroups(adminGroups).addAllApproverGroups(approverGroups)
                    .addAllAuditorGroups(auditorGroups).addAllUserGroups(userGroups).build();
            SetConsoleSignInResponse r = admin(s -> s.setConsoleSignIn(request));
            System.out.println("console sign-in of " + r.getTenant() + ": issuer " + r.getIssuer() + ", client "
                    + r.getClientId());
            System.out.println("register this redirect URI for the client: " + r.getRedirectUri());
            System.out.println("people sign in at: " + r.getLoginUrl());
            return 0;
        }
    }

    @Command(name = "delete", description = "Remove the tenant's console sign-in: its people's sessions end.")
    static final class Delete implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;

        @Override
        public Integer call() throws Exception {
            admin(s -> s.deleteConsoleSignIn(DeleteConsoleSignInRequest.newBuilder().setTenant(tenant).build()));
            System.out.println("console sign-in of " + tenant + " deleted");
            return 0;
        }
    }
}
