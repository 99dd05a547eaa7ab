package dev.toolgate.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.compensation.Compensation;
import dev.toolgate.gateway.compensation.CompensationDeclarations;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.BoundValue;
import dev.toolgate.gateway.catalog.CatalogWriter;
import dev.toolgate.gateway.catalog.SecurityScheme;
import dev.toolgate.gateway.catalog.ToolSpec;
import dev.toolgate.gateway.connections.ConnectedAccounts;
import dev.toolgate.gateway.connections.ConnectionClient;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.secrets.SecretRepository;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Imports an OpenAPI document into an integration: parse, plan, store as one diff. Bad input is
 * refused with INVALID_ARGUMENT before anything is written.
 */
@Singleton
public class OpenApiImports {
    private final CatalogWriter writer;
    private final SecretRepository secrets;
    private final ConnectedAccounts connections;

    private final CompensationDeclarations compensations;
    private final dev.toolgate.gateway.cards.ToolCards cards;

    public OpenApiImports(CatalogWriter writer, SecretRepository secrets, ConnectedAccounts connections,
            CompensationDeclarations compensations, dev.toolgate.gateway.cards.ToolCards cards) {
        this.cards = requireNonNull(cards, "cards");
        this.compensations = requireNonNull(compensations, "compensations");
        this.connections = requireNonNull(connections, "connections");
        this.writer = requireNonNull(writer, "writer");
        this.secrets = requireNonNull(secrets, "secrets");
    }

    public ImportReport importDocument(String tenant, String integration, String text, ImportOptions options) {
        return importDocument(tenant, integration, text, options, Map.of());
    }

