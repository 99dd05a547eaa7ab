package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.audit.AuditQuery;
import dev.toolgate.gateway.audit.AuditTrail;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.execution.StoredCalls;
import dev.toolgate.observability.StoredCall;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;

/**
 * The audit pages: the tenant's calls filtered as {@code QueryCalls} filters them (agent, tool,
 * session, status) with keyset paging, and one call's record with the policy rule that decided
 * it. Needs {@code admin} or {@code audit:read}; only ever the signed-in key's tenant. Thread-safe.
 */
@Singleton
class CallPages {
    static final int PAGE_SIZE = 50;
    private static final String[] FILTERS = {"agent", "user", "tool", "session", "decision", "status", "trace",
            "since", "until"};

    private final AuditTrail audit;
    private final StoredCalls stored;
    private final ConsoleProperties properties;
    private final dev.toolgate.gateway.session.SessionStore sessions;
    private final dev.toolgate.gateway.session.SessionCards cards;

    CallPages(AuditTrail audit, StoredCalls stored, ConsoleProperties properties,
            dev.toolgate.gateway.session.SessionStore sessions, dev.toolgate.gateway.session.SessionCards cards) {
        this.cards = requireNonNull(cards, "cards");
        this.sessions = requireNonNull(sessions, "sessions");
        this.properties = requireNonNull(properties, "properties");
        this.audit = requireNonNull(audit, "audit");
        this.stored = requireNonNull(stored, "stored");
    }

    MutableHttpResponse<String> list(ConsoleSessions.Resolved who, Map<String, String> params) {
        if (!ConsoleAccess.canAudit(who.principal())) {
            return IntegrationPages.noScope(who, "Calls", "admin' or 'audit:read");
        }
        StringBuilder body = new StringBuilder("<form method=\"get\" action=\"/console/calls\" class=\"filters\">");
        for (String f : FILTERS) {
            boolean time = f.equals("since") || f.equals("until");
            body.append("<div class=\"field\"><label for=\"q-").append(f).append("\">").append(f)
                    .append(time ? " (UTC)" : "").append("</label><input type=\"").append(time ? "datetime-local" : "text")
                    .append("\" id=\"q-").append(f).append("\" name=\"").append(f)
                    .append("\" value=\"").append(Html.text(params.getOrDefault(f, ""))).append("\"></div>");
        }
        body.append("<button type=\"submit\">Search</button></form>");
        AuditTrail.Page page;
        try {
            page = audit.query(new AuditQuery(who.principal().tenantId(), instant("since", params),
                    instant("until", params), params.getOrDefault("agent", ""), params.getOrDefault("tool", ""),
                    params.getOrDefault("session", ""), params.getOrDefault("decision", "").toLowerCase(
                            java.util.Locale.ROOT), params.getOrDefault("status", "").toUpperCase(
                            java.util.Locale.ROOT), params.getOrDefault("trace", ""), PAGE_SIZE,
                    params.getOrDefault("page", ""), "", params.getOrDefault("user", "")));
        } catch (GatewayException e) {
            return ConsoleResponses.html(HttpStatus.BAD_REQUEST, Html.page("Calls", who, body
                    + "<p class=\"error\" role=\"alert\">" + Html.text(e.getMessage()) + "</p>"));
        }
        body.append("<table class=\"calls\"><thead><tr><th>Started</th><th>Tool</th><th>Agent</th><th>Session</th>"
                + "<th>Status</th><th>Rule</th></tr></thead><tbody>");
        for (StoredCall c : page.calls()) {
            body.append("<tr><td><a href=\"/console/calls/").append(Html.url(c.callId())).append("\">")
                    .append(Html.text(c.startedAt().toString())).append("</a></td><td>").append(Html.text(c.toolName()))
                    .append("</td><td>").append(Html.text(c.agentId())).append("</td><td>")
                    .append(Html.text(c.sessionId())).append("</td><td>").append(Html.text(c.status().name()))
                    .append("</td><td>").append(Html.text(c.policy().rule())).append("</td></tr>");
        }
        body.append("</tbody></table>");
        if (page.calls().isEmpty()) {
            body.append("<p class=\"empty\">No calls match.</p>");
        }
        if (!page.nextPageToken().isEmpty()) {
            StringBuilder next = new StringBuilder("/console/calls?page=").append(Html.url(page.nextPageToken()));
            for (String f : FILTERS) {
                next.append('&').append(f).append('=').append(Html.url(params.getOrDefault(f, "")));
            }
            body.append("<p><a rel=\"next\" href=\"").append(Html.text(next.toString())).append("\">Older calls</a></p>");
        }
        return ConsoleResponses.html(HttpStatus.OK, Html.page("Calls", who, body.toString()));
    }

