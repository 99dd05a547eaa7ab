package dev.toolgate.gateway.grpc;

import dev.toolgate.gateway.mcp.McpIntegrations;
import dev.toolgate.proto.v1.McpSyncReport;
import dev.toolgate.proto.v1.PutMcpIntegrationRequest;
import dev.toolgate.proto.v1.SyncMcpIntegrationRequest;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.admin.AdminOperations;
import dev.toolgate.gateway.admin.IssuedKey;
import dev.toolgate.gateway.admin.SkillOperations;
import dev.toolgate.proto.v1.AddSkillToolsRequest;
import dev.toolgate.proto.v1.AssignSkillRequest;
import dev.toolgate.proto.v1.AttachSkillSecretRequest;
import dev.toolgate.proto.v1.CreateSkillRequest;
import dev.toolgate.proto.v1.DeleteSkillRequest;
import dev.toolgate.proto.v1.DeleteSkillResponse;
import dev.toolgate.proto.v1.DetachSkillSecretRequest;
import dev.toolgate.proto.v1.ListSkillsRequest;
import dev.toolgate.proto.v1.ListSkillsResponse;
import dev.toolgate.proto.v1.RemoveSkillToolsRequest;
import dev.toolgate.proto.v1.SkillInfo;
import dev.toolgate.proto.v1.UnassignSkillRequest;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.PrincipalContext;
import dev.toolgate.gateway.catalog.CatalogWriter;
import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.catalog.HttpBinding;
import dev.toolgate.gateway.catalog.ParamBinding;
import dev.toolgate.gateway.catalog.ParamLocation;
import dev.toolgate.gateway.catalog.ToolSpec;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.openapi.ImportOptions;
import dev.toolgate.gateway.openapi.OpenApiImports;
import dev.toolgate.gateway.secrets.SecretEntity;
import dev.toolgate.gateway.tenancy.TenantEntity;
import dev.toolgate.proto.v1.PolicyStatus;
import dev.toolgate.proto.v1.ReloadPoliciesRequest;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateApiKeyResponse;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.DeleteSecretRequest;
import dev.toolgate.proto.v1.DeleteSecretResponse;
import dev.toolgate.proto.v1.DeleteToolRequest;
import dev.toolgate.proto.v1.DeleteToolResponse;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.ImportOpenApiResponse;
import dev.toolgate.proto.v1.Integration;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.PutSecretResponse;
import dev.toolgate.proto.v1.RevokeApiKeyRequest;
import dev.toolgate.proto.v1.RevokeApiKeyResponse;
import dev.toolgate.proto.v1.Tenant;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import dev.toolgate.gateway.sql.SqlConnection;
import dev.toolgate.gateway.sql.SqlIntegrations;
import dev.toolgate.gateway.sql.SqlToolDeclaration;
import dev.toolgate.proto.v1.PutSqlIntegrationRequest;
import dev.toolgate.proto.v1.PutSqlIntegrationResponse;
import dev.toolgate.proto.v1.SqlConnectionSpec;
import dev.toolgate.proto.v1.SqlToolSpec;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.IntegrationKind;
import dev.toolgate.gateway.resilience.ResilienceOverrides;
import dev.toolgate.proto.v1.IntegrationResilience;
import dev.toolgate.gateway.audit.AuditQuery;
import dev.toolgate.gateway.audit.AuditTrail;
import dev.toolgate.proto.v1.QueryCallsRequest;
import dev.toolgate.proto.v1.QueryCallsResponse;
import java.util.Optional;
import dev.toolgate.proto.v1.SetIntegrationResilienceRequest;
import io.grpc.stub.StreamObserver;
import dev.toolgate.gateway.identity.IdentityProvider;
import dev.toolgate.gateway.connections.ConnectedAccounts;
import dev.toolgate.gateway.connections.ConnectionClient;
import dev.toolgate.proto.v1.SetConnectionClientRequest;
import dev.toolgate.proto.v1.SetConnectionClientResponse;
import dev.toolgate.gateway.identity.IdentityProviders;
import dev.toolgate.proto.v1.DeleteIdentityProviderRequest;
import dev.toolgate.proto.v1.DeleteIdentityProviderResponse;
import dev.toolgate.proto.v1.SetIdentityProviderRequest;
import dev.toolgate.proto.v1.SetIdentityProviderResponse;
import dev.toolgate.policy.PolicyEngine;
import dev.toolgate.gateway.compensation.Compensation;
import dev.toolgate.gateway.compensation.CompensationDeclarations;
import dev.toolgate.proto.v1.DeleteToolCompensationRequest;
import dev.toolgate.proto.v1.DeleteToolCompensationResponse;
import dev.toolgate.proto.v1.ListToolCompensationsRequest;
import dev.toolgate.proto.v1.ListToolCompensationsResponse;
import dev.toolgate.proto.v1.SetToolCompensationRequest;
import dev.toolgate.proto.v1.SetToolCompensationResponse;
import dev.toolgate.proto.v1.ToolCompensation;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code toolgate.v1.AdminService}. The bootstrap admin may act on any tenant; a tenant's
 * admin-scoped key only on its own (another tenant looks exactly like a missing one).
 */