    /**
     * Imports the document; {@code declared} are compensations by the imported tool's own name (checked
     * already), which win over the document's {@code x-toolgate-compensation}.
     */
    public ImportReport importDocument(String tenant, String integration, String text, ImportOptions options,
            Map<String, Compensation> declared) {
        List<FieldViolation> problems = new ArrayList<>();
        Identifiers.checkName("integration", integration).ifPresent(problems::add);
        for (Map.Entry<String, String> e : options.secrets().entrySet()) {
            Identifiers.checkName("options.secrets[" + e.getKey() + "]", e.getValue()).ifPresent(problems::add);
        }
        for (Map.Entry<String, String> e : options.bindings().entrySet()) {
            String field = "options.bindings[" + Identifiers.abbreviate(e.getKey()) + "]";
            java.util.Optional<BoundValue> value = BoundValue.parse(e.getValue());
            if (e.getKey().isEmpty() || value.isEmpty()) {
                problems.add(new FieldViolation(field, field + " must be secret:SECRET_NAME or value:TEXT (printable"
                        + " ASCII, at most 1024 chars) for a parameter name"));
            } else if (value.get().source() == BoundValue.Source.SECRET) {
                Identifiers.checkName(field, value.get().value()).ifPresent(problems::add);
            }
        }
        if (options.timeout().isNegative() || options.timeout().isZero()
                || options.timeout().compareTo(ToolSpec.MAX_TIMEOUT) > 0) {
            problems.add(new FieldViolation("options.timeout", "options.timeout must be more than 0 and at most"
                    + " 5 minutes, but was " + options.timeout()));
        }
        Identifiers.requireNoViolations(problems);
        OpenApiDocument document = OpenApiDocument.parse(text, raw -> {
            if (!OpenApiImporter.mayHaveBaseUrl(raw, options)) { // refused before the parser's long work
                throw noBaseUrl();
            }
        });
        ImportPlan plan = OpenApiImporter.plan(document, integration, options);
        for (String scheme : options.secrets().keySet()) {
            if (plan.schemes().find(scheme).isEmpty()) {
                throw GatewayException.invalidArgument("options.secrets", "the document defines no security scheme '"
                        + Identifiers.abbreviate(scheme) + "'; it has: " + String.join(", ", plan.schemes().byName().keySet()));
            }
        }
        if (plan.baseUrl().isEmpty()) {
            throw noBaseUrl();
        }
        if (plan.tools().isEmpty()) {
            String why = plan.warnings().stream().filter(ImportWarning::skipped).limit(3).map(ImportWarning::toString)
                    .reduce((a, b) -> a + "; " + b).orElse(plan.excluded() > 0
                            ? "the filters and x-toolgate-hidden left out all " + plan.excluded() + " operations"
                            : "the document has no operations");
            throw GatewayException.invalidArgument("document", "no operation could be imported: " + why);
        }
        Set<String> used = new java.util.TreeSet<>();
        plan.tools().forEach(t -> t.binding().security().alternatives().forEach(used::addAll));
        List<SecurityScheme> perUser = plan.schemes().byName().values().stream()
                .filter(s -> s.type() == SecurityScheme.Type.USER_CONNECTION && used.contains(s.name())).toList();
        // checked before anything is written: the client through which users connect (authorization code)
        java.util.Optional<ConnectionClient> client = perUser.isEmpty() || options.connectionClientId().isEmpty()
                ? java.util.Optional.empty()
                : java.util.Optional.of(ConnectionClient.of(tenant, integration, perUser.get(0).authorizationUrl(),
                        perUser.get(0).tokenUrl(), options.connectionClientId(), perUser.get(0).secret(),
                        String.join(" ", perUser.get(0).scopes()), ""));
        List<ToolSpec> specs = new ArrayList<>();
        for (ImportedTool t : plan.tools()) {
            specs.add(new ToolSpec(tenant, integration, t.name(), t.description(), t.inputSchema().toString(),
                    t.annotations(), t.binding(), options.timeout(),
                    t.outputSchema() == null ? "" : t.outputSchema().toString(), t.tags(), t.formatChecks()));
        }
        CatalogWriter.ToolSetChange change = writer.replaceHttpTools(tenant, integration, plan.baseUrl(),
                plan.title(), plan.schemes(), specs, Set.copyOf(plan.failedTools()));
        List<ImportWarning> warnings = new ArrayList<>(plan.warnings());
        change.rejected().forEach((name, why) -> warnings.add(new ImportWarning(operationOf(plan, name), why, true)));
        client.ifPresent(connections::configure);
        declareCompensations(tenant, integration, plan, change, declared, warnings);
        importCardTitles(tenant, integration, plan, change);
        if (!perUser.isEmpty() && client.isEmpty()) {
            warnings.add(new ImportWarning("", "security scheme '" + perUser.get(0).name() + "' is an OAuth 2"
                    + " authorization code flow: each user connects their own account, through a client not set yet —"
                    + " import again with options.connection_client_id, or set it with SetConnectionClient", false));
        }
        if (perUser.size() > 1) {
            warnings.add(new ImportWarning("", "several OAuth 2 authorization code schemes: users connect through '"
                    + perUser.get(0).name() + "' only", false));
        }
        List<ImportReport.Credential> credentials = new ArrayList<>();
        for (SecurityScheme s : plan.schemes().byName().values()) {
            if (used.contains(s.name())) {
                boolean present = !s.secret().isEmpty()
                        && secrets.findByTenantIdAndName(tenant, s.secret()).isPresent();
                credentials.add(new ImportReport.Credential(s.name(), s.type().name(), s.secret(), present, s.note()));
            }
        }
        ImportReport report = new ImportReport(integration, plan.baseUrl(), plan.sourceVersion(), change.added(),
                change.changed(), change.unchanged(), change.removed(), warnings, plan.excluded(), credentials,
                change.held());
        releaseMemoryAfter(text.length());
        return report;
    }

    /** A document at least this long leaves hundreds of MB of garbage behind its import. */
    static final int LARGE_DOCUMENT_CHARS = 1024 * 1024;

