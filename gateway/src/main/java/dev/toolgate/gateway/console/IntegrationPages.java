package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.execution.CallResult;
import dev.toolgate.gateway.execution.ExecuteCommand;
import dev.toolgate.gateway.execution.HeldCalls;
import dev.toolgate.gateway.execution.ToolCallService;
import dev.toolgate.gateway.mcp.McpSyncLog;
import dev.toolgate.gateway.policy.ToolVisibility;
import dev.toolgate.gateway.resilience.IntegrationGuards;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The integrations pages: the tenant's integrations with the tools this key may see, one
 * integration's tools, one tool (description, annotations, schema) with a form generated from
 * its schema, and running it through {@link ToolCallService} as the signed-in key — the same
 * pipeline as {@code ExecuteTool} (validation, policy, confirmation, audit). Needs
 * {@code tools:call}. Thread-safe.
 */
@Singleton
class IntegrationPages {
    private final Catalog catalog;
    private final ToolVisibility visibility;
    private final ToolCallService calls;
    private final HeldCalls held;
    private final IntegrationGuards guards;
    private final UpstreamErrors errors;
    private final McpSyncLog syncs;

    IntegrationPages(Catalog catalog, ToolVisibility visibility, ToolCallService calls, HeldCalls held,
            IntegrationGuards guards, UpstreamErrors errors, McpSyncLog syncs) {
        this.syncs = requireNonNull(syncs, "syncs");
        this.errors = requireNonNull(errors, "errors");
        this.guards = requireNonNull(guards, "guards");
        this.catalog = requireNonNull(catalog, "catalog");
        this.visibility = requireNonNull(visibility, "visibility");
        this.calls = requireNonNull(calls, "calls");
        this.held = requireNonNull(held, "held");
    }

    MutableHttpResponse<String> list(ConsoleSessions.Resolved who) {
        if (!ConsoleAccess.canCall(who.principal())) {
            return noScope(who, "Integrations", "tools:call");
        }
        Map<String, List<ToolDefinition>> byIntegration = new TreeMap<>();
        for (ToolDefinition t : visible(who)) {
            byIntegration.computeIfAbsent(t.integration().name(), k -> new ArrayList<>()).add(t);
        }
        StringBuilder body = new StringBuilder();
        if (byIntegration.isEmpty()) {
            body.append("<p>No tools are visible to this key.</p>");
        } else {
            body.append("<table><thead><tr><th>Integration</th><th>Kind</th><th>Base URL</th><th>Tools</th><th>Circuit</th><th>Last upstream error (24 h)</th><th>Last sync (MCP)</th></tr>"
                    + "</thead><tbody>");
            byIntegration.forEach((name, tools) -> {
                IntegrationEntity i = tools.get(0).integration();
                body.append("<tr><td><a href=\"/console/integrations/").append(Html.url(name)).append("\">")
                        .append(Html.text(name)).append("</a></td><td>").append(Html.text(kind(i))).append("</td><td>")
                        .append(Html.text(i.baseUrl())).append("</td><td>").append(tools.size()).append("</td><td>").append(circuit(who, name)).append("</td><td>")
                        .append(Html.text(lastError(who, name))).append("</td><td>")
                        .append(Html.text(lastSync(who, i))).append("</td></tr>");
            });
            body.append("</tbody></table>");
        }
        return ConsoleResponses.html(HttpStatus.OK, Html.page("Integrations", who, body.toString()));
    }

