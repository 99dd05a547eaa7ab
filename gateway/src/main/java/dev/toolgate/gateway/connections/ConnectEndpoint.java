package dev.toolgate.gateway.connections;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.GatewayException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * The browser side of connecting an account, on the gateway's HTTP listener:
 * {@code GET /connect/{state}} (the connect link) redirects to the authorization server, and
 * {@code GET /connect/callback} takes its answer. Pages are plain text; they never show a token.
 */
@Controller("/connect")
public class ConnectEndpoint {
    private final ConnectedAccounts accounts;

    public ConnectEndpoint(ConnectedAccounts accounts) {
        this.accounts = requireNonNull(accounts, "accounts");
    }

    @Get(uri = "/callback", produces = MediaType.TEXT_PLAIN)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<String> callback(@Nullable @QueryValue String state, @Nullable @QueryValue String code,
            @Nullable @QueryValue String error) {
        if (state == null || state.isEmpty()) {
            return HttpResponse.badRequest("the sign-in came back without its state; nothing was stored");
        }
        if (error != null || code == null || code.isEmpty()) {
            accounts.abandon(state); // a refused sign-in ends its link
            return HttpResponse.badRequest("the sign-in was not completed (" + (error == null ? "no code" : error)
                    .replaceAll("[^A-Za-z0-9_ .-]", "") + "); nothing was stored");
        }
        try {
            String integration = accounts.complete(state, code);
            return HttpResponse.ok("Connected: your account of " + integration + " is now used for your calls."
                    + " You can close this window.");
        } catch (GatewayException e) {
            return HttpResponse.badRequest(e.getMessage());
        }
    }

    @Get(uri = "/{state}", produces = MediaType.TEXT_PLAIN)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<String> start(@PathVariable String state) {
        try {
            return HttpResponse.<String>seeOther(accounts.authorizationRedirect(state))
                    .header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer");
        } catch (GatewayException e) {
            return HttpResponse.<String>status(io.micronaut.http.HttpStatus.NOT_FOUND).body(e.getMessage());
        }
    }
}