@Singleton
public class AdminServiceEndpoint implements AdminServiceGrpc.AsyncService {
    private final AdminOperations admin;
    private final CatalogWriter catalog;
    private final OpenApiImports imports;
    private final PolicyEngine policy;
    private final SqlIntegrations sql;
    private final AuditTrail audit;
    private final McpIntegrations mcp;
    private final SkillOperations skills;
    private final IdentityProviders identityProviders;
    private final ConnectedAccounts connections;
    private final dev.toolgate.gateway.connections.TokenExchanges exchanges;
    private final dev.toolgate.gateway.catalog.ToolChanges toolChanges;
    private final dev.toolgate.gateway.console.ConsoleSignInAdmin consoleSignIns;
    private final CompensationDeclarations compensations;
    private final dev.toolgate.gateway.cards.ToolCards cards;

    public AdminServiceEndpoint(AdminOperations admin, CatalogWriter catalog, OpenApiImports imports,
            PolicyEngine policy, SqlIntegrations sql, AuditTrail audit, McpIntegrations mcp, SkillOperations skills,
            IdentityProviders identityProviders, ConnectedAccounts connections,
            dev.toolgate.gateway.connections.TokenExchanges exchanges,
            dev.toolgate.gateway.catalog.ToolChanges toolChanges,
            dev.toolgate.gateway.console.ConsoleSignInAdmin consoleSignIns, CompensationDeclarations compensations,
            dev.toolgate.gateway.cards.ToolCards cards) {
        this.consoleSignIns = requireNonNull(consoleSignIns, "consoleSignIns");
        this.cards = requireNonNull(cards, "cards");
        this.compensations = requireNonNull(compensations, "compensations");
        this.exchanges = requireNonNull(exchanges, "exchanges");
        this.toolChanges = requireNonNull(toolChanges, "toolChanges");
        this.skills = requireNonNull(skills, "skills");
        this.connections = requireNonNull(connections, "connections");
        this.identityProviders = requireNonNull(identityProviders, "identityProviders");
        this.audit = requireNonNull(audit, "audit");
        this.mcp = requireNonNull(mcp, "mcp");
        this.admin = requireNonNull(admin, "admin");
        this.catalog = requireNonNull(catalog, "catalog");
        this.imports = requireNonNull(imports, "imports");
        this.policy = requireNonNull(policy, "policy");
        this.sql = requireNonNull(sql, "sql");
    }

    @Override
    public void reloadPolicies(ReloadPoliciesRequest request, StreamObserver<PolicyStatus> response) {
        Principal p = requireAdmin();
        if (!p.bootstrapAdmin()) {
            throw GatewayException.permissionDenied("BOOTSTRAP_ADMIN_REQUIRED",
                    "only the bootstrap admin key (TOOLGATE_ADMIN_KEY) can reload the deployment's policies");
        }
        reply(response, ProtoMapper.policyStatus(policy.reload()));
    }

    @Override
    public void createTenant(CreateTenantRequest request, StreamObserver<Tenant> response) {
        Principal p = requireAdmin();
        if (!p.bootstrapAdmin()) {
            throw GatewayException.permissionDenied("BOOTSTRAP_ADMIN_REQUIRED",
                    "only the bootstrap admin key (TOOLGATE_ADMIN_KEY) can create tenants");
        }
        TenantEntity t = admin.createTenant(request.getId(), request.getDisplayName());
        reply(response, Tenant.newBuilder().setId(t.id()).setDisplayName(t.displayName())
                .setCreatedAt(ProtoMapper.timestamp(t.createdAt())).build());
    }

    @Override
    public void createApiKey(CreateApiKeyRequest request, StreamObserver<CreateApiKeyResponse> response) {
        String tenant = tenant(request.getTenant());
        IssuedKey key = admin.createApiKey(tenant, request.getAgentId(), request.getScopesList(),
                request.getLabelsMap());
        reply(response, CreateApiKeyResponse.newBuilder().setKeyId(key.keyId()).setApiKey(key.apiKey())
                .setTenant(key.tenant()).setAgentId(key.agentId()).addAllScopes(key.scopes().stream().sorted().toList())
                .build());
    }

