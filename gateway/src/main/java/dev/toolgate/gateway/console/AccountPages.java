package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.connections.ConnectEndpoint;
import dev.toolgate.gateway.connections.ConnectedAccounts;
import dev.toolgate.gateway.error.GatewayException;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The connected-accounts page: the signed-in person's own connections (integrations that act with
 * each user's account), connect (a fresh single-use connect link of that person, opened at once)
 * and disconnect (a POST with the CSRF token). Only a person signed in with the tenant's OpenID
 * provider has accounts — an API key is not a person. Needs {@code tools:call}. Thread-safe.
 */
@Singleton
class AccountPages {
    private final ConnectedAccounts accounts;
    private final Catalog catalog;

    AccountPages(ConnectedAccounts accounts, Catalog catalog) {
        this.accounts = requireNonNull(accounts, "accounts");
        this.catalog = requireNonNull(catalog, "catalog");
    }

    MutableHttpResponse<String> list(ConsoleSessions.Resolved who) {
        MutableHttpResponse<String> refused = refusal(who);
        if (refused != null) {
            return refused;
        }
        String tenant = who.principal().tenantId();
        List<ConnectedAccounts.Connection> connections = accounts.list(tenant, who.session().userId());
        Set<String> connected = connections.stream().map(ConnectedAccounts.Connection::integration)
                .collect(Collectors.toSet());
        StringBuilder body = new StringBuilder("<p>Integrations that act with your own account use it only for your"
                + " calls.</p>");
        if (connections.isEmpty()) {
            body.append("<p class=\"empty\">You have connected no account.</p>");
        } else {
            body.append("<table class=\"accounts\"><thead><tr><th>Integration</th><th>Connected</th><th>Refreshed</th>"
                    + "<th></th></tr></thead><tbody>");
            for (ConnectedAccounts.Connection c : connections) {
                body.append("<tr><td>").append(Html.text(c.integration())).append("</td><td>")
                        .append(Html.text(c.connectedAt().toString())).append("</td><td>")
                        .append(Html.text(c.refreshedAt().toString())).append("</td><td><form method=\"post\""
                                + " class=\"inline\" action=\"/console/accounts/").append(Html.url(c.integration()))
                        .append("/disconnect\">").append(Html.csrf(who.session()))
                        .append("<button type=\"submit\">Disconnect ").append(Html.text(c.integration()))
                        .append("</button></form></td></tr>");
            }
            body.append("</tbody></table>");
        }
        Set<String> connectable = connectable(tenant);
        connectable.removeAll(connected);
        if (!connectable.isEmpty()) {
            body.append("<h2>Connect an account</h2><ul class=\"tools\">");
            for (String integration : connectable) {
                body.append("<li><a class=\"button\" href=\"/console/accounts/connect/").append(Html.url(integration))
                        .append("\">Connect ").append(Html.text(integration)).append("</a></li>");
            }
            body.append("</ul>");
        }
        return ConsoleResponses.html(HttpStatus.OK, Html.page("Connected accounts", who, body.toString()));
    }

    /**
     * A new connect link of the signed-in person for {@code integration}, to open at once: the person signed
     * in with the tenant's OpenID Connect sign-in, so the link comes with its opener cookie (no second
     * sign-in proves who opens it).
     */
    MutableHttpResponse<String> connect(ConsoleSessions.Resolved who, String integration, boolean secure) {
        MutableHttpResponse<String> refused = refusal(who);
        if (refused != null) {
            return refused;
        }
        if (!connectable(who.principal().tenantId()).contains(integration)) {
            return IntegrationPages.notFound(who, "No integration of this tenant connects accounts by that name.");
        }
        try {
            ConnectedAccounts.ProvenLink link = accounts.provenConnectLink(who.principal().tenantId(), integration,
                    who.session().userId(), ConsoleAccess.NO_SKILL);
            return ConsoleResponses.redirect(link.url().toString()).cookie(ConnectEndpoint.openerCookie(link.state(),
                    link.opener(), secure, accounts.linkTtl()));
        } catch (GatewayException e) {
            return ConsoleResponses.html(HttpStatus.CONFLICT, Html.page("Connected accounts", who,
                    "<p class=\"error\" role=\"alert\">" + Html.text(e.getMessage()) + "</p>"));
        }
    }

    MutableHttpResponse<String> disconnect(ConsoleSessions.Resolved who, String integration) {
        MutableHttpResponse<String> refused = refusal(who);
        if (refused != null) {
            return refused;
        }
        if (!accounts.disconnect(who.principal().tenantId(), who.session().userId(), integration,
                ConsoleAccess.NO_SKILL)) {
            return IntegrationPages.notFound(who, "You have no connected account of that integration.");
        }
        return ConsoleResponses.redirect("/console/accounts");
    }

    private static MutableHttpResponse<String> refusal(ConsoleSessions.Resolved who) {
        if (!ConsoleAccess.canCall(who.principal())) {
            return IntegrationPages.noScope(who, "Connected accounts", "tools:call");
        }
        if (who.session().userId().isEmpty()) {
            return ConsoleResponses.html(HttpStatus.FORBIDDEN, Html.page("Connected accounts", who, "<p class=\"error\">"
                    + "Connected accounts belong to a person: sign in with your organisation's account (an API key"
                    + " is not a person).</p>"));
        }
        return null;
    }

    /** The tenant's integrations whose tools act with each user's own account. */
    private Set<String> connectable(String tenant) {
        Set<String> out = new TreeSet<>();
        for (ToolDefinition t : catalog.list(tenant)) {
            if (t.integration().authKind() == HttpAuth.Kind.USER_CONNECTION) {
                out.add(t.integration().name());
            }
        }
        return out;
    }
}
