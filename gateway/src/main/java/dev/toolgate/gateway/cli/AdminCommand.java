package dev.toolgate.gateway.cli;

import com.google.protobuf.util.JsonFormat;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.BearerAuth;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateApiKeyResponse;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.PolicyRejection;
import dev.toolgate.proto.v1.PolicyStatus;
import dev.toolgate.proto.v1.ReloadPoliciesRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.DeleteSecretRequest;
import dev.toolgate.proto.v1.DeleteToolRequest;
import dev.toolgate.proto.v1.HttpAuth;
import dev.toolgate.proto.v1.Integration;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.RevokeApiKeyRequest;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Admin verbs; each takes the admin key from TOOLGATE_ADMIN_KEY. */
@Command(name = "admin", description = "Administer tenants, keys, secrets, integrations and tools (key from TOOLGATE_ADMIN_KEY).",
        subcommands = {AdminCommand.CreateTenant.class, AdminCommand.CreateKey.class, AdminCommand.RevokeKey.class,
                AdminCommand.PutSecret.class, AdminCommand.DeleteSecret.class, AdminCommand.PutHttpIntegration.class,
                AdminCommand.UpsertHttpTool.class, AdminCommand.DeleteTool.class, AdminCommand.ReloadPolicies.class,
                IdentityProviderCommand.class, ConnectionClientCommand.class,
                TokenExchangeClientCommand.class, ConsoleSignInCommand.class, ConnectLinksCommand.class,
                CompensationCommand.class})
final class AdminCommand {