    @Override
    public void revokeApiKey(RevokeApiKeyRequest request, StreamObserver<RevokeApiKeyResponse> response) {
        admin.revokeApiKey(tenant(request.getTenant()), request.getKeyId());
        reply(response, RevokeApiKeyResponse.getDefaultInstance());
    }

    @Override
    public void putSecret(PutSecretRequest request, StreamObserver<PutSecretResponse> response) {
        SecretEntity s = admin.putSecret(tenant(request.getTenant()), request.getName(), request.getValue());
        reply(response, PutSecretResponse.newBuilder().setName(s.name()).setKeyId(s.keyId())
                .setUpdatedAt(ProtoMapper.timestamp(s.updatedAt())).build());
    }

    @Override
    public void deleteSecret(DeleteSecretRequest request, StreamObserver<DeleteSecretResponse> response) {
        admin.deleteSecret(tenant(request.getTenant()), request.getName());
        reply(response, DeleteSecretResponse.getDefaultInstance());
    }

    @Override
    public void createHttpIntegration(CreateHttpIntegrationRequest request, StreamObserver<Integration> response) {
        String tenant = tenant(request.getTenant());
        HttpAuth auth = auth(request.getAuth());
        reply(response, ProtoMapper.integration(catalog.putHttpIntegration(tenant, request.getName(),
                request.getBaseUrl(), auth, request.getDescription())));
    }

    /** An integration's credential: none, or a bearer token from the named secret (which must be named). */
    private static HttpAuth auth(dev.toolgate.proto.v1.HttpAuth auth) {
        if (auth.hasUserConnection()) {
            return HttpAuth.USER_CONNECTION;
        }
        if (auth.hasTokenExchange()) {
            return HttpAuth.TOKEN_EXCHANGE;
        }
        if (!auth.hasBearer()) {
            return HttpAuth.NONE;
        }
        if (auth.getBearer().getSecret().isEmpty()) {
            throw GatewayException.invalidArgument("auth.bearer.secret",
                    "auth.bearer.secret names the secret holding the token; it is required");
        }
        return HttpAuth.bearer(auth.getBearer().getSecret());
    }

    @Override
    public void putMcpIntegration(PutMcpIntegrationRequest request, StreamObserver<McpSyncReport> response) {
        String tenant = tenant(request.getTenant());
        HttpAuth auth = auth(request.getAuth());
        McpSyncReport report = ProtoMapper.mcpReport(mcp.put(tenant, request.getName(), request.getUrl(), auth,
                request.getDescription(), request.getTrustAnnotations(), request.getSecretHeadersMap()));
        reply(response, report.toBuilder().addAllNotAllowed(notAllowed(tenant, report.getAddedList(),
                report.getChangedList(), report.getUnchangedList())).build());
    }

    @Override
    public void syncMcpIntegration(SyncMcpIntegrationRequest request, StreamObserver<McpSyncReport> response) {
        String tenant = tenant(request.getTenant());
        McpSyncReport report = ProtoMapper.mcpReport(mcp.sync(tenant, request.getIntegration()));
        reply(response, report.toBuilder().addAllNotAllowed(notAllowed(tenant, report.getAddedList(),
                report.getChangedList(), report.getUnchangedList())).build());
    }

    @Override
    public void upsertHttpTool(UpsertHttpToolRequest request, StreamObserver<Tool> response) {
        String tenant = tenant(request.getTenant());
        List<ParamBinding> params = new ArrayList<>();
        for (dev.toolgate.proto.v1.ParamBinding p : request.getParamsList()) {
            params.add(new ParamBinding(p.getArgument(), location(p), p.getName().isEmpty() ? p.getArgument() : p.getName()));
        }
        Duration timeout = request.hasTimeout() ? ProtoMapper.duration(request.getTimeout()) : ToolSpec.DEFAULT_TIMEOUT;
        Optional<Compensation> compensation = request.hasCompensation() ? Optional.of(compensation("compensation.",
                request.getIntegration() + "." + request.getName(), request.getCompensation())) : Optional.empty();
        List<dev.toolgate.gateway.error.FieldViolation> problems = new ArrayList<>();
        dev.toolgate.gateway.catalog.ToolTags tags = dev.toolgate.gateway.catalog.ToolTags.of("tags",
                request.getTagsList(), problems);
        dev.toolgate.gateway.core.Identifiers.requireNoViolations(problems);
        ToolSpec spec = new ToolSpec(tenant, request.getIntegration(), request.getName(), request.getDescription(),
                request.getInputSchemaJson(), ProtoMapper.annotations(request.getAnnotations()),
                new HttpBinding(request.getMethod().toUpperCase(java.util.Locale.ROOT), request.getPath(), params),
                timeout, "", ProtoMapper.formatChecks("format_checks", request.getFormatChecks())
                        .orElse(dev.toolgate.gateway.validation.FormatChecks.DEFAULT)).withTags(tags);
        Tool tool = ProtoMapper.tool(catalog.upsertHttpTool(spec));
        compensation.ifPresent(c -> compensations.put(tenant, c));
        reply(response, tool);
    }

