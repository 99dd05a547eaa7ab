package dev.toolgate.gateway.console;

import dev.toolgate.gateway.auth.Principal;

/**
 * The console's HTML: every value from outside (tool descriptions, arguments, results, names)
 * goes through {@link #text}, so markup in them is shown as text. Pages carry no inline script or
 * style (the Content-Security-Policy forbids them); behaviour comes from {@code /console/assets}.
 * Stateless.
 */
final class Html {
    private Html() {
    }

    /** Escapes text for an element's content or a quoted attribute value. */
    static String text(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A query-string component. */
    static String url(String s) {
        return java.net.URLEncoder.encode(s == null ? "" : s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A hidden field with the session's CSRF token, for every form that changes something. */
    static String csrf(ConsoleSession s) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + text(s.csrfToken()) + "\">";
    }

    /** A whole page: {@code body} is already HTML. */
    static String page(String title, ConsoleSessions.Resolved who, String body) {
        return page(title, who, "", body);
    }

    /** A whole page with {@code head} (already HTML, e.g. a meta refresh) added to its head. */
    static String page(String title, ConsoleSessions.Resolved who, String head, String body) {
        StringBuilder nav = new StringBuilder();
        if (who != null) {
            Principal p = who.principal();
            nav.append("<nav aria-label=\"Console\">");
            if (ConsoleAccess.canCall(p)) {
                nav.append("<a href=\"/console/integrations\">Integrations</a>");
            }
            if (ConsoleAccess.canConfirm(p)) {
                nav.append("<a href=\"/console/approvals\">Approvals</a>");
            }
            if (ConsoleAccess.canAudit(p)) {
                nav.append("<a href=\"/console/calls\">Calls</a><a href=\"/console/policies\">Policies</a>");
            }
            if (ConsoleAccess.canCall(p) && !who.session().userId().isEmpty()) {
                nav.append("<a href=\"/console/accounts\">Accounts</a>");
            }
            if (ConsoleAccess.canManageConnections(p)) {
                nav.append("<a href=\"/console/connections\">Connections</a>");
            }
            nav.append("<span class=\"who\">").append(text(p.agentId())).append(" @ ").append(text(p.tenantId()))
                    .append("</span><form method=\"post\" action=\"/console/logout\" class=\"inline\">")
                    .append(csrf(who.session())).append("<button type=\"submit\">Sign out</button></form></nav>");
        }
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + text(title) + " · Toolgate</title>"
                + "<link rel=\"stylesheet\" href=\"/console/assets/console.css\">"
                + "<script src=\"/console/assets/console.js\" defer></script>" + head + "</head><body>"
                + "<header><a class=\"brand\" href=\"/console\">Toolgate</a>" + nav + "</header><main>"
                + "<h1>" + text(title) + "</h1>" + body + "</main></body></html>";
    }
}
