package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.execution.HeldCalls;
import dev.toolgate.gateway.execution.PendingConfirmations;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * The approvals page: the tenant's held calls waiting for a person (summary, tool, who asked,
 * arguments as the record keeps them, expiry), refreshed by {@code console.js} from
 * {@code /console/approvals/pending} every second; approve or deny with a reason through
 * {@link HeldCalls#decide}, whose refusal of a decision taken elsewhere names who took it. Needs
 * {@code tools:confirm}. Thread-safe.
 */
@Singleton
class ApprovalPages {
    private final PendingConfirmations pending;
    private final HeldCalls held;

    ApprovalPages(PendingConfirmations pending, HeldCalls held) {
        this.pending = requireNonNull(pending, "pending");
        this.held = requireNonNull(held, "held");
    }

    MutableHttpResponse<String> list(ConsoleSessions.Resolved who) {
        if (!ConsoleAccess.canConfirm(who.principal())) {
            return IntegrationPages.noScope(who, "Approvals", "tools:confirm");
        }
        return ConsoleResponses.html(HttpStatus.OK, Html.page("Approvals", who,
                "<div id=\"pending\" data-poll=\"/console/approvals/pending\" aria-live=\"polite\">" + items(who)
                        + "</div>"));
    }

    /** Just the list, for the page's polling. */
    MutableHttpResponse<String> fragment(ConsoleSessions.Resolved who) {
        if (!ConsoleAccess.canConfirm(who.principal())) {
            return ConsoleResponses.html(HttpStatus.FORBIDDEN, "");
        }
        return ConsoleResponses.html(HttpStatus.OK, items(who));
    }

    MutableHttpResponse<String> decide(ConsoleSessions.Resolved who, String callId, boolean approve, String reason) {
        if (!ConsoleAccess.canConfirm(who.principal())) {
            return IntegrationPages.noScope(who, "Approvals", "tools:confirm");
        }
        try {
            HeldCalls.CallView v = held.decide(who.principal(), callId, approve, reason, Optional.empty());
            return ConsoleResponses.html(HttpStatus.OK, Html.page(approve ? "Approved" : "Denied", who,
                    "<p class=\"decided\">" + (approve ? "Approved" : "Denied") + " by you.</p>"
                            + CallView.record(v.call()) + "<p><a href=\"/console/approvals\">Back to approvals</a></p>"));
        } catch (GatewayException e) {
            HttpStatus status = switch (e.code()) {
                case NOT_FOUND -> HttpStatus.NOT_FOUND;
                case PERMISSION_DENIED -> HttpStatus.FORBIDDEN;
                case FAILED_PRECONDITION -> HttpStatus.CONFLICT;
                case INVALID_ARGUMENT -> HttpStatus.BAD_REQUEST;
                default -> HttpStatus.SERVICE_UNAVAILABLE;
            };
            return ConsoleResponses.html(status, Html.page("Not decided", who, "<p class=\"error lost\" role=\"alert\">"
                    + Html.text(e.getMessage()) + "</p><p><a href=\"/console/approvals\">Back to approvals</a></p>"));
        }
    }

    private String items(ConsoleSessions.Resolved who) {
        List<PendingConfirmations.Pending> list = pending.list(who.principal());
        if (list.isEmpty()) {
            return "<p class=\"empty\">Nothing is waiting for approval.</p>";
        }
        StringBuilder out = new StringBuilder("<ul class=\"approvals\">");
        for (PendingConfirmations.Pending p : list) {
            Confirmation c = p.confirmation();
            out.append("<li class=\"approval\" data-call=\"").append(Html.text(c.callId())).append("\"><h2>")
                    .append(Html.text(c.summary().isEmpty() ? c.toolName() : c.summary())).append("</h2><dl>")
                    .append("<dt>Tool</dt><dd>").append(Html.text(c.toolName())).append("</dd>")
                    .append("<dt>Asked by</dt><dd>").append(Html.text(c.agentId())).append("</dd>")
                    .append("<dt>Rule</dt><dd>").append(Html.text(c.ruleId())).append("</dd>")
                    .append("<dt>Expires</dt><dd><time class=\"expires\" datetime=\"")
                    .append(Html.text(c.expiresAt().toString())).append("\">").append(Html.text(c.expiresAt().toString()))
                    .append("</time></dd><dt>Call id</dt><dd>").append(Html.text(c.callId())).append("</dd></dl>")
                    .append(CallView.pre(p.maskedArguments()))
                    .append("<form method=\"post\" action=\"/console/approvals/").append(Html.url(c.callId()))
                    .append("\">").append(Html.csrf(who.session()))
                    .append("<label for=\"r-").append(Html.text(c.callId())).append("\">Reason</label>")
                    .append("<input type=\"text\" name=\"reason\" id=\"r-").append(Html.text(c.callId())).append("\">")
                    .append("<button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>")
                    .append("<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form></li>");
        }
        return out.append("</ul>").toString();
    }
}
