package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.egress.EgressGuard;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.secrets.SecretRepository;
import dev.toolgate.gateway.tenancy.TenantRepository;
import dev.toolgate.gateway.validation.SchemaCompiler;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Changes the registry: HTTP integrations and hand-defined HTTP tools. Validates everything
 * first and reports every problem at once; a refused change writes nothing. Each change to a
 * tool makes a new version. Writes run in one transaction each; the tenant's catalog is
 * invalidated after the commit, so no reader can cache what was not committed.
 */
@Singleton
public class CatalogWriter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CatalogWriter.class);
    private static final int MAX_DESCRIPTION = 8000;
    private static final int MAX_SCHEMA_CHARS = 256 * 1024;

    private final TenantRepository tenants;
    private final IntegrationRepository integrations;
    private final ToolRepository tools;
    private final ToolVersionRepository versions;
    private final SecretRepository secrets;
    private final SchemaCompiler compiler;
    private final Catalog catalog;
    private final Clock clock;
    private final TransactionOperations<Connection> tx;
    private final CatalogRevisionRepository revisions;
    private final ApplicationEventPublisher<IntegrationChanged> changes;
    private final ToolChangeRepository held;
    private final ToolPinningRepository pinning;
    private final DefinitionChangeStats stats;

    public CatalogWriter(TenantRepository tenants, IntegrationRepository integrations, ToolRepository tools,
            ToolVersionRepository versions, SecretRepository secrets, SchemaCompiler compiler, Catalog catalog,
            Clock clock, TransactionOperations<Connection> tx, CatalogRevisionRepository revisions,
            ApplicationEventPublisher<IntegrationChanged> changes, ToolChangeRepository held,
            ToolPinningRepository pinning, DefinitionChangeStats stats) {
        this.held = requireNonNull(held, "held");
        this.pinning = requireNonNull(pinning, "pinning");
        this.stats = requireNonNull(stats, "stats");
        this.changes = requireNonNull(changes, "changes");
        this.tenants = requireNonNull(tenants, "tenants");
        this.integrations = requireNonNull(integrations, "integrations");
        this.tools = requireNonNull(tools, "tools");
        this.versions = requireNonNull(versions, "versions");
        this.secrets = requireNonNull(secrets, "secrets");
        this.compiler = requireNonNull(compiler, "compiler");
        this.catalog = requireNonNull(catalog, "catalog");
        this.clock = requireNonNull(clock, "clock");
        this.tx = requireNonNull(tx, "tx");
        this.revisions = requireNonNull(revisions, "revisions");
    }

    /** Creates the integration, or updates base URL, auth and description when it exists. */
    public IntegrationEntity putHttpIntegration(String tenant, String name, String baseUrl, HttpAuth auth,
            String description) {
        List<FieldViolation> problems = new ArrayList<>();
        Identifiers.checkName("name", name).ifPresent(problems::add);
        EgressGuard.checkBaseUrl("base_url", baseUrl).ifPresent(problems::add);
        if (baseUrl.length() > 2048) {
            problems.add(new FieldViolation("base_url", "base_url is longer than 2048 chars"));
        }
        if (description.length() > MAX_DESCRIPTION) {
            problems.add(new FieldViolation("description", "description is longer than " + MAX_DESCRIPTION + " chars"));
        }
        if (auth.kind() == HttpAuth.Kind.BEARER) {
            Identifiers.checkName("auth.bearer.secret", auth.secret()).ifPresent(problems::add);
        }
        Identifiers.requireNoViolations(problems);
        IntegrationEntity saved = tx.executeWrite(status -> writeIntegration(tenant, name, baseUrl, auth, description));
        catalog.invalidate(tenant);
        return saved;
    }

    private IntegrationEntity writeIntegration(String tenant, String name, String baseUrl, HttpAuth auth,
            String description) {
        requireTenant(tenant);
        if (auth.kind() == HttpAuth.Kind.BEARER && secrets.findByTenantIdAndName(tenant, auth.secret()).isEmpty()) {
            throw GatewayException.failedPrecondition("SECRET_NOT_FOUND", "secret '" + auth.secret()
                    + "' does not exist in tenant '" + tenant + "'; store it with PutSecret first");
        }
        String normalized = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        Instant now = clock.instant();
        Optional<IntegrationEntity> existing = integrations.findByTenantIdAndName(tenant, name);
        IntegrationEntity saved;
        if (existing.isPresent()) {
            IntegrationEntity e = requireKind(existing.get(), IntegrationKind.HTTP);
            saved = replace(new IntegrationEntity(e.id(), tenant, name, e.kind(), normalized,
                    auth.kind(), auth.secret(), description, e.createdAt(), now, e.securitySchemes(), e.source(),
                    e.settings()));
        } else {
            saved = integrations.save(new IntegrationEntity(Identifiers.newId("int"), tenant, name, StoredKind.of(IntegrationKind.HTTP),
                    normalized, auth.kind(), auth.secret(), description, now, now, SecuritySchemes.NONE.toJson(),
                    IntegrationSource.MANUAL, "{}"));
        }
        revisions.bump(tenant);
        return saved;
    }

    /**
     * Creates the tool (version 1) or, when the definition differs from the current version,
     * adds a new version; an identical upsert changes nothing. Returns the current definition.
     */
    public ToolDefinition upsertHttpTool(ToolSpec spec) {
        JsonNode schema = checkTool(spec);
        String qualifiedName = tx.executeWrite(status -> {
            requireTenant(spec.tenant());
            IntegrationEntity integration = requireKind(existingIntegration(spec.tenant(), spec.integration()),
                    IntegrationKind.HTTP);
            if (integration.source() == IntegrationSource.OPENAPI) {
                throw GatewayException.failedPrecondition("INTEGRATION_IMPORTED", "integration '"
                        + integration.name() + "' is imported from an OpenAPI document; change the document and"
                        + " import it again (a hand-made tool there would lose the document's credentials and styles)");
            }
            ToolRows rows = ToolRows.of(tools, versions, spec.tenant(), integration.id(), spec.name());
            Written w = writeTool(spec, schema, integration, null, rows);
            rows.flush();
            if (w.outcome() != Outcome.UNCHANGED) {
                revisions.bump(spec.tenant());
            }
            return w.qualifiedName();
        });
        catalog.invalidate(spec.tenant());
        return catalog.find(spec.tenant(), qualifiedName)
                .orElseThrow(() -> new IllegalStateException("tool just written is not in the catalog"));
    }

    /**
     * Makes the integration's tools exactly {@code specs} (an OpenAPI import): creates or updates
     * the integration, adds and versions tools, and deletes the live tools that are not in
     * {@code specs} and not in {@code keep}. A spec that fails validation is left out and reported;
     * the rest is written in one transaction, and when no spec is valid nothing is written.
     *
     * @param keep names of tools to leave as they are (operations that failed to import this time)
     */
    public ToolSetChange replaceHttpTools(String tenant, String integration, String baseUrl, String description,
            SecuritySchemes schemes, List<ToolSpec> specs, Set<String> keep) {
        List<FieldViolation> problems = new ArrayList<>();
        Identifiers.checkName("integration", integration).ifPresent(problems::add);
        EgressGuard.checkBaseUrl("base_url", baseUrl).ifPresent(problems::add);
        if (baseUrl.length() > 2048) {
            problems.add(new FieldViolation("base_url", "base_url is longer than 2048 chars"));
        }
        Identifiers.requireNoViolations(problems);
        Map<String, String> rejected = new java.util.LinkedHashMap<>();
        Map<ToolSpec, JsonNode> valid = validSpecs(specs, rejected);
        if (valid.isEmpty()) {
            throw GatewayException.invalidArgument("document", "none of the " + specs.size()
                    + " operations could become a tool" + (rejected.isEmpty() ? ""
                    : "; first problem: " + rejected.entrySet().iterator().next()));
        }
        ToolSetChange change = tx.executeWrite(status -> {
            requireTenant(tenant);
            IntegrationEntity saved = writeImportedIntegration(tenant, integration, baseUrl, description, schemes);
            return writeToolSet(tenant, saved, valid, keep, rejected, Review.of(ToolChangeSource.OPENAPI_IMPORT,
                    pinning.modeOf(tenant)));
        });
        catalog.invalidate(tenant);
        return change;
    }

    /**
     * Makes a SQL integration's tools exactly {@code specs}: creates or updates the integration
     * (connection settings, never a credential), adds and versions tools, deletes the rest. Every
     * spec must be valid: the first problem refuses the whole change and nothing is written.
     */
    public ToolSetChange replaceSqlTools(String tenant, String integration, String jdbcUrl, String settingsJson,
            String passwordSecret, String description, List<ToolSpec> specs) {
        List<FieldViolation> problems = new ArrayList<>();
        Identifiers.checkName("integration", integration).ifPresent(problems::add);
        if (description.length() > MAX_DESCRIPTION) {
            problems.add(new FieldViolation("description", "description is longer than " + MAX_DESCRIPTION + " chars"));
        }
        Map<ToolSpec, JsonNode> valid = new java.util.LinkedHashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            try {
                valid.put(specs.get(i), checkTool(specs.get(i)));
            } catch (GatewayException e) {
                String prefix = "tools[" + i + "].";
                e.violations().forEach(v -> problems.add(new FieldViolation(prefix + v.field(), v.message())));
            }
        }
        Identifiers.requireNoLocatedViolations(problems);
        ToolSetChange change = tx.executeWrite(status -> {
            requireTenant(tenant);
            if (!passwordSecret.isEmpty() && secrets.findByTenantIdAndName(tenant, passwordSecret).isEmpty()) {
                throw GatewayException.failedPrecondition("SECRET_NOT_FOUND", "secret '" + passwordSecret
                        + "' does not exist in tenant '" + tenant + "'; store the database password with PutSecret"
                        + " first");
            }
            Instant now = clock.instant();
            Optional<IntegrationEntity> existing = integrations.findByTenantIdAndName(tenant, integration);
            IntegrationEntity saved;
            if (existing.isPresent()) {
                IntegrationEntity e = requireKind(existing.get(), IntegrationKind.SQL);
                saved = replace(new IntegrationEntity(e.id(), tenant, integration, e.kind(), jdbcUrl,
                        HttpAuth.Kind.NONE, "", description, e.createdAt(), now, SecuritySchemes.NONE.toJson(),
                        IntegrationSource.SQL, keepResilience(e.settings(), settingsJson)));
            } else {
                saved = integrations.save(new IntegrationEntity(Identifiers.newId("int"), tenant, integration,
                        StoredKind.of(IntegrationKind.SQL), jdbcUrl, HttpAuth.Kind.NONE, "", description, now, now,
                        SecuritySchemes.NONE.toJson(), IntegrationSource.SQL, settingsJson));
            }
            return writeToolSet(tenant, saved, valid, Set.of(), Map.of(), null);
        });
        catalog.invalidate(tenant);
        return change;
    }

    /**
     * Makes an MCP integration's tools what its server lists now: creates or updates the
     * integration (URL, credential secret names, settings), adds and versions tools, deletes the
     * ones the server no longer lists. A tool that cannot be stored (its schema does not compile,
     * its name collides) is reported in {@code rejected} and left as it was.
     */
    public ToolSetChange replaceMcpTools(String tenant, String integration, String url, HttpAuth auth,
            String settingsJson, String description, List<ToolSpec> specs, Map<String, String> rejectedBefore) {
        List<FieldViolation> problems = new ArrayList<>();
        Identifiers.checkName("integration", integration).ifPresent(problems::add);
        if (!url.startsWith("stdio:")) { // stdio servers are checked against the gateway's own declarations
            EgressGuard.checkBaseUrl("url", url).ifPresent(problems::add);
        }
        if (description.length() > MAX_DESCRIPTION) {
            problems.add(new FieldViolation("description", "description is longer than " + MAX_DESCRIPTION + " chars"));
        }
        Identifiers.requireNoViolations(problems);
        Map<String, String> rejected = new java.util.LinkedHashMap<>(rejectedBefore);
        Map<ToolSpec, JsonNode> valid = validSpecs(specs, rejected);
        ToolSetChange change = tx.executeWrite(status -> {
            requireTenant(tenant);
            if (auth.kind() == HttpAuth.Kind.BEARER && secrets.findByTenantIdAndName(tenant, auth.secret()).isEmpty()) {
                throw GatewayException.failedPrecondition("SECRET_NOT_FOUND", "secret '" + auth.secret()
                        + "' does not exist in tenant '" + tenant + "'; store the server's token with PutSecret first");
            }
            Instant now = clock.instant();
            Optional<IntegrationEntity> existing = integrations.findByTenantIdAndName(tenant, integration);
            IntegrationEntity saved;
            if (existing.isPresent()) {
                IntegrationEntity e = requireKind(existing.get(), IntegrationKind.MCP);
                IntegrationEntity next = new IntegrationEntity(e.id(), tenant, integration, e.kind(), url,
                        auth.kind(), auth.secret(), description, e.createdAt(), now,
                        SecuritySchemes.NONE.toJson(), IntegrationSource.MCP,
                        keepResilience(e.settings(), settingsJson));
                // a sync of the same registration (the server announced new tools over its session) keeps
                // the client; a registration that differs replaces it
                boolean same = e.baseUrl().equals(next.baseUrl()) && e.authKind() == next.authKind()
                        && java.util.Objects.equals(e.authSecret(), next.authSecret())
                        && java.util.Objects.equals(e.description(), next.description())
                        && e.settings().equals(next.settings());
                saved = same ? integrations.update(next) : replace(next);
            } else {
                saved = integrations.save(new IntegrationEntity(Identifiers.newId("int"), tenant, integration,
                        StoredKind.of(IntegrationKind.MCP), url, auth.kind(), auth.secret(), description, now, now,
                        SecuritySchemes.NONE.toJson(), IntegrationSource.MCP, settingsJson));
            }
            return writeToolSet(tenant, saved, valid, Set.of(), rejected, Review.of(ToolChangeSource.MCP_SYNC,
                    pinning.modeOf(tenant)));
        });
        catalog.invalidate(tenant);
        return change;
    }

    /** Writes the valid specs, deletes live tools not named by them, {@code keep} or {@code rejected}. */
    private ToolSetChange writeToolSet(String tenant, IntegrationEntity saved, Map<ToolSpec, JsonNode> valid,
            Set<String> keep, Map<String, String> rejected, Review review) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> heldNames = new ArrayList<>();
        Set<String> names = new HashSet<>(keep);
        ToolRows rows = ToolRows.ofIntegration(tools, versions, tenant, saved.id());
        for (Map.Entry<ToolSpec, JsonNode> e : valid.entrySet()) {
            Written w = writeTool(e.getKey(), e.getValue(), saved, review, rows);
            names.add(e.getKey().name());
            (switch (w.outcome()) {
                case ADDED -> added;
                case CHANGED -> changed;
                case HELD -> heldNames;
                case UNCHANGED -> unchanged;
            }).add(w.qualifiedName());
        }
        rows.flush();
        names.addAll(rejected.keySet());
        List<String> removed = new ArrayList<>();
        for (ToolEntity t : tools.findByTenantIdAndIntegrationIdAndDeletedAtIsNull(tenant, saved.id())) {
            if (!names.contains(t.name())) {
                Instant now = clock.instant();
                tools.update(new ToolEntity(t.id(), t.tenantId(), t.integrationId(), t.name(), t.currentVersion(),
                        t.createdAt(), now, now));
                supersedePending(tenant, t.id(), "the upstream no longer lists the tool");
                removed.add(saved.name() + "." + t.name());
            }
        }
        revisions.bump(tenant);
        return new ToolSetChange(added, changed, unchanged, removed, rejected, heldNames);
    }

    /**
     * What {@link #replaceHttpTools} did, by qualified tool name; {@code rejected} by tool name;
     * {@code held}: changed definitions held for an admin while the pinned ones serve.
     */
    public record ToolSetChange(List<String> added, List<String> changed, List<String> unchanged, List<String> removed,
            Map<String, String> rejected, List<String> held) {
        public ToolSetChange {
            added = List.copyOf(added);
            changed = List.copyOf(changed);
            unchanged = List.copyOf(unchanged);
            removed = List.copyOf(removed);
            rejected = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rejected));
            held = List.copyOf(held);
        }

        public ToolSetChange(List<String> added, List<String> changed, List<String> unchanged, List<String> removed,
                Map<String, String> rejected) {
            this(added, changed, unchanged, removed, rejected, List.of());
        }
    }

    /** Where a change comes from, when it is to be reviewed (null: an admin wrote the tool by hand). */
    private record Review(ToolChangeSource source, PinningMode mode) {
        static Review of(ToolChangeSource source, PinningMode mode) {
            return mode == PinningMode.OFF ? null : new Review(source, mode);
        }
    }

    private IntegrationEntity writeImportedIntegration(String tenant, String name, String baseUrl, String description,
            SecuritySchemes schemes) {
        Instant now = clock.instant();
        String text = description.length() > MAX_DESCRIPTION ? description.substring(0, MAX_DESCRIPTION) : description;
        Optional<IntegrationEntity> existing = integrations.findByTenantIdAndName(tenant, name);
        if (existing.isPresent()) {
            IntegrationEntity e = requireKind(existing.get(), IntegrationKind.HTTP);
            return replace(new IntegrationEntity(e.id(), tenant, name, e.kind(), baseUrl, e.authKind(),
                    e.authSecret(), text, e.createdAt(), now, schemes.toJson(), IntegrationSource.OPENAPI,
                    e.settings()));
        }
        return integrations.save(new IntegrationEntity(Identifiers.newId("int"), tenant, name, StoredKind.of(IntegrationKind.HTTP), baseUrl,
                HttpAuth.Kind.NONE, "", text, now, now, schemes.toJson(), IntegrationSource.OPENAPI, "{}"));
    }

    /** From this many specs on, {@link #validSpecs} checks them on all cores. */
    static final int PARALLEL_CHECKS = 32;

    /**
     * The specs that pass {@link #checkTool}, with their schemas, in their order; the others go to
     * {@code rejected} by name. Checking a spec is CPU work on it alone (meta-validating and compiling
     * its schema: most of a large import's own time), so a large set is checked on all cores.
     */
    private Map<ToolSpec, JsonNode> validSpecs(List<ToolSpec> specs, Map<String, String> rejected) {
        List<Object> checked = (specs.size() < PARALLEL_CHECKS ? specs.stream() : specs.parallelStream())
                .map(spec -> {
                    try {
                        return (Object) checkTool(spec);
                    } catch (GatewayException e) {
                        return e;
                    }
                })
                .toList();
        Map<ToolSpec, JsonNode> valid = new java.util.LinkedHashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            if (checked.get(i) instanceof GatewayException e) {
                rejected.put(specs.get(i).name(), e.getMessage());
            } else {
                valid.put(specs.get(i), (JsonNode) checked.get(i));
            }
        }
        return valid;
    }

    /** Validates a tool spec and returns its parsed input schema; INVALID_ARGUMENT listing every problem. */
    private JsonNode checkTool(ToolSpec spec) {
        List<FieldViolation> problems = new ArrayList<>();
        Identifiers.checkName("integration", spec.integration()).ifPresent(problems::add);
        Identifiers.checkName("name", spec.name()).ifPresent(problems::add);
        if (spec.description().isBlank()) {
            problems.add(new FieldViolation("description",
                    "description is required: the model reads it to decide when to call the tool"));
        } else if (spec.description().length() > MAX_DESCRIPTION) {
            problems.add(new FieldViolation("description", "description is longer than " + MAX_DESCRIPTION + " chars"));
        }
        if (spec.timeout().isNegative() || spec.timeout().isZero() || spec.timeout().compareTo(ToolSpec.MAX_TIMEOUT) > 0) {
            problems.add(new FieldViolation("timeout", "timeout must be more than 0 and at most 5 minutes, but was "
                    + spec.timeout()));
        }
        if (spec.outputSchemaJson().length() > MAX_SCHEMA_CHARS) {
            problems.add(new FieldViolation("output_schema_json", "output_schema_json is longer than "
                    + MAX_SCHEMA_CHARS + " chars"));
        }
        problems.addAll(spec.binding().check());
        JsonNode schema = parseSchema(spec.inputSchemaJson(), problems);
        if (schema != null) {
            try {
                compiler.compile("input_schema_json", schema, spec.formatChecks());
                checkBindingAgainstSchema(spec.binding(), schema, problems);
            } catch (GatewayException e) {
                problems.addAll(e.violations());
            }
        }
        Identifiers.requireNoViolations(problems);
        return schema;
    }

    private IntegrationEntity existingIntegration(String tenant, String name) {
        return integrations.findByTenantIdAndName(tenant, name)
                .orElseThrow(() -> GatewayException.notFound("INTEGRATION_NOT_FOUND", "integration '"
                        + name + "' does not exist in tenant '" + tenant + "'", List.of()));
    }

    private enum Outcome { ADDED, CHANGED, UNCHANGED, HELD }

    private record Written(String qualifiedName, Outcome outcome) {
    }

    /**
     * Writes a new version unless the current one is identical; the caller bumps the revision.
     * With a {@code review}, a change of the pinned definition (description, schemas,
     * annotations) is written as a version above the current one and held for an admin.
     */
    private Written writeTool(ToolSpec spec, JsonNode schema, IntegrationEntity integration, Review review,
            ToolRows rows) {
        Instant now = clock.instant();
        Optional<ToolEntity> existing = rows.tool(spec.name());
        String qualifiedName = integration.name() + "." + spec.name();
        boolean live = existing.isPresent() && existing.get().deletedAt() == null;
        Optional<ToolVersionEntity> current = live ? rows.current(existing.get()) : Optional.empty();
        if (current.isPresent() && unchanged(current.get(), spec, schema)) {
            if (review != null) {
                supersedePending(spec.tenant(), existing.get().id(), "the upstream went back to the pinned definition");
            }
            return new Written(qualifiedName, Outcome.UNCHANGED);
        }
        PinnedDefinition proposed = PinnedDefinition.of(spec.description(), schema, spec.outputSchemaJson(),
                spec.annotations().encode());
        if (review != null && current.isPresent()) {
            PinnedDefinition pinned = PinnedDefinition.of(current.get());
            if (!pinned.hash().equals(proposed.hash())) {
                return hold(spec, schema, existing.get(), current.get(), pinned, proposed, review, qualifiedName,
                        rows);
            }
        }
        Outcome outcome = live ? Outcome.CHANGED : Outcome.ADDED;
        ToolEntity tool;
        if (existing.isPresent()) {
            ToolEntity e = existing.get();
            tool = tools.update(new ToolEntity(e.id(), e.tenantId(), e.integrationId(), e.name(),
                    nextVersion(e), e.createdAt(), now, null));
            supersedePending(spec.tenant(), e.id(), live ? "the tool changed without a definition change"
                    : "the tool was added again");
            rows.written(tool, saveVersion(spec, schema, tool.id(), tool.currentVersion(), now));
        } else { // a new tool: its two rows go in the batch written at the end of the set
            tool = new ToolEntity(Identifiers.newId("tool"), spec.tenant(), integration.id(), spec.name(), 1, now,
                    now, null);
            rows.add(tool, version(spec, schema, tool.id(), 1, now));
        }
        if (outcome == Outcome.ADDED && review != null) {
            List<String> flags = DescriptionScanner.scan(proposed);
            if (!flags.isEmpty()) {
                stats.count(spec.tenant(), "flagged");
                LOG.warn("tool {} of tenant {} was added with a definition that speaks to the model: {}",
                        qualifiedName, spec.tenant(), flags);
            }
        }
        return new Written(qualifiedName, outcome);
    }

    /** Stores the proposed definition as a version above the served one and records the held change. */
    private Written hold(ToolSpec spec, JsonNode schema, ToolEntity tool, ToolVersionEntity current,
            PinnedDefinition pinned, PinnedDefinition proposed, Review review, String qualifiedName,
            ToolRows rows) {
        Optional<ToolChangeEntity> latest = held.findFirstByTenantIdAndToolIdOrderByProposedVersionDesc(
                spec.tenant(), tool.id());
        if (latest.isPresent() && latest.get().proposedHash().equals(proposed.hash())
                && latest.get().pinnedVersion() == current.version()) {
            ToolChangeStatus status = latest.get().state();
            if (status == ToolChangeStatus.PENDING) {
                return new Written(qualifiedName, Outcome.HELD); // the same change again: still waiting
            }
            if (status == ToolChangeStatus.REJECTED) {
                return new Written(qualifiedName, Outcome.UNCHANGED); // rejected: the pinned one stays
            }
        }
        supersedePending(spec.tenant(), tool.id(), "the upstream changed the tool again");
        Instant now = clock.instant();
        int version = nextVersion(tool);
        saveVersion(spec, schema, tool.id(), version, now);
        rows.written(tools.update(new ToolEntity(tool.id(), tool.tenantId(), tool.integrationId(), tool.name(),
                tool.currentVersion(), tool.createdAt(), now, null)), null); // the pinned version still serves
        List<String> flags = DescriptionScanner.scan(proposed);
        held.save(new ToolChangeEntity(Identifiers.newId("tchg"), spec.tenant(), tool.id(), qualifiedName,
                current.version(), version, pinned.hash(), proposed.hash(), review.source().wire(),
                JsonSupport.mapper().valueToTree(flags).toString(), ToolChangeStatus.PENDING.name(), now, null, "",
                ""));
        stats.count(spec.tenant(), "held");
        if (!flags.isEmpty()) {
            stats.count(spec.tenant(), "flagged");
        }
        LOG.warn("tool definition change held: tenant={} tool={} pinned_version={} proposed_version={} source={}"
                + " mode={} flags={}", spec.tenant(), qualifiedName, current.version(), version,
                review.source().wire(), review.mode(), flags);
        return new Written(qualifiedName, Outcome.HELD);
    }

    /** One above the highest stored version (held proposals included). */
    private int nextVersion(ToolEntity tool) {
        return Math.max(tool.currentVersion(), versions.maxVersion(tool.tenantId(), tool.id())) + 1;
    }

    private ToolVersionEntity saveVersion(ToolSpec spec, JsonNode schema, String toolId, int version, Instant now) {
        return versions.save(version(spec, schema, toolId, version, now));
    }

    private static ToolVersionEntity version(ToolSpec spec, JsonNode schema, String toolId, int version,
            Instant now) {
        return new ToolVersionEntity(Identifiers.newId("tv"), spec.tenant(), toolId, version,
                spec.description(), schema.toString(), spec.annotations().encode(), spec.binding().toJson(),
                Math.toIntExact(spec.timeout().toMillis()), now, spec.outputSchemaJson(), spec.tags().toJson(),
                spec.formatChecks().wire());
    }

    /** Marks the tool's pending change (if any) superseded. */
    private void supersedePending(String tenant, String toolId, String why) {
        for (ToolChangeEntity c : held.findByTenantIdAndToolIdAndStatus(tenant, toolId,
                ToolChangeStatus.PENDING.name())) {
            held.update(c.decided(ToolChangeStatus.SUPERSEDED, clock.instant(), "", why));
            stats.count(tenant, "superseded");
        }
    }

    /** True when the current version already says exactly what the spec says (no new version then). */
    private static boolean unchanged(ToolVersionEntity current, ToolSpec spec, JsonNode schema) {
        return Optional.of(current)
                .filter(v -> v.description().equals(spec.description())
                        && v.annotations().equals(spec.annotations().encode())
                        && v.timeoutMs() == spec.timeout().toMillis()
                        && ToolBinding.fromJson(v.binding()).equals(spec.binding())
                        && v.outputSchema().equals(spec.outputSchemaJson())
                        && ToolTags.fromJson(v.tags()).equals(spec.tags())
                        && v.formatChecks().equals(spec.formatChecks().wire())
                        && sameJson(v.inputSchema(), schema))
                .isPresent();
    }

    private static boolean sameJson(String stored, JsonNode schema) {
        try {
            return JsonSupport.mapper().readTree(stored).equals(schema);
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** Deletes a tool (its versions stay for the call records); NOT_FOUND when absent. */
    public void deleteTool(String tenant, String qualifiedName) {
        tx.executeWrite(status -> {
            markDeleted(tenant, qualifiedName);
            return null;
        });
        catalog.invalidate(tenant);
    }

    private void markDeleted(String tenant, String qualifiedName) {
        int dot = qualifiedName.indexOf('.');
        Optional<ToolEntity> tool = Optional.empty();
        if (dot > 0) {
            tool = integrations.findByTenantIdAndName(tenant, qualifiedName.substring(0, dot))
                    .flatMap(i -> tools.findByTenantIdAndIntegrationIdAndName(tenant, i.id(),
                            qualifiedName.substring(dot + 1)))
                    .filter(t -> t.deletedAt() == null);
        }
        ToolEntity t = tool.orElseThrow(() -> GatewayException.notFound("TOOL_NOT_FOUND", "tool '"
                + Identifiers.abbreviate(qualifiedName) + "' does not exist", catalog.closest(tenant, qualifiedName)));
        Instant now = clock.instant();
        tools.update(new ToolEntity(t.id(), t.tenantId(), t.integrationId(), t.name(), t.currentVersion(),
                t.createdAt(), now, now));
        supersedePending(tenant, t.id(), "the tool was deleted");
        revisions.bump(tenant);
    }

    /** Writes the replaced integration and tells whoever keeps something per integration. */
    private IntegrationEntity replace(IntegrationEntity updated) {
        return replace(updated, IntegrationChanged.Change.REPLACED);
    }

    private IntegrationEntity replace(IntegrationEntity updated, IntegrationChanged.Change change) {
        IntegrationEntity saved = integrations.update(updated);
        changes.publishEvent(IntegrationChanged.of(saved, change));
        return saved;
    }

    /**
     * Replaces an integration's settings JSON (e.g. its resilience overrides) with what
     * {@code change} makes of the integration; {@code change} may refuse by throwing.
     */
    public IntegrationEntity updateSettings(String tenant, String name,
            java.util.function.Function<IntegrationEntity, String> change) {
        IntegrationEntity saved = tx.executeWrite(status -> {
            requireTenant(tenant);
            IntegrationEntity e = existingIntegration(tenant, name);
            IntegrationEntity updated = replace(new IntegrationEntity(e.id(), tenant, name, e.kind(),
                    e.baseUrl(), e.authKind(), e.authSecret(), e.description(), e.createdAt(), clock.instant(),
                    e.securitySchemes(), e.source(), change.apply(e)), IntegrationChanged.Change.SETTINGS);
            revisions.bump(tenant);
            return updated;
        });
        catalog.invalidate(tenant);
        return saved;
    }

    /** New SQL connection settings keep the integration's resilience overrides. */
    private static String keepResilience(String old, String fresh) {
        try {
            JsonNode before = JsonSupport.mapper().readTree(old).path("resilience");
            if (before.isMissingNode()) {
                return fresh;
            }
            com.fasterxml.jackson.databind.node.ObjectNode root =
                    (com.fasterxml.jackson.databind.node.ObjectNode) JsonSupport.mapper().readTree(fresh);
            root.set("resilience", before);
            return root.toString();
        } catch (JsonProcessingException | ClassCastException e) {
            return fresh;
        }
    }

    /** FAILED_PRECONDITION when an operation for one kind of integration meets another kind. */
    private static IntegrationEntity requireKind(IntegrationEntity integration, IntegrationKind kind) {
        if (!integration.kind().is(kind)) {
            throw GatewayException.failedPrecondition("INTEGRATION_KIND_MISMATCH", "integration '" + integration.name()
                    + "' is of kind '" + integration.kind() + "', not '" + kind.stored() + "'; use another name or change it"
                    + " with the " + integration.kind() + " operations");
        }
        return integration;
    }

    private void requireTenant(String tenant) {
        if (!tenants.existsById(tenant)) {
            throw GatewayException.notFound("TENANT_NOT_FOUND", "tenant '" + Identifiers.abbreviate(tenant)
                    + "' does not exist", List.of());
        }
    }

    private static JsonNode parseSchema(String json, List<FieldViolation> problems) {
        if (json.isBlank()) {
            problems.add(new FieldViolation("input_schema_json",
                    "input_schema_json is required, e.g. {\"type\":\"object\",\"properties\":{}}"));
            return null;
        }
        if (json.length() > MAX_SCHEMA_CHARS) {
            problems.add(new FieldViolation("input_schema_json", "input_schema_json is longer than "
                    + MAX_SCHEMA_CHARS + " chars"));
            return null;
        }
        try {
            return JsonSupport.untrusted(64, MAX_SCHEMA_CHARS).readTree(json);
        } catch (JsonProcessingException e) {
            problems.add(new FieldViolation("input_schema_json", "input_schema_json is not valid JSON: "
                    + e.getOriginalMessage()));
            return null;
        }
    }

    /**
     * Bound arguments must be declared; path variables must be required (a URL cannot omit them);
     * a query's parameters must be properties of the schema.
     */
    private static void checkBindingAgainstSchema(ToolBinding toolBinding, JsonNode schema,
            List<FieldViolation> problems) {
        switch (toolBinding) {
            case McpBinding mcp -> {
                // the whole arguments object is sent as it is
            }
            case SqlBinding sql -> checkSqlBindingAgainstSchema(sql, schema, problems);
            case HttpBinding http -> checkHttpBindingAgainstSchema(http, schema, problems);
        }
    }

    private static void checkSqlBindingAgainstSchema(SqlBinding sql, JsonNode schema, List<FieldViolation> problems) {
        JsonNode properties = schema.path("properties");
        for (String argument : sql.arguments()) {
            if (!properties.has(argument)) {
                problems.add(new FieldViolation("input_schema_json", "query parameter :" + argument
                        + " is not a property of input_schema_json"));
            }
        }
    }

    private static void checkHttpBindingAgainstSchema(HttpBinding binding, JsonNode schema,
            List<FieldViolation> problems) {
        JsonNode properties = schema.path("properties");
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        for (int i = 0; i < binding.params().size(); i++) {
            ParamBinding p = binding.params().get(i);
            if (p.bound().bound()) {
                if (properties.has(p.argument())) { // the admin's value would silently replace the model's
                    problems.add(new FieldViolation("params[" + i + "].argument", "argument '" + p.argument()
                            + "' is bound to a fixed value or secret and must not be a property of input_schema_json"));
                }
                continue;
            }
            if (!properties.has(p.argument())) {
                problems.add(new FieldViolation("params[" + i + "].argument", "argument '" + p.argument()
                        + "' is not a property of input_schema_json"));
            } else if (p.location() == ParamLocation.PATH && !required.contains(p.argument())) {
                problems.add(new FieldViolation("params[" + i + "].argument", "path argument '" + p.argument()
                        + "' must be listed in the schema's \"required\""));
            }
        }
    }
}
