package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.connections.ConnectEndpoint;
import dev.toolgate.gateway.connections.ConnectedAccounts;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.GatewayException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.Set;

/**
 * {@code /console/oidc}: sign-in with the tenant's OpenID Connect provider. {@code start} sends the
 * browser to the provider with a fresh state, nonce and PKCE challenge, and gives it a login cookie
 * ({@code SameSite=Lax}: it must come back on the provider's redirect) that the callback requires;
 * {@code callback} completes the sign-in through {@link OidcSignIn}, maps the person's groups to
 * console roles, and opens a console session when they hold one. The session cookie is
 * {@code SameSite=Strict}, so the callback answers with a page that moves on by itself (a
 * navigation from this site, which carries the new cookie) rather than a redirect.
 *
 * <p>The same sign-in proves who opens a connect link ({@code start?link=<state>}, see
 * {@link ConnectLinkSignIn}): the callback then opens no session but, when the person is the link's
 * user, gives the browser the link's opener cookie and sends it back to the link; another person gets a
 * 403 page and nothing changes. Thin.
 */
@Controller("/console/oidc")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ConsoleOidcController {
    static final String LOGIN_COOKIE = "toolgate_console_login";

    private final OidcSignIn oidc;
    private final ConsoleSessions sessions;
    private final ConsoleSignIns signIns;
    private final ConnectLinkSignIn connectLinks;
    private final ConnectedAccounts accounts;

    ConsoleOidcController(OidcSignIn oidc, ConsoleSessions sessions, ConsoleSignIns signIns,
            ConnectLinkSignIn connectLinks, ConnectedAccounts accounts) {
        this.oidc = requireNonNull(oidc, "oidc");
        this.sessions = requireNonNull(sessions, "sessions");
        this.signIns = requireNonNull(signIns, "signIns");
        this.connectLinks = requireNonNull(connectLinks, "connectLinks");
        this.accounts = requireNonNull(accounts, "accounts");
    }

    @Get("/start")
    public HttpResponse<?> start(HttpRequest<?> request, @Nullable @QueryValue String tenant,
            @Nullable @QueryValue String link) {
        String t = tenant == null ? "" : tenant.strip();
        try {
            OidcSignIn.Start start = link == null || link.isEmpty() ? oidc.start(t) : connectLinks.begin(link);
            return ConsoleResponses.secured(HttpResponse.seeOther(start.authorization()))
                    .cookie(Cookie.of(LOGIN_COOKIE, start.binding()).httpOnly(true).sameSite(SameSite.Lax)
                            .path("/console/oidc").secure(request.isSecure()).maxAge(OidcSignIn.LOGIN_TTL));
        } catch (GatewayException e) {
            return ConsoleResponses.html(status(e), LoginPage.render(e.getMessage(), ""));
        }
    }

    @Get("/callback")
    public HttpResponse<?> callback(HttpRequest<?> request, @Nullable @QueryValue String state,
            @Nullable @QueryValue String code, @Nullable @QueryValue String error) {
        String binding = request.getCookies().findCookie(LOGIN_COOKIE).map(Cookie::getValue).orElse("");
        Cookie clearLogin = Cookie.of(LOGIN_COOKIE, "").httpOnly(true).sameSite(SameSite.Lax).path("/console/oidc")
                .secure(request.isSecure()).maxAge(0);
        if (error != null || code == null || code.isEmpty()) {
            if (state != null && !state.isEmpty()) {
                oidc.abandon(state);
            }
            String why = error == null ? "no code" : error.replaceAll("[^A-Za-z0-9_ .-]", "");
            return ConsoleResponses.html(HttpStatus.BAD_REQUEST, LoginPage.render("the sign-in was not completed ("
                    + why + "); nothing was opened", "")).cookie(clearLogin);
        }
        OidcSignIn.Person person;
        try {
            person = oidc.complete(state == null ? "" : state, code, binding);
        } catch (GatewayException e) {
            return ConsoleResponses.html(status(e), LoginPage.render("sign-in refused: " + e.getMessage(), ""))
                    .cookie(clearLogin);
        }
        if (!person.connectLink().isEmpty()) {
            return connectLinkOpener(request, person).cookie(clearLogin);
        }
        Set<ConsoleRole> roles = signIns.find(person.tenant()).map(c -> c.roles(person.groups())).orElse(Set.of());
        if (roles.isEmpty()) {
            return ConsoleResponses.html(HttpStatus.FORBIDDEN, LoginPage.render("signed in as " + person.name()
                    + ", but none of your groups holds a console role in tenant " + person.tenant()
                    + "; ask the tenant's admin", person.tenant())).cookie(clearLogin);
        }
        ConsoleSession s = sessions.openPerson(person);
        Cookie session = Cookie.of(ConsoleController.COOKIE, s.id()).httpOnly(true).sameSite(SameSite.Strict)
                .path("/console").secure(request.isSecure()).maxAge(ConsoleSessions.LIFETIME);
        String next = "/console";
        return ConsoleResponses.html(HttpStatus.OK, Html.page("Signed in", null, "<meta http-equiv=\"refresh\""
                + " content=\"0;url=" + next + "\">", "<p class=\"decided\">Signed in to " + Html.text(person.tenant())
                + " as " + Html.text(person.name()) + ".</p><p><a href=\"" + next + "\">Continue to the console</a></p>"))
                .cookie(session).cookie(clearLogin);
    }

    /** The end of a sign-in that proves who opens a connect link: back to the link with its cookie, or 403. */
    private MutableHttpResponse<?> connectLinkOpener(HttpRequest<?> request, OidcSignIn.Person person) {
        String opener;
        try {
            opener = connectLinks.prove(person);
        } catch (GatewayException e) {
            HttpStatus status = e.code() == ErrorCode.PERMISSION_DENIED ? HttpStatus.FORBIDDEN : status(e);
            return ConsoleResponses.html(status, Html.page("Connect link refused", null, "", "<p class=\"error\""
                    + " role=\"alert\">Signed in as " + Html.text(person.name()) + ": " + Html.text(
                            e.getMessage()) + "</p>"));
        }
        return ConsoleResponses.redirect("/connect/" + person.connectLink()).cookie(ConnectEndpoint.openerCookie(
                person.connectLink(), opener, request.isSecure(), accounts.linkTtl()));
    }

    private static HttpStatus status(GatewayException e) {
        return e.code() == ErrorCode.NOT_FOUND ? HttpStatus.NOT_FOUND
                : e.code() == ErrorCode.UNAVAILABLE ? HttpStatus.SERVICE_UNAVAILABLE
                : e.code() == ErrorCode.RESOURCE_EXHAUSTED ? HttpStatus.TOO_MANY_REQUESTS
                : e.code() == ErrorCode.FAILED_PRECONDITION ? HttpStatus.CONFLICT
                : HttpStatus.UNAUTHORIZED;
    }
}
