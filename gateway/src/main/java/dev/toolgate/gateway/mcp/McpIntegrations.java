package dev.toolgate.gateway.mcp;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.CatalogWriter;
import dev.toolgate.gateway.cluster.JobLeases;
import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.IntegrationKind;
import dev.toolgate.gateway.catalog.IntegrationRepository;
import dev.toolgate.gateway.catalog.IntegrationSource;
import dev.toolgate.gateway.catalog.SecuritySchemes;
import dev.toolgate.gateway.catalog.StoredKind;
import dev.toolgate.gateway.catalog.ToolSpec;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.egress.EgressGuard;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.execution.mcp.McpClients;
import dev.toolgate.gateway.execution.mcp.McpProperties;
import dev.toolgate.gateway.execution.mcp.StdioServers;
import dev.toolgate.gateway.secrets.SecretStore;
import dev.toolgate.gateway.tenancy.TenantEntity;
import dev.toolgate.gateway.tenancy.TenantRepository;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import io.micronaut.scheduling.annotation.Scheduled;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP servers as integrations: registers one (its tools are listed and stored at once) and
 * keeps its tools in step with the server — on demand, when the server announces
 * {@code notifications/tools/list_changed}, and every {@code toolgate.mcp.sync-interval} — the
 * way an OpenAPI re-import does: new tools are added, changed ones get a new version, tools the
 * server no longer lists are deleted. With several instances, one of them runs each scheduled sync
 * ({@link JobLeases}). Thread-safe.
 */
@Singleton
public class McpIntegrations {
    private static final Logger LOG = LoggerFactory.getLogger(McpIntegrations.class);
    /** Pages read at most: a server's pages may be small, but not endless. */
    private static final int MAX_PAGES = 1000;
    private final int maxTools;

    private final CatalogWriter writer;
    private final McpClients clients;
    private final IntegrationRepository integrations;
    private final TenantRepository tenants;
    private final SecretStore secrets;
    private final EgressGuard egress;
    private final StdioServers stdio;
    private final McpToolSpecs specs;
    /** The key {@link McpProperties#syncInterval()} checks at start, with its one default. */
    private static final String SYNC_INTERVAL = "${" + McpProperties.PREFIX + ".sync-interval:"
            + McpProperties.DEFAULT_SYNC_INTERVAL + "}";
    private final Duration timeout;
    private final Clock clock;
    private final JobLeases leases;
    private final McpSyncLog syncLog;
    private final Duration syncInterval;
    private final dev.toolgate.gateway.core.KeyedLocks locks = new dev.toolgate.gateway.core.KeyedLocks();
    private final ExecutorService notified = Executors.newVirtualThreadPerTaskExecutor();
    private final java.util.Set<String> announced = ConcurrentHashMap.newKeySet();

    /** What a sync did, and who answered. */
    public record SyncReport(String integration, CatalogWriter.ToolSetChange change, String serverName,
            String serverVersion) {
    }

    public McpIntegrations(CatalogWriter writer, McpClients clients, IntegrationRepository integrations,
            TenantRepository tenants, SecretStore secrets, EgressGuard egress, StdioServers stdio, McpToolSpecs specs,
            Clock clock,
            McpProperties config, JobLeases leases, McpSyncLog syncLog) {
        this.syncLog = requireNonNull(syncLog, "syncLog");
        this.leases = requireNonNull(leases, "leases");
        this.syncInterval = config.syncInterval();
        this.maxTools = config.maxTools();
        Duration timeout = config.listTimeout();
        this.writer = requireNonNull(writer, "writer");
        this.clients = requireNonNull(clients, "clients");
        this.integrations = requireNonNull(integrations, "integrations");
        this.tenants = requireNonNull(tenants, "tenants");
        this.secrets = requireNonNull(secrets, "secrets");
        this.egress = requireNonNull(egress, "egress");
        this.stdio = requireNonNull(stdio, "stdio");
        this.specs = requireNonNull(specs, "specs");
        this.clock = requireNonNull(clock, "clock");
        this.timeout = requireNonNull(timeout, "timeout");
        clients.onToolsChanged((integration, tools) -> {
            String key = integration.tenantId() + '/' + integration.name();
            if (announced.add(key)) { // one sync waits per integration, however many notifications arrive
                notified.execute(() -> {
                    announced.remove(key);
                    syncAnnounced(integration);
                });
            }
        });
    }

