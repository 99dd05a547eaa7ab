package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.auth.ApiKeyFormat;
import dev.toolgate.gateway.auth.Authenticator;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.GatewayException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /console}: sign-in and sign-out, the static assets, and the dispatch of every page to
 * its view with the signed-in session. A page without a live session redirects to the sign-in
 * form; a POST must carry the session's CSRF token (form field {@code csrf}) and, when the browser
 * sends an {@code Origin}, come from this host — otherwise 403. Thin: the pages delegate to
 * {@link IntegrationPages}, {@link ApprovalPages}, {@link CallPages}, {@link PolicyPages},
 * {@link AccountPages} and {@link ConnectionPages}; OpenID sign-in is {@link ConsoleOidcController}.
 */
@Controller("/console")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ConsoleController {
    static final String COOKIE = "toolgate_console";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, MediaType> ASSETS = Map.of(
            "console.css", MediaType.of("text/css"), "console.js", MediaType.of("text/javascript"));

    private final Authenticator authenticator;
    private final ConsoleSessions sessions;
    private final IntegrationPages integrations;
    private final ApprovalPages approvals;
    private final CallPages calls;
    private final PolicyPages policies;
    private final AccountPages accounts;
    private final ConnectionPages connections;

    public ConsoleController(Authenticator authenticator, ConsoleSessions sessions, IntegrationPages integrations,
            ApprovalPages approvals, CallPages calls, PolicyPages policies, AccountPages accounts,
            ConnectionPages connections) {
        this.policies = requireNonNull(policies, "policies");
        this.accounts = requireNonNull(accounts, "accounts");
        this.connections = requireNonNull(connections, "connections");
        this.authenticator = requireNonNull(authenticator, "authenticator");
        this.sessions = requireNonNull(sessions, "sessions");
        this.integrations = requireNonNull(integrations, "integrations");
        this.approvals = requireNonNull(approvals, "approvals");
        this.calls = requireNonNull(calls, "calls");
    }

    @Get
    public HttpResponse<?> home(HttpRequest<?> request) {
        return signedIn(request).map(who -> ConsoleResponses.redirect(ConsoleAccess.home(who.principal())))
                .orElseGet(() -> ConsoleResponses.redirect("/console/login"));
    }

    @Get("/login")
    public HttpResponse<?> loginForm(@Nullable @QueryValue String tenant) {
        return ConsoleResponses.html(HttpStatus.OK, LoginPage.render("", tenant == null ? "" : tenant.strip()));
    }

    @Post(value = "/login", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    public HttpResponse<?> login(HttpRequest<?> request, @Body Map<String, Object> form) {
        if (ConsoleResponses.crossSite(request)) {
            return forbidden("cross-site sign-in refused");
        }
        String key = field(form, "api_key").trim();
        Principal p;
        try {
            InetAddress peer = request.getRemoteAddress().getAddress();
            p = authenticator.authenticate("Bearer " + key, peer);
        } catch (GatewayException e) {
            HttpStatus status = e.code() == ErrorCode.RESOURCE_EXHAUSTED ? HttpStatus.TOO_MANY_REQUESTS
                    : HttpStatus.UNAUTHORIZED;
            return ConsoleResponses.html(status, LoginPage.render(e.getMessage(), ""));
        }
        if (p.bootstrapAdmin()) {
            return ConsoleResponses.html(HttpStatus.FORBIDDEN, LoginPage.render("the bootstrap admin key belongs to no"
                    + " tenant; sign in with a key of the tenant", ""));
        }
        ConsoleSession s = sessions.open(p, ConsoleSession.API_KEY, ApiKeyFormat.hash(key));
        Cookie cookie = Cookie.of(COOKIE, s.id()).httpOnly(true).sameSite(SameSite.Strict).path("/console")
                .secure(request.isSecure()).maxAge(ConsoleSessions.LIFETIME);
        return ConsoleResponses.redirect(ConsoleAccess.home(p)).cookie(cookie);
    }

    @Post(value = "/logout", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    public HttpResponse<?> logout(HttpRequest<?> request, @Body Map<String, Object> form) {
        return changing(request, form, who -> {
            sessions.close(who.session().id());
            return ConsoleResponses.redirect("/console/login").cookie(Cookie.of(COOKIE, "").path("/console")
                    .httpOnly(true).sameSite(SameSite.Strict).secure(request.isSecure()).maxAge(0));
        });
    }

    @Get("/assets/{name}")
    public HttpResponse<?> asset(@PathVariable String name) throws IOException {
        MediaType type = ASSETS.get(name);
        if (type == null) {
            return ConsoleResponses.html(HttpStatus.NOT_FOUND, Html.page("Not found", null, ""));
        }
        try (InputStream in = ConsoleController.class.getResourceAsStream("/console/" + name)) {
            return ConsoleResponses.secured(HttpResponse.ok(requireNonNull(in, name).readAllBytes())
                    .contentType(type));
        }
    }

    @Get("/integrations")
    public HttpResponse<?> integrationList(HttpRequest<?> request) {
        return page(request, integrations::list);
    }

    @Get("/integrations/{name}")
    public HttpResponse<?> integration(HttpRequest<?> request, @PathVariable String name) {
        return page(request, who -> integrations.integration(who, name));
    }

    @Get("/tools/{tool}")
    public HttpResponse<?> tool(HttpRequest<?> request, @PathVariable String tool) {
        return page(request, who -> integrations.tool(who, tool, Map.of(), Map.of(), ""));
    }

    @Post(value = "/tools/{tool}", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    public HttpResponse<?> run(HttpRequest<?> request, @PathVariable String tool, @Body Map<String, Object> form) {
        return changing(request, form, who -> integrations.run(who, tool, strings(form)));
    }

    @Get("/approvals")
    public HttpResponse<?> approvalList(HttpRequest<?> request) {
        return page(request, approvals::list);
    }

    @Get("/approvals/pending")
    public HttpResponse<?> approvalsFragment(HttpRequest<?> request) {
        return page(request, approvals::fragment);
    }

    @Post(value = "/approvals/{callId}", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    public HttpResponse<?> decide(HttpRequest<?> request, @PathVariable String callId, @Body Map<String, Object> form) {
        return changing(request, form, who -> approvals.decide(who, callId, "approve".equals(field(form, "decision")),
                field(form, "reason")));
    }

    @Get("/calls")
    public HttpResponse<?> callList(HttpRequest<?> request) {
        return page(request, who -> calls.list(who, request.getParameters().asMap(String.class, String.class)));
    }

    @Get("/calls/{callId}")
    public HttpResponse<?> call(HttpRequest<?> request, @PathVariable String callId) {
        return page(request, who -> calls.detail(who, callId));
    }

    @Get("/sessions/{sessionId}")
    public HttpResponse<?> session(HttpRequest<?> request, @PathVariable String sessionId) {
        return page(request, who -> calls.session(who, sessionId));
    }

    @Get("/policies")
    public HttpResponse<?> policyPage(HttpRequest<?> request) {
        return page(request, who -> policies.page(who, request.getParameters().asMap(String.class, String.class)));
    }

    @Get("/accounts")
    public HttpResponse<?> accountList(HttpRequest<?> request) {
        return page(request, accounts::list);
    }

    @Get("/accounts/connect/{integration}")
    public HttpResponse<?> connect(HttpRequest<?> request, @PathVariable String integration) {
        return page(request, who -> accounts.connect(who, integration, request.isSecure()));
    }

    @Post(value = "/accounts/{integration}/disconnect", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    public HttpResponse<?> disconnect(HttpRequest<?> request, @PathVariable String integration,
            @Body Map<String, Object> form) {
        return changing(request, form, who -> accounts.disconnect(who, integration));
    }

    @Get("/connections")
    public HttpResponse<?> connectionList(HttpRequest<?> request) {
        return page(request, connections::list);
    }

    @Post(value = "/connections/disconnect", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    public HttpResponse<?> disconnectConnection(HttpRequest<?> request, @Body Map<String, Object> form) {
        return changing(request, form, who -> connections.disconnect(who, field(form, "user"),
                field(form, "integration"), field(form, "skill")));
    }

    private interface Page {
        MutableHttpResponse<?> render(ConsoleSessions.Resolved who);
    }

    private HttpResponse<?> page(HttpRequest<?> request, Page page) {
        Optional<ConsoleSessions.Resolved> who = signedIn(request);
        if (who.isEmpty()) {
            return ConsoleResponses.redirect("/console/login");
        }
        return page.render(who.get());
    }

    private HttpResponse<?> changing(HttpRequest<?> request, Map<String, Object> form, Page page) {
        Optional<ConsoleSessions.Resolved> who = signedIn(request);
        if (who.isEmpty()) {
            return ConsoleResponses.html(HttpStatus.UNAUTHORIZED, LoginPage.render("your session ended; sign in again", ""));
        }
        if (ConsoleResponses.crossSite(request)) {
            return forbidden("cross-site request refused");
        }
        if (!ConsoleSessions.csrfMatches(who.get().session(), field(form, "csrf"))) {
            return forbidden("missing or wrong CSRF token; reload the page and try again");
        }
        return page.render(who.get());
    }

    private Optional<ConsoleSessions.Resolved> signedIn(HttpRequest<?> request) {
        return request.getCookies().findCookie(COOKIE).flatMap(c -> sessions.resolve(c.getValue()));
    }

    private static MutableHttpResponse<String> forbidden(String why) {
        return ConsoleResponses.html(HttpStatus.FORBIDDEN, Html.page("Refused", null,
                "<p class=\"error\" role=\"alert\">" + Html.text(why) + "</p>"));
    }

    static String field(Map<String, Object> form, String name) {
        Object v = form.get(name);
        if (v instanceof List<?> list) {
            v = list.isEmpty() ? null : list.get(0);
        }
        return v == null ? "" : v.toString();
    }

    private static Map<String, String> strings(Map<String, Object> form) {
        Map<String, String> out = new HashMap<>();
        form.keySet().forEach(k -> out.put(k, field(form, k)));
        return out;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