    @Override
    public void setToolCompensation(SetToolCompensationRequest request,
            StreamObserver<SetToolCompensationResponse> response) {
        String tenant = tenant(request.getTenant());
        Compensation c = compensation("compensation.", request.getCompensation().getTool(), request.getCompensation());
        admin.requireTenant(tenant);
        reply(response, SetToolCompensationResponse.newBuilder()
                .setCompensation(ProtoMapper.compensation(compensations.put(tenant, c))).build());
    }

    @Override
    public void deleteToolCompensation(DeleteToolCompensationRequest request,
            StreamObserver<DeleteToolCompensationResponse> response) {
        compensations.delete(tenant(request.getTenant()), request.getTool());
        reply(response, DeleteToolCompensationResponse.getDefaultInstance());
    }

    @Override
    public void listToolCompensations(ListToolCompensationsRequest request,
            StreamObserver<ListToolCompensationsResponse> response) {
        String tenant = tenant(request.getTenant());
        admin.requireTenant(tenant);
        ListToolCompensationsResponse.Builder out = ListToolCompensationsResponse.newBuilder();
        compensations.list(tenant).forEach(c -> out.addCompensations(ProtoMapper.compensation(c)));
        reply(response, out.build());
    }

    @Override
    public void setToolCard(dev.toolgate.proto.v1.SetToolCardRequest request,
            StreamObserver<dev.toolgate.proto.v1.SetToolCardResponse> response) {
        String tenant = tenant(request.getTenant());
        admin.requireTenant(tenant);
        cards.put(tenant, request.getTool(), request.getTitle(), request.getIcon(), request.getNarration());
        reply(response, dev.toolgate.proto.v1.SetToolCardResponse.getDefaultInstance());
    }

    /** A compensation of {@code tool} as a request declares it, checked. */
    private static Compensation compensation(String field, String tool, ToolCompensation c) {
        return CompensationDeclarations.checked(field, tool, c.getCompensatingTool(), c.getArgumentsMap(),
                c.getExpression());
    }

    @Override
    public void deleteTool(DeleteToolRequest request, StreamObserver<DeleteToolResponse> response) {
        catalog.deleteTool(tenant(request.getTenant()), request.getName());
        reply(response, DeleteToolResponse.getDefaultInstance());
    }

    @Override
    public void importOpenApi(ImportOpenApiRequest request, StreamObserver<ImportOpenApiResponse> response) {
        String tenant = tenant(request.getTenant());
        OpenApiImportOptions o = request.getOptions();
        ImportOptions options = ImportOptions.builder()
                .includeTags(Set.copyOf(o.getIncludeTagsList())).excludeTags(Set.copyOf(o.getExcludeTagsList()))
                .includePaths(o.getIncludePathsList()).excludePaths(o.getExcludePathsList())
                .includeOperations(Set.copyOf(o.getIncludeOperationsList()))
                .excludeOperations(Set.copyOf(o.getExcludeOperationsList()))
                .baseUrl(o.getBaseUrl()).serverVariables(o.getServerVariablesMap()).secrets(o.getSecretsMap())
                .bindings(o.getBindingsMap()).connectionClientId(o.getConnectionClientId())
                .timeout(o.hasTimeout() ? ProtoMapper.duration(o.getTimeout()) : ToolSpec.DEFAULT_TIMEOUT)
                .formatChecks(ProtoMapper.formatChecks("options.format_checks", o.getFormatChecks()))
                .toolFormatChecks(toolFormatChecks(o.getToolFormatChecksMap()))
                .build();
        java.util.Map<String, Compensation> declared = new java.util.LinkedHashMap<>();
        List<dev.toolgate.gateway.error.FieldViolation> bad = new ArrayList<>();
        o.getCompensationsMap().forEach((name, c) -> {
            String field = "options.compensations[" + Identifiers.abbreviate(name) + "].";
            String compensated = request.getIntegration() + "." + name;
            bad.addAll(Compensation.check(field, compensated, c.getCompensatingTool(), c.getArgumentsMap(),
                    c.getExpression()));
            declared.put(name, new Compensation(compensated, c.getCompensatingTool(), c.getArgumentsMap(),
                    c.getExpression()));
        });
        Identifiers.requireNoLocatedViolations(bad);
        ImportOpenApiResponse report = ProtoMapper.importReport(imports.importDocument(tenant, request.getIntegration(),
                request.getDocument(), options, declared));
        reply(response, report.toBuilder().addAllNotAllowed(notAllowed(tenant, report.getAddedList(),
                report.getChangedList(), report.getUnchangedList())).build());
    }

