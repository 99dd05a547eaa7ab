package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.policy.Explanation;
import dev.toolgate.policy.PolicyEngine;
import dev.toolgate.policy.PolicyRequest;
import dev.toolgate.policy.Rule;
import dev.toolgate.policy.TenantPolicy;
import dev.toolgate.policy.ToolTraits;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The policies page: the policy version in force for the signed-in tenant (and the directory's Git
 * commit), its rules, and an {@code explain} form — tool, agent, scopes and arguments in, which rule
 * decided and why out, evaluated by the tenant's loaded policy exactly as a call would be (without
 * rate limits, session history or an end user). Read-only: it changes nothing and calls nothing.
 * Needs {@code admin} or {@code audit:read}. Thread-safe.
 */
@Singleton
class PolicyPages {
    private final PolicyEngine policy;
    private final Catalog catalog;
    private final Clock clock;

    PolicyPages(PolicyEngine policy, Catalog catalog, Clock clock) {
        this.policy = requireNonNull(policy, "policy");
        this.catalog = requireNonNull(catalog, "catalog");
        this.clock = requireNonNull(clock, "clock");
    }

    MutableHttpResponse<String> page(ConsoleSessions.Resolved who, Map<String, String> form) {
        if (!ConsoleAccess.canAudit(who.principal())) {
            return IntegrationPages.noScope(who, "Policies", "admin' or 'audit:read");
        }
        String tenant = who.principal().tenantId();
        TenantPolicy tp = policy.policyOf(tenant);
        StringBuilder body = new StringBuilder("<dl class=\"call\"><dt>Policy version</dt><dd id=\"policy-version\">")
                .append(Html.text(tp.version())).append("</dd>");
        policy.status().gitCommit().ifPresent(c -> body.append("<dt>Git commit</dt><dd>").append(Html.text(c))
                .append("</dd>"));
        body.append("<dt>Last reload</dt><dd>").append(Html.text(policy.status().lastReload().toString()))
                .append("</dd><dt>Rules</dt><dd>").append(tp.rules().size()).append("</dd></dl>");
        body.append("<table class=\"rules\"><thead><tr><th>Rule</th><th>Effect</th><th>Tools</th><th>Agents</th>"
                + "<th>Where</th></tr></thead><tbody>");
        for (Rule r : tp.rules()) {
            body.append("<tr><td>").append(Html.text(r.id())).append("</td><td>")
                    .append(Html.text(r.effect().name().toLowerCase(java.util.Locale.ROOT) + (r.confirm() ? ", confirm"
                            : ""))).append("</td><td>").append(Html.text(r.tools().stream().map(Object::toString).collect(java.util.stream.Collectors.joining(", "))))
                    .append("</td><td>").append(Html.text(r.agents().stream().map(Object::toString).collect(java.util.stream.Collectors.joining(", ")))).append("</td><td>")
                    .append(Html.text(r.position().toString())).append("</td></tr>");
        }
        body.append("</tbody></table>");
        String tool = form.getOrDefault("tool", "");
        String agent = form.getOrDefault("agent", who.principal().agentId());
        String scopes = form.getOrDefault("scopes", "tools:call");
        String args = form.getOrDefault("arguments", "{}");
        body.append("<h2>Explain a call</h2><form method=\"get\" action=\"/console/policies\" class=\"run\">")
                .append("<div class=\"field\"><label for=\"x-tool\">Tool</label><select id=\"x-tool\" name=\"tool\">");
        List<ToolDefinition> tools = catalog.list(tenant);
        for (ToolDefinition t : tools) {
            body.append("<option").append(t.qualifiedName().equals(tool) ? " selected" : "").append(">")
                    .append(Html.text(t.qualifiedName())).append("</option>");
        }
        body.append("</select></div>")
                .append(field("x-agent", "agent", "Agent", agent))
                .append(field("x-scopes", "scopes", "Scopes (space-separated)", scopes))
                .append("<div class=\"field\"><label for=\"x-arguments\">Arguments (JSON object)</label>")
                .append("<textarea id=\"x-arguments\" name=\"arguments\" rows=\"5\">").append(Html.text(args))
                .append("</textarea></div><button type=\"submit\">Explain</button></form>");
        if (!tool.isEmpty()) {
            body.append(explain(tenant, tools, tool, agent, scopes, args));
        }
        return ConsoleResponses.html(HttpStatus.OK, Html.page("Policies", who, body.toString()));
    }

    private String explain(String tenant, List<ToolDefinition> tools, String tool, String agent, String scopes,
            String args) {
        Optional<ToolDefinition> found = tools.stream().filter(t -> t.qualifiedName().equals(tool)).findFirst();
        if (found.isEmpty()) {
            return error("no tool '" + Identifiers.abbreviate(tool) + "' in this tenant");
        }
        JsonNode arguments;
        try {
            arguments = JsonSupport.mapper().readTree(args.isBlank() ? "{}" : args);
        } catch (java.io.IOException e) {
            arguments = null;
        }
        if (arguments == null || !arguments.isObject()) {
            return error("the arguments must be a JSON object, e.g. {\"customer_id\": \"acme\"}");
        }
        ToolDefinition t = found.get();
        ToolAnnotations a = t.annotations();
        Set<String> scopeSet = new LinkedHashSet<>(Arrays.stream(scopes.strip().split("\\s+"))
                .filter(s -> !s.isEmpty()).toList());
        Explanation e;
        try {
            e = policy.policyOf(tenant).explain(PolicyRequest.builder().tenant(tenant).agent(agent).scopes(scopeSet)
                    .tool(t.integration().name(), t.name())
                    .traits(new ToolTraits(a.readOnly(), a.destructive(), a.idempotent(), a.openWorld(),
                            a.requiresConfirmation()))
                    .arguments(arguments).time(clock.instant()).build());
        } catch (IllegalArgumentException bad) {
            return error(bad.getMessage());
        }
        return "<section class=\"outcome\" aria-live=\"polite\"><h2>Decision</h2><p class=\"status\" id=\"verdict\">"
                + Html.text(e.decision().verdict().label()) + " by " + Html.text(e.decision().ruleId())
                + (e.decision().reason().isEmpty() ? "" : " — " + Html.text(e.decision().reason()))
                + "</p><pre class=\"explain\">" + Html.text(e.render()) + "</pre></section>";
    }

    private static String field(String id, String name, String label, String value) {
        return "<div class=\"field\"><label for=\"" + id + "\">" + Html.text(label) + "</label><input type=\"text\""
                + " id=\"" + id + "\" name=\"" + name + "\" value=\"" + Html.text(value) + "\"></div>";
    }

    private static String error(String message) {
        return "<p class=\"error\" role=\"alert\">" + Html.text(message) + "</p>";
    }
}