    MutableHttpResponse<String> detail(ConsoleSessions.Resolved who, String callId) {
        if (!ConsoleAccess.canAudit(who.principal())) {
            return IntegrationPages.noScope(who, "Call", "admin' or 'audit:read");
        }
        if (callId.isEmpty() || callId.length() > 200) {
            return IntegrationPages.notFound(who, "No such call.");
        }
        Optional<StoredCall> c = stored.find(who.principal().tenantId(), callId);
        if (c.isEmpty()) {
            return IntegrationPages.notFound(who, "No such call in this tenant.");
        }
        String session = c.get().sessionId().isEmpty() ? "" : "<p><a href=\"/console/sessions/"
                + Html.url(c.get().sessionId()) + "\">The session's calls in order</a></p>";
        return ConsoleResponses.html(HttpStatus.OK, Html.page("Call " + callId, who,
                CallView.record(c.get(), properties.traceLink(c.get().traceId())) + session));
    }

    /** A session: its calls in the order they started (at most {@code Sessions.MAX_CALLS}), every agent's. */
    MutableHttpResponse<String> session(ConsoleSessions.Resolved who, String sessionId) {
        if (!ConsoleAccess.canAudit(who.principal())) {
            return IntegrationPages.noScope(who, "Session", "admin' or 'audit:read");
        }
        if (!dev.toolgate.gateway.core.Identifiers.isCallId(sessionId)) {
            return IntegrationPages.notFound(who, "No such session.");
        }
        java.util.List<dev.toolgate.gateway.session.SessionStore.SessionCall> calls = sessions.calls(
                who.principal().tenantId(), sessionId, "", dev.toolgate.gateway.session.Sessions.MAX_CALLS);
        if (calls.isEmpty()) {
            return IntegrationPages.notFound(who, "No calls of this session in this tenant.");
        }
        StringBuilder body = new StringBuilder("<table class=\"calls session\"><thead><tr><th>#</th><th>Started</th>"
                + "<th>Tool</th><th>What</th><th>Agent</th><th>User</th><th>Status</th><th>Rule</th></tr></thead>"
                + "<tbody>");
        int n = 0;
        for (dev.toolgate.gateway.session.SessionStore.SessionCall row : calls) {
            StoredCall c = row.call();
            dev.toolgate.gateway.cards.ToolCards.Card card = cards.of(who.principal().tenantId(), row);
            body.append("<tr><td>").append(++n).append("</td><td><a href=\"/console/calls/").append(Html.url(c.callId()))
                    .append("\">").append(Html.text(c.startedAt().toString())).append("</a></td><td>")
                    .append(Html.text(c.toolName())).append("</td><td class=\"card\">").append(cardHtml(card.narration()))
                    .append("<br><small>").append(cardHtml(card.resultSummary())).append("</small></td><td>")
                    .append(Html.text(c.agentId())).append("</td><td>")
                    .append(Html.text(c.userId())).append("</td><td>").append(Html.text(c.status().name()))
                    .append("</td><td>").append(Html.text(c.policy().rule())).append("</td></tr>");
        }
        body.append("</tbody></table>");
        return ConsoleResponses.html(HttpStatus.OK, Html.page("Session " + sessionId, who, body.toString()));
    }

    /**
     * A card text as HTML: cards come with HTML's special characters as entities and Markdown's escaped
     * with a backslash; a page shows them without the backslashes (what is left is still entity-escaped).
     */
    static String cardHtml(String cardText) {
        return cardText.replaceAll("\\\\([\\\\`*_\\[\\]()!#|~])", "$1");
    }

    /** A time filter: an ISO instant, or a datetime-local value taken as UTC; empty when unset. */
    private static Optional<java.time.Instant> instant(String name, Map<String, String> params) {
        String v = params.getOrDefault(name, "").strip();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(v.endsWith("Z") ? java.time.Instant.parse(v)
                    : java.time.LocalDateTime.parse(v).toInstant(java.time.ZoneOffset.UTC));
        } catch (java.time.format.DateTimeParseException e) {
            throw GatewayException.invalidArgument(name, name + " must be a date and time such as 2026-01-31T09:30,"
                    + " but was '" + dev.toolgate.gateway.core.Identifiers.abbreviate(v) + "'");
        }
    }
}
