package dev.toolgate.gateway.connections;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.GatewayException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Duration;
import java.util.Map;

/**
 * The browser side of connecting an account, on the gateway's HTTP listener:
 * {@code GET /connect/{state}} (the connect link) redirects to the authorization server, and
 * {@code GET /connect/callback} takes its answer; for an integration users connect with their own
 * API key, the link shows a form instead, posted to {@code POST /connect/key}. Pages never show a
 * token or key. Unless the tenant accepts unverified links, a link first sends the browser through the
 * tenant's sign-in, which proves its person is the link's user and leaves the per-link cookie
 * {@link ConnectedAccounts#openerCookie} ({@code SameSite=Lax}: it comes back on the authorization
 * server's redirect); the link, the callback and the key form then work only with that cookie.
 */
@Controller("/connect")
public class ConnectEndpoint {
    private final ConnectedAccounts accounts;

    public ConnectEndpoint(ConnectedAccounts accounts) {
        this.accounts = requireNonNull(accounts, "accounts");
    }

    /**
     * Produces HTML as well as text (answering text) so that a browser's {@code Accept: text/html} still
     * picks this route over {@code /{state}}, which produces HTML for the API-key page: otherwise the
     * callback was taken for a link whose state is "callback".
     */
    @Get(uri = "/callback", produces = {MediaType.TEXT_PLAIN, MediaType.TEXT_HTML})
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<String> callback(HttpRequest<?> request, @Nullable @QueryValue String state,
            @Nullable @QueryValue String code, @Nullable @QueryValue String error) {
        if (state == null || state.isEmpty()) {
            return text(HttpResponse.badRequest("the sign-in came back without its state; nothing was stored"));
        }
        if (error != null || code == null || code.isEmpty()) {
            accounts.abandon(state, opener(request, state)); // a refused sign-in ends its link
            return text(HttpResponse.badRequest("the sign-in was not completed (" + (error == null ? "no code" : error)
                    .replaceAll("[^A-Za-z0-9_ .-]", "") + "); nothing was stored"));
        }
        try {
            String integration = accounts.complete(state, code, opener(request, state));
            return text(HttpResponse.ok("Connected: your account of " + integration + " is now used for your calls."
                    + " You can close this window."));
        } catch (GatewayException e) {
            return text(HttpResponse.status(status(e)).body(e.getMessage()));
        }
    }

    /**
     * The cookie that proves who opens the link {@code state}: HttpOnly, {@code SameSite=Lax} (sent on the
     * authorization server's redirect back, a top-level navigation), for {@code /connect} only.
     */
    public static Cookie openerCookie(String state, String opener, boolean secure, Duration maxAge) {
        return Cookie.of(ConnectedAccounts.openerCookie(state), opener).httpOnly(true).sameSite(SameSite.Lax)
                .path("/connect").secure(secure).maxAge(maxAge);
    }

    private static String opener(HttpRequest<?> request, String state) {
        return request.getCookies().findCookie(ConnectedAccounts.openerCookie(state)).map(Cookie::getValue)
                .orElse("");
    }

    /**
     * 403 for a link its opener may not use (not signed in as its user, or the tenant has no sign-in); 404
     * for an unknown link when opening it; 400 for anything else, as before.
     */
    private static HttpStatus status(GatewayException e) {
        if (e.code() == ErrorCode.PERMISSION_DENIED || "CONNECT_SIGN_IN_REQUIRED".equals(e.reason())) {
            return HttpStatus.FORBIDDEN;
        }
        return e.code() == ErrorCode.UNAVAILABLE ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_REQUEST;
    }

    private static HttpResponse<String> text(io.micronaut.http.MutableHttpResponse<String> response) {
        return response.contentType(MediaType.TEXT_PLAIN_TYPE).header("Cache-Control", "no-store");
    }

    @Get(uri = "/{state}", produces = {MediaType.TEXT_PLAIN, MediaType.TEXT_HTML})
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<String> start(HttpRequest<?> request, @PathVariable String state) {
        ConnectedAccounts.Opened opened;
        try {
            opened = accounts.open(state, opener(request, state));
        } catch (GatewayException e) {
            HttpStatus status = status(e) == HttpStatus.FORBIDDEN ? HttpStatus.FORBIDDEN : HttpStatus.NOT_FOUND;
            return text(HttpResponse.<String>status(status).body(e.getMessage()));
        }
        if (opened instanceof ConnectedAccounts.SignInFirst s) {
            return HttpResponse.<String>seeOther(s.url()).header("Cache-Control", "no-store")
                    .header("Referrer-Policy", "no-referrer");
        }
        if (opened instanceof ConnectedAccounts.Redirect r) {
            return HttpResponse.<String>seeOther(r.url()).header("Cache-Control", "no-store")
                    .header("Referrer-Policy", "no-referrer");
        }
        ConnectedAccounts.KeyForm form = (ConnectedAccounts.KeyForm) opened;
        return HttpResponse.ok(keyPage(form, state)).contentType(MediaType.TEXT_HTML_TYPE)
                .header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer")
                .header("Content-Security-Policy", "default-src 'none'; form-action 'self'")
                .header("X-Frame-Options", "DENY");
    }

    @Post(uri = "/key", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_PLAIN)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<String> key(HttpRequest<?> request, @Body Map<String, Object> form) {
        String state = field(form, "state");
        if (state.isEmpty()) {
            return HttpResponse.badRequest("the form came without its connect link's state; nothing was stored");
        }
        try {
            String integration = accounts.completeWithKey(state, field(form, "api_key"), opener(request, state));
            return HttpResponse.ok("Connected: your key of " + integration + " is now used for your calls."
                    + " You can close this window.");
        } catch (GatewayException e) {
            return HttpResponse.status(status(e)).body(e.getMessage());
        }
    }

    /** The page to paste one's key on: whose connection it makes, so nobody fills in another user's link. */
    private static String keyPage(ConnectedAccounts.KeyForm form, String state) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Connect "
                + escape(form.integration()) + "</title></head><body><h1>Connect your " + escape(form.integration())
                + " account</h1><p>This link connects the account of user <strong>" + escape(form.userId())
                + "</strong>. If that is not you, close this page.</p><p>Paste your API key of "
                + escape(form.integration()) + ". It is stored encrypted and sent only on calls made for you; it is"
                + " never shown again.</p><form method=\"post\" action=\"/connect/key\" autocomplete=\"off\">"
                + "<input type=\"hidden\" name=\"state\" value=\"" + escape(state) + "\">"
                + "<label for=\"api_key\">API key</label> <input type=\"password\" id=\"api_key\" name=\"api_key\""
                + " required autocomplete=\"off\"> <button type=\"submit\">Connect</button></form></body></html>";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static String field(Map<String, Object> form, String name) {
        Object v = form.get(name);
        if (v instanceof java.util.List<?> list) {
            v = list.isEmpty() ? null : list.get(0);
        }
        return v == null ? "" : v.toString();
    }
}
