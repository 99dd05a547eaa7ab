package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.connections.ConnectedAccounts;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The end users' connected accounts of the signed-in key's tenant: who connected which integration
 * under which skill, when, and when its tokens were last renewed — never a token — with a button
 * that disconnects one (the user is asked to connect again on their next call). Needs {@code admin}.
 * Thread-safe.
 */
@Singleton
class ConnectionPages {
    static final int LIMIT = 500;

    private final ConnectedAccounts connections;

    ConnectionPages(ConnectedAccounts connections) {
        this.connections = requireNonNull(connections, "connections");
    }

    MutableHttpResponse<String> list(ConsoleSessions.Resolved who) {
        return page(who, HttpStatus.OK, "");
    }

    MutableHttpResponse<String> disconnect(ConsoleSessions.Resolved who, String user, String integration,
            String skill) {
        if (!who.principal().hasScope(Scopes.ADMIN)) {
            return IntegrationPages.noScope(who, "Connections", "admin");
        }
        boolean removed = connections.disconnect(who.principal().tenantId(), user, integration, skill);
        return page(who, removed ? HttpStatus.OK : HttpStatus.NOT_FOUND, removed
                ? "<p class=\"notice\" role=\"status\">Disconnected " + Html.text(user) + " from "
                        + Html.text(integration) + ".</p>"
                : "<p class=\"error\" role=\"alert\">No such connection (already disconnected?).</p>");
    }

    private MutableHttpResponse<String> page(ConsoleSessions.Resolved who, HttpStatus status, String notice) {
        if (!who.principal().hasScope(Scopes.ADMIN)) {
            return IntegrationPages.noScope(who, "Connections", "admin");
        }
        List<ConnectedAccounts.UserConnection> all = connections.listTenant(who.principal().tenantId(), LIMIT);
        StringBuilder body = new StringBuilder(notice);
        body.append("<p class=\"help\">End users' own accounts, connected through connect links; the tokens stay"
                + " encrypted in the gateway and are never shown.</p>");
        if (all.isEmpty()) {
            body.append("<p class=\"empty\">No user has connected an account.</p>");
            return ConsoleResponses.html(status, Html.page("Connections", who, body.toString()));
        }
        body.append("<table class=\"connections\"><thead><tr><th>User</th><th>Integration</th><th>Skill</th>"
                + "<th>Connected</th><th>Refreshed</th><th></th></tr></thead><tbody>");
        for (ConnectedAccounts.UserConnection c : all) {
            body.append("<tr><td>").append(Html.text(c.userId())).append("</td><td>").append(Html.text(c.integration()))
                    .append("</td><td>").append(Html.text(c.skill().isEmpty() ? "(none)" : c.skill()))
                    .append("</td><td>").append(Html.text(c.connectedAt().toString())).append("</td><td>")
                    .append(Html.text(c.refreshedAt().toString())).append("</td><td>")
                    .append("<form method=\"post\" action=\"/console/connections/disconnect\" class=\"inline\">")
                    .append(Html.csrf(who.session()))
                    .append("<input type=\"hidden\" name=\"user\" value=\"").append(Html.text(c.userId())).append("\">")
                    .append("<input type=\"hidden\" name=\"integration\" value=\"").append(Html.text(c.integration()))
                    .append("\"><input type=\"hidden\" name=\"skill\" value=\"").append(Html.text(c.skill()))
                    .append("\"><button type=\"submit\">Disconnect</button></form></td></tr>");
        }
        body.append("</tbody></table>");
        if (all.size() == LIMIT) {
            body.append("<p class=\"help\">The first ").append(LIMIT).append(" are shown.</p>");
        }
        return ConsoleResponses.html(status, Html.page("Connections", who, body.toString()));
    }
}