    /**
     * After a large import, asks for a full collection so the heap shrinks back (gateway/jvm.options
     * sets how much free heap the collector keeps) and the process gives the memory back: a parsed
     * 4 MB document and its model are several hundred MB that nothing else would collect soon. Imports
     * are rare admin actions. The collection runs a moment after the import has answered, so its pause
     * (a quarter second for a 13 MB document) is not part of the import's time.
     */
    private static void releaseMemoryAfter(int documentChars) {
        if (documentChars >= LARGE_DOCUMENT_CHARS) {
            java.util.concurrent.CompletableFuture.runAsync(System::gc, java.util.concurrent.CompletableFuture
                    .delayedExecutor(GC_DELAY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        }
    }

    /** Long enough for the import's answer to leave before the collection stops the process. */
    private static final java.time.Duration GC_DELAY = java.time.Duration.ofMillis(200);

    private static GatewayException noBaseUrl() {
        return GatewayException.invalidArgument("options.base_url", "the document's first server URL is missing"
                + " or relative (Swagger 2.0: no host), so the upstream's address is unknown; pass options.base_url"
                + " (--base-url)");
    }

    /**
     * Stores the compensations of the imported tools: the import option's, else the document's
     * {@code x-toolgate-compensation} ({@code tool}: the compensating tool, of this integration unless
     * qualified; {@code arguments}: name → JSON Pointer, or {@code expression}: CEL). A declaration in
     * the document that is not well-formed is a warning and sets nothing.
     */
    private void declareCompensations(String tenant, String integration, ImportPlan plan,
            CatalogWriter.ToolSetChange change, Map<String, Compensation> declared, List<ImportWarning> warnings) {
        Set<String> stored = new java.util.HashSet<>(change.added());
        stored.addAll(change.changed());
        stored.addAll(change.unchanged());
        stored.addAll(change.held());
        for (ImportedTool t : plan.tools()) {
            String qualified = integration + "." + t.name();
            if (!stored.contains(qualified)) {
                continue;
            }
            if (declared.containsKey(t.name())) {
                compensations.put(tenant, declared.get(t.name()));
                continue;
            }
            JsonNode x = t.compensation();
            if (x.isMissingNode() || x.isNull()) {
                continue;
            }
            String target = x.path("tool").asText("");
            Map<String, String> pointers = new java.util.LinkedHashMap<>();
            x.path("arguments").properties().forEach(e -> pointers.put(e.getKey(), e.getValue().asText("")));
            List<FieldViolation> bad = Compensation.check("x-toolgate-compensation.", qualified,
                    target.contains(".") ? target : integration + "." + target, pointers,
                    x.path("expression").asText(""));
            if (!x.isObject() || !bad.isEmpty()) {
                warnings.add(new ImportWarning(t.operation(), "x-toolgate-compensation ignored: " + (x.isObject()
                        ? Identifiers.summary(bad) : "it must be an object with tool and arguments or expression"),
                        false));
                continue;
            }
            compensations.put(tenant, new Compensation(qualified, target.contains(".") ? target
                    : integration + "." + target, pointers, x.path("expression").asText("")));
        }
    }

    /**
     * Each stored tool's operation {@code summary} becomes its card title, unless the tool has a card of
     * its own (SetToolCard); a summary gone from the document takes its imported title with it.
     */
    private void importCardTitles(String tenant, String integration, ImportPlan plan,
            CatalogWriter.ToolSetChange change) {
        Set<String> stored = new java.util.HashSet<>(change.added());
        stored.addAll(change.changed());
        stored.addAll(change.unchanged());
        stored.addAll(change.held());
        Map<String, String> summaries = new java.util.LinkedHashMap<>();
        for (ImportedTool t : plan.tools()) {
            String qualified = integration + "." + t.name();
            if (stored.contains(qualified)) {
                summaries.put(qualified, t.summary());
            }
        }
        cards.importTitles(tenant, summaries);
    }

    private static String operationOf(ImportPlan plan, String tool) {
        return plan.tools().stream().filter(t -> t.name().equals(tool)).map(ImportedTool::operation).findFirst()
                .orElse(tool);
    }
}
