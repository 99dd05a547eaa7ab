package dev.toolgate.gateway.cli;

import static dev.toolgate.gateway.cli.AdminCommand.admin;

import com.google.protobuf.Duration;
import dev.toolgate.proto.v1.DeleteIdentityProviderRequest;
import dev.toolgate.proto.v1.SetIdentityProviderRequest;
import dev.toolgate.proto.v1.SetIdentityProviderResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toolgate admin identity-provider set|delete}: the tenant's OpenID provider for end-user tokens. */
@Command(name = "identity-provider", description = "Set or delete the tenant's identity provider, whose JWTs prove"
        + " the end user of a call (docs/identity.md).",
        subcommands = {IdentityProviderCommand.Set.class, IdentityProviderCommand.Delete.class})
final class IdentityProviderCommand {

    @Command(name = "set", description = "Create or replace the tenant's identity provider.")
    static final class Set implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Option(names = "--issuer", required = true, description = "the exact 'iss' of its tokens") String issuer;
        @Option(names = "--jwks-url", required = true, description = "its JWK set (the discovery document's jwks_uri)")
        String jwksUrl;
        @Option(names = "--audience", required = true, description = "a value the tokens' 'aud' must contain")
        String audience;
        @Option(names = "--clock-skew-seconds", description = "tolerance for exp and nbf, 0-300; default 60")
        Integer clockSkewSeconds;

        @Override
        public Integer call() throws Exception {
            SetIdentityProviderRequest.Builder b = SetIdentityProviderRequest.newBuilder().setTenant(tenant)
                    .setIssuer(issuer).setJwksUrl(jwksUrl).setAudience(audience);
            if (clockSkewSeconds != null) {
                b.setClockSkew(Duration.newBuilder().setSeconds(clockSkewSeconds));
            }
            SetIdentityProviderResponse r = admin(s -> s.setIdentityProvider(b.build()));
            System.out.println("identity provider of " + r.getTenant() + ": issuer " + r.getIssuer() + ", audience "
                    + r.getAudience() + ", keys " + r.getJwksUrl() + ", clock skew " + r.getClockSkew().getSeconds()
                    + "s");
            return 0;
        }
    }

    @Command(name = "delete", description = "Remove the tenant's identity provider: user tokens are refused.")
    static final class Delete implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;

        @Override
        public Integer call() throws Exception {
            admin(s -> s.deleteIdentityProvider(DeleteIdentityProviderRequest.newBuilder().setTenant(tenant).build()));
            System.out.println("identity provider of " + tenant + " deleted");
            return 0;
        }
    }
}