    private static java.util.Map<String, dev.toolgate.gateway.validation.FormatChecks> toolFormatChecks(
            java.util.Map<String, dev.toolgate.proto.v1.FormatChecks> byTool) {
        java.util.Map<String, dev.toolgate.gateway.validation.FormatChecks> out = new java.util.LinkedHashMap<>();
        byTool.forEach((name, f) -> {
            String field = "options.tool_format_checks[" + Identifiers.abbreviate(name) + "]";
            out.put(name, ProtoMapper.formatChecks(field, f).orElseThrow(() -> GatewayException.invalidArgument(
                    field, field + " must be FORMAT_CHECKS_ASSERT or FORMAT_CHECKS_ANNOTATE")));
        });
        return out;
    }

    @Override
    public void putSqlIntegration(PutSqlIntegrationRequest request, StreamObserver<PutSqlIntegrationResponse> response) {
        String tenant = tenant(request.getTenant());
        SqlConnectionSpec c = request.getConnection();
        SqlConnection connection = new SqlConnection(c.getJdbcUrl(), c.getUser(), c.getPasswordSecret(),
                c.getPoolSize() == 0 ? SqlConnection.DEFAULT_POOL_SIZE : c.getPoolSize(), c.getDiscoverySchemasList());
        List<SqlToolDeclaration> tools = new ArrayList<>();
        for (SqlToolSpec t : request.getToolsList()) {
            List<SqlToolDeclaration.Parameter> parameters = t.getParametersList().stream()
                    .map(p -> new SqlToolDeclaration.Parameter(p.getName(), p.getType(), p.getDescription(),
                            p.getNotRequired()))
                    .toList();
            tools.add(new SqlToolDeclaration(t.getName(), t.getDescription(), t.getSql(), parameters,
                    t.getInputSchemaJson(), !t.getAllowWrites(), t.getMaxRows(),
                    t.hasTimeout() ? ProtoMapper.duration(t.getTimeout()) : Duration.ZERO, t.getDestructive(),
                    t.getIdempotent(), t.getRequiresConfirmation(), t.getExamplesJson()));
        }
        List<Compensation> declared = new ArrayList<>();
        List<dev.toolgate.gateway.error.FieldViolation> bad = new ArrayList<>();
        for (int i = 0; i < request.getToolsCount(); i++) {
            SqlToolSpec t = request.getTools(i);
            if (t.hasCompensation()) {
                String compensated = request.getIntegration() + "." + t.getName();
                ToolCompensation tc = t.getCompensation();
                bad.addAll(Compensation.check("tools[" + i + "].compensation.", compensated, tc.getCompensatingTool(),
                        tc.getArgumentsMap(), tc.getExpression()));
                declared.add(new Compensation(compensated, tc.getCompensatingTool(), tc.getArgumentsMap(),
                        tc.getExpression()));
            }
        }
        Identifiers.requireNoLocatedViolations(bad);
        PutSqlIntegrationResponse report = ProtoMapper.sqlReport(request.getIntegration(), sql.put(tenant,
                request.getIntegration(), request.getDescription(), connection, tools));
        declared.forEach(d -> compensations.put(tenant, d));
        reply(response, report.toBuilder().addAllNotAllowed(notAllowed(tenant, report.getAddedList(),
                report.getChangedList(), report.getUnchangedList())).build());
    }