    /**
     * Registers (or changes) an MCP integration and stores the tools its server lists now.
     *
     * @throws GatewayException INVALID_ARGUMENT for a bad name or URL, FAILED_PRECONDITION for a
     *         missing secret, PERMISSION_DENIED for a forbidden address, UNAVAILABLE when the server
     *         cannot be reached (nothing is stored then)
     */
    public SyncReport put(String tenant, String name, String url, HttpAuth auth, String description,
            boolean trustAnnotations, Map<String, String> secretHeaders) {
        List<FieldViolation> problems = new ArrayList<>();
        Identifiers.checkName("name", name).ifPresent(problems::add);
        secretHeaders.forEach((header, secret) -> {
            if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")) {
                problems.add(new FieldViolation("secret_headers", "'" + Identifiers.abbreviate(header)
                        + "' is not an HTTP header name"));
            } else if (RESERVED_HEADERS.contains(header.toLowerCase(java.util.Locale.ROOT))
                    || header.equalsIgnoreCase("Authorization") && auth.kind() == HttpAuth.Kind.BEARER) {
                problems.add(new FieldViolation("secret_headers", "header '" + header + "' is set by the gateway"));
            }
            if (secrets.reveal(tenant, secret).isEmpty()) {
                problems.add(new FieldViolation("secret_headers", "secret '" + Identifiers.abbreviate(secret)
                        + "' (for header " + Identifiers.abbreviate(header) + ") does not exist in tenant '" + tenant
                        + "'"));
            }
        });
        if (StdioServers.isStdio(url)) {
            Identifiers.requireNoViolations(problems);
            stdio.require(tenant, url); // only a server the gateway's configuration declares for this tenant
        } else {
            EgressGuard.checkBaseUrl("url", url).ifPresent(problems::add);
            Identifiers.requireNoViolations(problems);
            egress.check(tenant, URI.create(url), "the MCP server at " + url);
        }
        if (auth.kind() == HttpAuth.Kind.BEARER && secrets.reveal(tenant, auth.secret()).isEmpty()) {
            throw GatewayException.failedPrecondition("SECRET_NOT_FOUND", "secret '" + auth.secret()
                    + "' does not exist in tenant '" + tenant + "'; store the server's token with PutSecret first");
        }
        Instant now = clock.instant();
        IntegrationEntity proposed = new IntegrationEntity("", tenant, name, StoredKind.of(IntegrationKind.MCP), url,
                auth.kind(), auth.secret(), description, now, now, SecuritySchemes.NONE.toJson(),
                IntegrationSource.MCP, settings(trustAnnotations, secretHeaders));
        return sync(proposed);
    }

    /** Stores what the integration's server lists now. */
    public SyncReport sync(String tenant, String name) {
        IntegrationEntity integration = integrations.findByTenantIdAndName(tenant, name)
                .filter(i -> i.kind().is(IntegrationKind.MCP))
                .orElseThrow(() -> GatewayException.notFound("INTEGRATION_NOT_FOUND", "MCP integration '" + name
                        + "' does not exist in tenant '" + tenant + "'", List.of()));
        return sync(integration);
    }

    /** Every MCP integration of every tenant, on the configured schedule; failures are logged. */
    @Scheduled(fixedDelay = SYNC_INTERVAL, initialDelay = SYNC_INTERVAL)
    void syncAll() {
        leases.runOnce("mcp-sync", syncInterval, this::syncEveryIntegration);
    }

    private void syncEveryIntegration() {
        for (TenantEntity tenant : tenants.findAll()) {
            for (IntegrationEntity i : integrations.findByTenantId(tenant.id())) {
                if (i.kind().is(IntegrationKind.MCP)) {
                    try {
                        sync(i);
                    } catch (RuntimeException e) {
                        LOG.warn("scheduled sync of MCP integration {}/{} failed: {}", i.tenantId(), i.name(),
                                e.getMessage());
                    }
                }
            }
        }
    }

    private void syncAnnounced(IntegrationEntity announced) {
        try {
            integrations.findByTenantIdAndName(announced.tenantId(), announced.name())
                    .filter(i -> i.kind().is(IntegrationKind.MCP)
                            && i.baseUrl().equals(announced.baseUrl()))
                    .ifPresent(this::sync);
        } catch (RuntimeException e) {
            LOG.warn("sync of MCP integration {}/{} after its server announced new tools failed: {}",
                    announced.tenantId(), announced.name(), e.getMessage());
        }
    }

    private SyncReport sync(IntegrationEntity integration) {
        try {
            SyncReport report = syncLocked(integration);
            syncLog.succeeded(integration.tenantId(), integration.name(), clock.instant(),
                    report.change().added().size() + report.change().changed().size()
                            + report.change().unchanged().size());
            return report;
        } catch (RuntimeException e) {
            if (!integration.id().isEmpty()) { // a registration that fails stores nothing, its outcome neither
                syncLog.failed(integration.tenantId(), integration.name(), clock.instant(), e.getMessage());
            }
            throw e;
        }
    }

    private SyncReport syncLocked(IntegrationEntity integration) {
        return locks.call(integration.tenantId() + '/' + integration.name(), () -> { // the list is fetched under it
            Listed listed = list(integration);
            Map<String, String> rejected = new LinkedHashMap<>();
            List<ToolSpec> toolSpecs = specs.of(integration.tenantId(), integration.name(), listed.tools(),
                    trustsAnnotations(integration), rejected);
            CatalogWriter.ToolSetChange change = writer.replaceMcpTools(integration.tenantId(), integration.name(),
                    integration.baseUrl(), integration.auth(), integration.settings(), integration.description(),
                    toolSpecs, rejected);
            LOG.info("MCP integration {}/{} synced: {} added, {} changed, {} removed, {} rejected",
                    integration.tenantId(), integration.name(), change.added().size(), change.changed().size(),
                    change.removed().size(), change.rejected().size());
            keepListening(integration);
            return new SyncReport(integration.name(), change, listed.server().name(), listed.server().version());
        });
    }

    /**
     * A re-registration that changed the server's address or credential drops the client it was
     * listed with (the integration changed): a client for the stored row is connected again, so
     * the server's {@code list_changed} notifications keep coming without waiting for a call. Not
     * for a stdio server: its process starts on the next call, as before.
     */
    private void keepListening(IntegrationEntity synced) {
        if (StdioServers.isStdio(synced.baseUrl())) {
            return;
        }
        integrations.findByTenantIdAndName(synced.tenantId(), synced.name())
                .filter(i -> i.kind().is(IntegrationKind.MCP))
                .ifPresent(stored -> {
                    try {
                        clients.client(stored, timeout);
                    } catch (RuntimeException e) {
                        LOG.debug("MCP integration {}/{}: no client to listen to its server: {}", stored.tenantId(),
                                stored.name(), e.getMessage());
                    }
                });
    }

    private static final java.util.Set<String> RESERVED_HEADERS = java.util.Set.of("host", "content-type",
            "content-length", "accept", "mcp-session-id", "mcp-protocol-version", "connection", "last-event-id");

    private static String settings(boolean trustAnnotations, Map<String, String> secretHeaders) {
        com.fasterxml.jackson.databind.node.ObjectNode root = dev.toolgate.gateway.core.JsonSupport.mapper()
                .createObjectNode();
        if (trustAnnotations) {
            root.put("trust_annotations", true);
        }
        if (!secretHeaders.isEmpty()) {
            com.fasterxml.jackson.databind.node.ObjectNode headers = root.putObject("secret_headers");
            new java.util.TreeMap<>(secretHeaders).forEach(headers::put);
        }
        return root.toString();
    }

    private static boolean trustsAnnotations(IntegrationEntity integration) {
        try {
            return dev.toolgate.gateway.core.JsonSupport.mapper().readTree(integration.settings())
                    .path("trust_annotations").asBoolean(false);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return false;
        }
    }

    private record Listed(List<McpSchema.Tool> tools, McpSchema.Implementation server) {
    }

    private Listed list(IntegrationEntity integration) {
        McpAsyncClient client;
        try {
            client = clients.client(integration, timeout);
        } catch (UpstreamFailure f) {
            throw GatewayException.unavailable("MCP_SERVER_UNAVAILABLE", f.getMessage(),
                    Map.of("integration", integration.name()));
        }
        List<McpSchema.Tool> tools = new ArrayList<>();
        String cursor = McpSchema.FIRST_PAGE; // one page at a time: listTools() alone reads every page, unbounded
        int pages = 0;
        try {
            do {
                McpSchema.ListToolsResult result = client.listTools(cursor).timeout(timeout).block();
                tools.addAll(result.tools());
                cursor = result.nextCursor() == null || result.nextCursor().isEmpty() ? null : result.nextCursor();
            } while (cursor != null && ++pages < MAX_PAGES && tools.size() <= maxTools);
        } catch (RuntimeException e) {
            clients.evict(integration, client);
            throw GatewayException.unavailable("MCP_SERVER_UNAVAILABLE", "the MCP server of integration '"
                    + integration.name() + "' did not list its tools: " + e.getMessage(),
                    Map.of("integration", integration.name()));
        }
        if (tools.size() > maxTools || cursor != null) { // a partial list would delete the tools not read
            throw GatewayException.failedPrecondition("TOO_MANY_TOOLS", "the MCP server of integration '"
                    + integration.name() + "' lists more than " + maxTools + " tools (or " + MAX_PAGES
                    + " pages; toolgate.mcp.max-tools); nothing was changed", Map.of());
        }
        McpSchema.Implementation server = client.getServerInfo() == null
                ? new McpSchema.Implementation("", "") : client.getServerInfo();
        return new Listed(tools, server);
    }

    /** Stops the syncs that servers' announcements started; a sync in flight is interrupted. */
    @jakarta.annotation.PreDestroy
    void close() {
        notified.shutdownNow();
    }
}