    static <T> T admin(Function<AdminServiceGrpc.AdminServiceBlockingStub, T> rpc) throws InterruptedException {
        try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_ADMIN_KEY")) {
            return rpc.apply(AdminServiceGrpc.newBlockingStub(conn.channel()).withCallCredentials(conn.credentials())
                    .withDeadlineAfter(30, TimeUnit.SECONDS));
        }
    }

    @Command(name = "create-tenant", description = "Create a tenant.")
    static final class CreateTenant implements Callable<Integer> {
        @Parameters(paramLabel = "TENANT") String id;
        @Option(names = "--display-name") String displayName = "";

        @Override
        public Integer call() throws Exception {
            admin(s -> s.createTenant(CreateTenantRequest.newBuilder().setId(id).setDisplayName(displayName).build()));
            System.out.println("tenant " + id + " created");
            return 0;
        }
    }

    @Command(name = "create-key", description = "Create an API key; prints it once as TOOLGATE_API_KEY=tg_...")
    static final class CreateKey implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Option(names = "--agent", required = true, description = "agent id recorded with every call") String agent;
        @Option(names = "--scope", description = "repeatable; default tools:call") List<String> scopes = new ArrayList<>();
        @Option(names = "--label", description = "NAME=VALUE, a fact policies test as agent.labels[\"NAME\"]; repeatable")
        Map<String, String> labels = new java.util.LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            CreateApiKeyResponse r = admin(s -> s.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(tenant)
                    .setAgentId(agent).addAllScopes(scopes).putAllLabels(labels).build()));
            System.err.println("key " + r.getKeyId() + " for " + r.getTenant() + "/" + r.getAgentId() + " scopes "
                    + r.getScopesList() + " (shown once)");
            System.out.println("TOOLGATE_API_KEY=" + r.getApiKey());
            return 0;
        }
    }

    @Command(name = "revoke-key", description = "Revoke an API key by id.")
    static final class RevokeKey implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(paramLabel = "KEY_ID") String keyId;

        @Override
        public Integer call() throws Exception {
            admin(s -> s.revokeApiKey(RevokeApiKeyRequest.newBuilder().setTenant(tenant).setKeyId(keyId).build()));
            System.out.println("key " + keyId + " revoked");
            return 0;
        }
    }

    @Command(name = "put-secret", description = "Store a secret read from standard input (a trailing line break is"
            + " dropped; PEM documents are kept whole).")
    static final class PutSecret implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() throws Exception {
            String value = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            if (!value.startsWith("-----BEGIN ")) {
                value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
                        : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
            }
            if (value.isEmpty()) {
                throw new CliException("put-secret reads the value from standard input; pipe it in, e.g. printf %s \"$TOKEN\" | toolgate admin put-secret ...");
            }
            String secret = value;
            admin(s -> s.putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName(name).setValue(secret).build()));
            System.out.println("secret " + name + " stored");
            return 0;
        }
    }

    @Command(name = "delete-secret", description = "Delete a secret.")
    static final class DeleteSecret implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() throws Exception {
            admin(s -> s.deleteSecret(DeleteSecretRequest.newBuilder().setTenant(tenant).setName(name).build()));
            System.out.println("secret " + name + " deleted");
            return 0;
        }
    }

    @Command(name = "put-http-integration", description = "Create or update an HTTP integration.")
    static final class PutHttpIntegration implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--base-url", required = true) String baseUrl;
        @Option(names = "--bearer-secret", description = "secret whose value is sent as Authorization: Bearer") String bearerSecret;
        @Option(names = "--user-connection", description = "each end user's own connected account (docs/identity.md)")
        boolean userConnection;
        @Option(names = "--token-exchange", description = "a token exchanged for the end user's token (RFC 8693)")
        boolean tokenExchange;
        @Option(names = "--description") String description = "";

        @Override
        public Integer call() throws Exception {
            CreateHttpIntegrationRequest.Builder req = CreateHttpIntegrationRequest.newBuilder().setTenant(tenant)
                    .setName(name).setBaseUrl(baseUrl).setDescription(description);
            if ((bearerSecret != null ? 1 : 0) + (userConnection ? 1 : 0) + (tokenExchange ? 1 : 0) > 1) {
                throw new CliException("choose one of --bearer-secret, --user-connection and --token-exchange");
            }
            if (bearerSecret != null) {
                req.setAuth(HttpAuth.newBuilder().setBearer(BearerAuth.newBuilder().setSecret(bearerSecret)));
            } else if (userConnection) {
                req.setAuth(HttpAuth.newBuilder().setUserConnection(
                        dev.toolgate.proto.v1.UserConnectionAuth.getDefaultInstance()));
            } else if (tokenExchange) {
                req.setAuth(HttpAuth.newBuilder().setTokenExchange(
                        dev.toolgate.proto.v1.TokenExchangeAuth.getDefaultInstance()));
            }
            Integration i = admin(s -> s.createHttpIntegration(req.build()));
            System.out.println("integration " + i.getName() + " -> " + i.getBaseUrl());
            return 0;
        }
    }

    @Command(name = "upsert-http-tool", description = "Create or version an HTTP tool from a JSON file holding an UpsertHttpToolRequest (proto JSON).")
    static final class UpsertHttpTool implements Callable<Integer> {
        @Parameters(paramLabel = "FILE") Path file;

        @Override
        public Integer call() throws Exception {
            UpsertHttpToolRequest.Builder req = UpsertHttpToolRequest.newBuilder();
            try {
                JsonFormat.parser().merge(Files.readString(file), req);
            } catch (java.io.IOException e) {
                throw new CliException(file + ": " + e.getMessage());
            }
            Tool t = admin(s -> s.upsertHttpTool(req.build()));
            System.out.println("tool " + t.getName() + " is at version " + t.getVersion());
            return 0;
        }
    }

    /**
     * {@code ReloadPolicies}: the gateway reads its policy directory now, so a script that edited a policy
     * file knows the edit is in force before its next call. Exit 1 when some tenant's new files were
     * refused (each problem on stderr as {@code file:line:col}); that tenant keeps its previous policy.
     */
    @Command(name = "reload-policies", description = {"Make the gateway read its policy directory now (bootstrap admin key);",
            "exit 1 when new files were refused, with their problems as file:line:col."})
    static final class ReloadPolicies implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            PolicyStatus status = admin(s -> s.reloadPolicies(ReloadPoliciesRequest.getDefaultInstance()));
            status.getWarningsList().forEach(System.err::println);
            for (PolicyRejection rejection : status.getRejectedList()) {
                System.err.println("refused the new files of " + rejection.getUnit() + " (its previous policy stays in force):");
                rejection.getProblemsList().forEach(p -> System.err.println("  " + p));
            }
            System.out.println("policies reloaded from " + status.getDirectory() + ": " + status.getTenants()
                    + " tenant(s) with files of their own" + (status.getGitCommit().isEmpty() ? "" : ", git " + status.getGitCommit()));
            return status.getRejectedCount() == 0 ? 0 : 1;
        }
    }

    @Command(name = "delete-tool", description = "Delete a tool (its versions stay for the call records).")
    static final class DeleteTool implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(paramLabel = "TOOL") String name;

        @Override
        public Integer call() throws Exception {
            admin(s -> s.deleteTool(DeleteToolRequest.newBuilder().setTenant(tenant).setName(name).build()));
            System.out.println("tool " + name + " deleted");
            return 0;
        }
    }
}