    /** The integration's tools that no rule of the tenant's policy allows to any agent (invisible to all). */
    @SafeVarargs
    private List<String> notAllowed(String tenant, List<String>... names) {
        dev.toolgate.policy.TenantPolicy rules = policy.policyOf(tenant);
        List<String> out = new ArrayList<>();
        for (List<String> list : names) {
            for (String name : list) {
                if (!rules.allowsSomeAgent(name)) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    @Override
    public void setIdentityProvider(SetIdentityProviderRequest request,
            StreamObserver<SetIdentityProviderResponse> response) {
        String tenant = tenant(request.getTenant());
        IdentityProvider provider = IdentityProvider.of(tenant, request.getIssuer(), request.getJwksUrl(),
                request.getAudience(), request.hasClockSkew() ? ProtoMapper.duration(request.getClockSkew()) : null);
        admin.requireTenant(tenant);
        IdentityProvider stored = identityProviders.put(provider);
        reply(response, SetIdentityProviderResponse.newBuilder().setTenant(stored.tenant())
                .setIssuer(stored.issuer()).setJwksUrl(stored.jwksUrl().toString()).setAudience(stored.audience())
                .setClockSkew(ProtoMapper.duration(stored.clockSkew())).build());
    }

    @Override
    public void setConnectionClient(SetConnectionClientRequest request,
            StreamObserver<SetConnectionClientResponse> response) {
        String tenant = tenant(request.getTenant());
        ConnectionClient client = ConnectionClient.of(tenant, request.getIntegration(), request.getAuthorizationUrl(),
                request.getTokenUrl(), request.getClientId(), request.getClientSecret(), request.getScopes(),
                request.getApiKeyHeader());
        admin.requireTenant(tenant);
        java.net.URI redirect = connections.configure(client);
        reply(response, SetConnectionClientResponse.newBuilder().setIntegration(client.integration())
                .setRedirectUri(redirect.toString()).build());
    }

    @Override
    public void setTokenExchangeClient(dev.toolgate.proto.v1.SetTokenExchangeClientRequest request,
            StreamObserver<dev.toolgate.proto.v1.SetTokenExchangeClientResponse> response) {
        String tenant = tenant(request.getTenant());
        dev.toolgate.gateway.connections.ExchangeClient client = dev.toolgate.gateway.connections.ExchangeClient.of(
                tenant, request.getIntegration(), request.getTokenUrl(), request.getClientId(),
                request.getClientSecret(), request.getAudience(), request.getScopes(), request.getSubjectTokenType());
        admin.requireTenant(tenant);
        exchanges.configure(client);
        reply(response, dev.toolgate.proto.v1.SetTokenExchangeClientResponse.newBuilder()
                .setIntegration(client.integration()).build());
    }

    @Override
    public void deleteIdentityProvider(DeleteIdentityProviderRequest request,
            StreamObserver<DeleteIdentityProviderResponse> response) {
        String tenant = tenant(request.getTenant());
        if (!identityProviders.delete(tenant)) {
            throw GatewayException.notFound("IDENTITY_PROVIDER_NOT_FOUND", "tenant '" + tenant
                    + "' has no identity provider", List.of());
        }
        reply(response, DeleteIdentityProviderResponse.getDefaultInstance());
    }

    @Override
    public void setConsoleSignIn(dev.toolgate.proto.v1.SetConsoleSignInRequest request,
            StreamObserver<dev.toolgate.proto.v1.SetConsoleSignInResponse> response) {
        String tenant = tenant(request.getTenant());
        admin.requireTenant(tenant);
        java.util.Map<dev.toolgate.gateway.console.ConsoleRole, List<String>> groups = java.util.Map.of(
                dev.toolgate.gateway.console.ConsoleRole.ADMIN, request.getAdminGroupsList(),
                dev.toolgate.gateway.console.ConsoleRole.APPROVER, request.getApproverGroupsList(),
                dev.toolgate.gateway.console.ConsoleRole.AUDITOR, request.getAuditorGroupsList(),
                dev.toolgate.gateway.console.ConsoleRole.USER, request.getUserGroupsList());
        var stored = consoleSignIns.set(tenant, request.getIssuer(), request.getClientId(), request.getClientSecret(),
                request.getScopes(), request.getGroupsClaim(), groups);
        reply(response, dev.toolgate.proto.v1.SetConsoleSignInResponse.newBuilder().setTenant(tenant)
                .setIssuer(stored.signIn().issuerText()).setClientId(stored.signIn().clientId())
                .setRedirectUri(stored.redirectUri()).setLoginUrl(stored.loginUrl()).build());
    }

    @Override
    public void setConnectLinks(dev.toolgate.proto.v1.SetConnectLinksRequest request,
            StreamObserver<dev.toolgate.proto.v1.ConnectLinks> response) {
        String tenant = tenant(request.getTenant());
        admin.requireTenant(tenant);
        reply(response, connectLinks(connections.allowUnverified(tenant, request.getUnverifiedAllowed())));
    }

    @Override
    public void getConnectLinks(dev.toolgate.proto.v1.GetConnectLinksRequest request,
            StreamObserver<dev.toolgate.proto.v1.ConnectLinks> response) {
        String tenant = tenant(request.getTenant());
        admin.requireTenant(tenant);
        reply(response, connectLinks(connections.linkSettings(tenant)));
    }

    private static dev.toolgate.proto.v1.ConnectLinks connectLinks(ConnectedAccounts.LinkSettings s) {
        return dev.toolgate.proto.v1.ConnectLinks.newBuilder().setTenant(s.tenant())
                .setUnverifiedAllowed(s.unverifiedAllowed()).setSignInConfigured(s.signInConfigured()).build();
    }

    @Override
    public void deleteConsoleSignIn(dev.toolgate.proto.v1.DeleteConsoleSignInRequest request,
            StreamObserver<dev.toolgate.proto.v1.DeleteConsoleSignInResponse> response) {
        String tenant = tenant(request.getTenant());
        consoleSignIns.delete(tenant);
        reply(response, dev.toolgate.proto.v1.DeleteConsoleSignInResponse.getDefaultInstance());
    }

    @Override
    public void queryCalls(QueryCallsRequest request, StreamObserver<QueryCallsResponse> response) {
        String tenant = tenant(request.getTenant());
        admin.requireTenant(tenant); // an empty page would read as "nothing happened" for a mistyped tenant
        reply(response, ProtoMapper.auditPage(audit.query(new AuditQuery(tenant,
                request.hasSince() ? Optional.of(ProtoMapper.instant(request.getSince())) : Optional.empty(),
                request.hasUntil() ? Optional.of(ProtoMapper.instant(request.getUntil())) : Optional.empty(),
                request.getAgentId(), request.getTool(), request.getSessionId(), request.getPolicyDecision(),
                request.getStatus(), request.getTraceId(), request.getPageSize(), request.getPageToken(),
                request.getSkill(), request.getUserId()))));
    }

    @Override
    public void setIntegrationResilience(SetIntegrationResilienceRequest wrapper,
            StreamObserver<IntegrationResilience> response) {
        IntegrationResilience request = wrapper.getResilience();
        String tenant = tenant(request.getTenant());
        ResilienceOverrides overrides = new ResilienceOverrides(request.getMaxAttempts(), request.getMaxConcurrent(),
                request.getFailureRateThreshold(), request.hasOpenDuration()
                        ? ProtoMapper.duration(request.getOpenDuration()) : Duration.ZERO,
                request.getIdempotencyKeyHeader());
        Identifiers.requireNoViolations(overrides.check());
        IntegrationEntity saved = catalog.updateSettings(tenant, request.getIntegration(), e -> {
            if (!overrides.idempotencyKeyHeader().isEmpty() && !e.kind().is(IntegrationKind.HTTP)) {
                throw GatewayException.invalidArgument("idempotency_key_header", "integration '" + e.name() + "' is of"
                        + " kind '" + e.kind() + "': only HTTP requests carry an idempotency key");
            }
            return overrides.into(e.settings());
        });
        ResilienceOverrides stored = ResilienceOverrides.fromSettings(saved.settings());
        reply(response, IntegrationResilience.newBuilder().setTenant(tenant).setIntegration(saved.name())
                .setMaxAttempts(stored.maxAttempts()).setMaxConcurrent(stored.maxConcurrent())
                .setFailureRateThreshold(stored.failureRateThreshold())
                .setOpenDuration(ProtoMapper.duration(stored.openDuration()))
                .setIdempotencyKeyHeader(stored.idempotencyKeyHeader()).build());
    }

    private static ParamLocation location(dev.toolgate.proto.v1.ParamBinding p) {
        return switch (p.getLocation()) {
            case PARAM_LOCATION_PATH -> ParamLocation.PATH;
            case PARAM_LOCATION_QUERY -> ParamLocation.QUERY;
            case PARAM_LOCATION_HEADER -> ParamLocation.HEADER;
            case PARAM_LOCATION_BODY -> ParamLocation.BODY;
            default -> throw GatewayException.invalidArgument("params.location", "location of argument '"
                    + p.getArgument() + "' must be PATH, QUERY, HEADER or BODY");
        };
    }

    @Override
    public void createSkill(CreateSkillRequest request, StreamObserver<SkillInfo> response) {
        reply(response, SkillProtos.info(skills.create(tenant(request.getTenant()), request.getName(),
                request.getDescription(), request.getToolsList())));
    }

    @Override
    public void deleteSkill(DeleteSkillRequest request, StreamObserver<DeleteSkillResponse> response) {
        skills.delete(tenant(request.getTenant()), request.getName());
        reply(response, DeleteSkillResponse.getDefaultInstance());
    }

    @Override
    public void listSkills(ListSkillsRequest request, StreamObserver<ListSkillsResponse> response) {
        reply(response, ListSkillsResponse.newBuilder().addAllSkills(skills.list(tenant(request.getTenant())).stream()
                .map(SkillProtos::info).toList()).build());
    }

    @Override
    public void addSkillTools(AddSkillToolsRequest request, StreamObserver<SkillInfo> response) {
        reply(response, SkillProtos.info(skills.addTools(tenant(request.getTenant()), request.getSkill(),
                request.getToolsList())));
    }

    @Override
    public void removeSkillTools(RemoveSkillToolsRequest request, StreamObserver<SkillInfo> response) {
        reply(response, SkillProtos.info(skills.removeTools(tenant(request.getTenant()), request.getSkill(),
                request.getToolsList())));
    }

    @Override
    public void attachSkillSecret(AttachSkillSecretRequest request, StreamObserver<SkillInfo> response) {
        reply(response, SkillProtos.info(skills.attachSecret(tenant(request.getTenant()), request.getSkill(),
                request.getIntegration(), request.getSlot(), request.getSecret())));
    }

    @Override
    public void detachSkillSecret(DetachSkillSecretRequest request, StreamObserver<SkillInfo> response) {
        reply(response, SkillProtos.info(skills.detachSecret(tenant(request.getTenant()), request.getSkill(),
                request.getIntegration(), request.getSlot())));
    }

    @Override
    public void assignSkill(AssignSkillRequest request, StreamObserver<SkillInfo> response) {
        reply(response, SkillProtos.info(skills.assign(tenant(request.getTenant()), request.getKeyId(),
                request.getSkill())));
    }

    @Override
    public void unassignSkill(UnassignSkillRequest request, StreamObserver<SkillInfo> response) {
        reply(response, SkillProtos.info(skills.unassign(tenant(request.getTenant()), request.getKeyId(),
                request.getSkill())));
    }

    @Override
    public void listToolChanges(dev.toolgate.proto.v1.ListToolChangesRequest request,
            StreamObserver<dev.toolgate.proto.v1.ListToolChangesResponse> response) {
        dev.toolgate.proto.v1.ListToolChangesResponse.Builder out =
                dev.toolgate.proto.v1.ListToolChangesResponse.newBuilder();
        toolChanges.list(tenant(request.getTenant()), request.getAll(), request.getTool())
                .forEach(c -> out.addChanges(ToolChangeProtos.summary(c)));
        reply(response, out.build());
    }

    @Override
    public void getToolChange(dev.toolgate.proto.v1.GetToolChangeRequest request,
            StreamObserver<dev.toolgate.proto.v1.ToolChange> response) {
        reply(response, ToolChangeProtos.detail(toolChanges.get(tenant(request.getTenant()), request.getId())));
    }

    @Override
    public void decideToolChange(dev.toolgate.proto.v1.DecideToolChangeRequest request,
            StreamObserver<dev.toolgate.proto.v1.ToolChange> response) {
        String tenant = tenant(request.getTenant());
        Principal p = PrincipalContext.current();
        String by = p.bootstrapAdmin() ? "bootstrap" : p.agentId();
        reply(response, ToolChangeProtos.detail(toolChanges.decide(tenant, request.getId(), request.getApprove(), by,
                request.getNote())));
    }

    @Override
    public void setToolPinning(dev.toolgate.proto.v1.SetToolPinningRequest request,
            StreamObserver<dev.toolgate.proto.v1.ToolPinning> response) {
        String tenant = tenant(request.getTenant());
        dev.toolgate.gateway.catalog.PinningMode mode = toolChanges.setMode(tenant,
                ToolChangeProtos.mode(request.getMode()));
        reply(response, dev.toolgate.proto.v1.ToolPinning.newBuilder().setTenant(tenant)
                .setMode(ToolChangeProtos.mode(mode)).build());
    }

    private static Principal requireAdmin() {
        Principal p = PrincipalContext.current();
        if (!p.hasScope(dev.toolgate.gateway.auth.Scopes.ADMIN)) {
            throw GatewayException.permissionDenied("ADMIN_SCOPE_REQUIRED", "this API key lacks the 'admin' scope");
        }
        return p;
    }

    /** The tenant the request names, if the caller may administer it; otherwise as if it did not exist. */
    private static String tenant(String requested) {
        Principal p = requireAdmin();
        String tenant = requested.isEmpty() && !p.bootstrapAdmin() ? p.tenantId() : requested;
        if (tenant.isEmpty()) {
            throw GatewayException.invalidArgument("tenant", "tenant is required");
        }
        if (!p.canAdminister(tenant)) {
            throw GatewayException.notFound("TENANT_NOT_FOUND", "tenant '" + Identifiers.abbreviate(tenant)
                    + "' does not exist", List.of());
        }
        return tenant;
    }

    private static <T> void reply(StreamObserver<T> response, T message) {
        response.onNext(message);
        response.onCompleted();
    }
}