    MutableHttpResponse<String> integration(ConsoleSessions.Resolved who, String name) {
        if (!ConsoleAccess.canCall(who.principal())) {
            return noScope(who, "Integrations", "tools:call");
        }
        List<ToolDefinition> tools = visible(who).stream().filter(t -> t.integration().name().equals(name)).toList();
        if (tools.isEmpty()) {
            return notFound(who, "No such integration has tools visible to this key.");
        }
        IntegrationEntity i = tools.get(0).integration();
        StringBuilder body = new StringBuilder("<p>").append(Html.text(kind(i))).append(" · ")
                .append(Html.text(i.baseUrl())).append(" · circuit ").append(circuit(who, name)).append("</p>")
                .append("<p class=\"health\">Last upstream error (24 h): ").append(Html.text(lastError(who, name)))
                .append("</p>");
        if (i.kind().is(dev.toolgate.gateway.catalog.IntegrationKind.MCP)) {
            body.append("<p class=\"health\">Last sync: ").append(Html.text(lastSync(who, i))).append("</p>");
        }
        if (i.description() != null && !i.description().isEmpty()) {
            body.append("<p>").append(Html.text(i.description())).append("</p>");
        }
        body.append("<ul class=\"tools\">");
        for (ToolDefinition t : tools) {
            body.append("<li><a href=\"/console/tools/").append(Html.url(t.qualifiedName())).append("\">")
                    .append(Html.text(t.name())).append("</a> ").append(annotations(t.annotations()))
                    .append("<p class=\"description\">").append(Html.text(t.description())).append("</p></li>");
        }
        body.append("</ul>");
        return ConsoleResponses.html(HttpStatus.OK, Html.page(name, who, body.toString()));
    }

    MutableHttpResponse<String> tool(ConsoleSessions.Resolved who, String name, Map<String, String> values,
            Map<String, String> errors, String outcome) {
        if (!ConsoleAccess.canCall(who.principal())) {
            return noScope(who, "Tool", "tools:call");
        }
        Optional<ToolDefinition> found = find(who, name);
        if (found.isEmpty()) {
            return notFound(who, "No such tool is visible to this key.");
        }
        ToolDefinition t = found.get();
        JsonNode schema = ConsoleController.parse(t.inputSchemaJson());
        String body = "<p class=\"description\">" + Html.text(t.description()) + "</p>"
                + "<p>Integration <a href=\"/console/integrations/" + Html.url(t.integration().name()) + "\">"
                + Html.text(t.integration().name()) + "</a> · version " + t.version() + " "
                + annotations(t.annotations()) + "</p>"
                + "<details><summary>Input schema</summary>" + CallView.pre(t.inputSchemaJson()) + "</details>"
                + "<h2>Run</h2><form method=\"post\" class=\"run\" action=\"/console/tools/" + Html.url(t.qualifiedName())
                + "\" novalidate>" + Html.csrf(who.session())
                + SchemaForm.render(schema, values, errors)
                + "<div class=\"field\"><label for=\"session_id\">Session id (optional)</label>"
                + "<input type=\"text\" id=\"session_id\" name=\"session_id\" value=\""
                + Html.text(values.getOrDefault("session_id", "")) + "\"></div>"
                + "<button type=\"submit\">Run " + Html.text(t.name()) + "</button></form>" + outcome;
        HttpStatus status = errors.isEmpty() ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_ENTITY;
        return ConsoleResponses.html(status, Html.page(t.qualifiedName(), who, body));
    }

    MutableHttpResponse<String> run(ConsoleSessions.Resolved who, String name, Map<String, String> form) {
        if (!ConsoleAccess.canCall(who.principal())) {
            return noScope(who, "Tool", "tools:call");
        }
        Optional<ToolDefinition> found = find(who, name);
        if (found.isEmpty()) {
            return notFound(who, "No such tool is visible to this key.");
        }
        ToolDefinition t = found.get();
        Map<String, String> values = new LinkedHashMap<>(form);
        values.remove("csrf");
        String arguments = SchemaForm.read(ConsoleController.parse(t.inputSchemaJson()), form).toString();
        String session = form.getOrDefault("session_id", "");
        try {
            CallResult r = calls.execute(who.principal(), new ExecuteCommand(t.qualifiedName(), arguments, "", session,
                    Optional.empty(), dev.toolgate.gateway.identity.UserProof.assertedId(who.session().userId())));
            return tool(who, name, values, Map.of(), outcome(who, r));
        } catch (GatewayException e) {
            Map<String, String> errors = new LinkedHashMap<>();
            for (FieldViolation v : e.violations()) {
                errors.merge(v.field(), v.message(), (a, b) -> a + "; " + b);
            }
            if (errors.isEmpty() || e.code() != ErrorCode.INVALID_ARGUMENT) {
                errors.put("", e.code().name() + " " + e.reason() + ": " + e.getMessage());
            }
            return tool(who, name, values, errors, "");
        }
    }

