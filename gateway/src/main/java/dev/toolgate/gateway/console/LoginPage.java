package dev.toolgate.gateway.console;

/**
 * The sign-in page: an API key pasted once, and — for a tenant whose people sign in with its OpenID
 * Connect provider — a link that starts that sign-in ({@code /console/oidc/start}; a link, not a
 * form, so the Content-Security-Policy's {@code form-action 'self'} does not stop the redirect to
 * the provider). Stateless.
 */
final class LoginPage {
    private LoginPage() {
    }

    /**
     * @param error  shown above the forms; empty for none
     * @param tenant the tenant whose OpenID sign-in to offer; empty to ask for one
     */
    static String render(String error, String tenant) {
        StringBuilder out = new StringBuilder();
        if (!error.isEmpty()) {
            out.append("<p class=\"error\" role=\"alert\">").append(Html.text(error)).append("</p>");
        }
        out.append("<section aria-labelledby=\"with-key\"><h2 id=\"with-key\">With an API key</h2>")
                .append("<form method=\"post\" action=\"/console/login\" class=\"login\" autocomplete=\"off\">")
                .append("<label for=\"api_key\">API key</label>")
                .append("<input type=\"password\" id=\"api_key\" name=\"api_key\" required autocomplete=\"off\">")
                .append("<button type=\"submit\">Sign in</button></form>")
                .append("<p class=\"help\">The key is exchanged for a session cookie; the browser does not keep it.</p>")
                .append("</section><section aria-labelledby=\"with-oidc\"><h2 id=\"with-oidc\">With your organisation's"
                        + " account</h2>");
        if (tenant.isEmpty()) {
            out.append("<form method=\"get\" action=\"/console/login\" class=\"login\">")
                    .append("<label for=\"tenant\">Tenant</label>")
                    .append("<input type=\"text\" id=\"tenant\" name=\"tenant\" required autocomplete=\"organization\">")
                    .append("<button type=\"submit\">Continue</button></form>");
        } else {
            out.append("<p><a class=\"button\" id=\"oidc-start\" href=\"/console/oidc/start?tenant=")
                    .append(Html.text(Html.url(tenant))).append("\">Sign in to ").append(Html.text(tenant))
                    .append(" with its identity provider</a></p><p class=\"help\"><a href=\"/console/login\">Another"
                            + " tenant</a></p>");
        }
        return Html.page("Sign in", null, out.append("</section>").toString());
    }
}