    private String outcome(ConsoleSessions.Resolved who, CallResult r) {
        StringBuilder out = new StringBuilder("<section class=\"outcome\" aria-live=\"polite\"><h2>Result</h2>")
                .append("<p class=\"status\">").append(Html.text(r.status().name()))
                .append(r.isError() ? " (upstream error " + r.upstreamStatus() + ")" : "").append("</p>");
        if (r.confirmation().isPresent()) {
            out.append("<p>Held for confirmation: a person with the <code>tools:confirm</code> scope must approve it"
                    + " before it runs.</p>");
        } else {
            out.append(CallView.pre(r.resultJson()));
        }
        out.append("<h2>Call record</h2>");
        try {
            out.append(CallView.record(held.view(who.principal(), r.callId()).call()));
        } catch (GatewayException e) {
            out.append("<p>").append(Html.text(r.callId())).append("</p>");
        }
        return out.append("</section>").toString();
    }

    private List<ToolDefinition> visible(ConsoleSessions.Resolved who) {
        return visibility.visible(who.principal(), catalog.list(who.principal().tenantId()));
    }

    private Optional<ToolDefinition> find(ConsoleSessions.Resolved who, String name) {
        return catalog.find(who.principal().tenantId(), name).filter(t -> visibility.visible(who.principal(), t));
    }

    /** The circuit of this instance's guard for the integration; closed when not called since start. */
    private String circuit(ConsoleSessions.Resolved who, String integration) {
        return guards.circuits().stream()
                .filter(c -> c.tenant().equals(who.principal().tenantId()) && c.integration().equals(integration))
                .findFirst().map(c -> c.state() >= 1.0 ? "open" : c.state() > 0 ? "half-open" : "closed")
                .orElse("closed");
    }

    private String lastError(ConsoleSessions.Resolved who, String integration) {
        return errors.last(who.principal().tenantId(), integration).map(UpstreamErrors.Failure::describe).orElse("none");
    }

    /** An MCP integration's latest sync ("—" for other kinds). */
    private String lastSync(ConsoleSessions.Resolved who, IntegrationEntity i) {
        if (!i.kind().is(dev.toolgate.gateway.catalog.IntegrationKind.MCP)) {
            return "—";
        }
        return syncs.find(who.principal().tenantId(), i.name()).map(McpSyncLog.Status::describe)
                .orElse("not recorded yet");
    }

    private static String kind(IntegrationEntity i) {
        return i.integrationKind().map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).orElse("unknown");
    }

    private static String annotations(ToolAnnotations a) {
        StringBuilder out = new StringBuilder();
        badge(out, a.readOnly(), "read-only");
        badge(out, a.destructive(), "destructive");
        badge(out, a.idempotent(), "idempotent");
        badge(out, a.openWorld(), "open world");
        return out.toString();
    }

    private static void badge(StringBuilder out, boolean on, String name) {
        if (on) {
            out.append("<span class=\"badge\">").append(name).append("</span>");
        }
    }

    static MutableHttpResponse<String> noScope(ConsoleSessions.Resolved who, String title, String scope) {
        return ConsoleResponses.html(HttpStatus.FORBIDDEN, Html.page(title, who, "<p class=\"error\">This key lacks"
                + " the '" + Html.text(scope) + "' scope this page needs.</p>"));
    }

    static MutableHttpResponse<String> notFound(ConsoleSessions.Resolved who, String message) {
        return ConsoleResponses.html(HttpStatus.NOT_FOUND, Html.page("Not found", who, "<p>" + Html.text(message)
                + "</p>"));
    }
}
