package dev.toolgate.gateway.console;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;

/**
 * What a signed-in key may see and do in the console, from its scopes: integrations and running
 * tools need {@code tools:call}; approvals need {@code tools:confirm}; the audit trail needs
 * {@code admin} or {@link #AUDIT_READ}. Stateless.
 */
final class ConsoleAccess {
    /** Read-only access to the tenant's audit trail in the console (an auditor's key). */
    static final String AUDIT_READ = "audit:read";
    /**
     * The skill of a person's own connections made in the console: none. A person signed in with
     * OpenID acts with no skill, so their connections are tenant-wide (see docs/skills.md).
     */
    static final String NO_SKILL = "";

    private ConsoleAccess() {
    }

    static boolean canCall(Principal p) {
        return p.hasScope(Scopes.TOOLS_CALL);
    }

    static boolean canConfirm(Principal p) {
        return p.hasScope(Scopes.TOOLS_CONFIRM);
    }

    static boolean canManageConnections(Principal p) {
        return p.hasScope(Scopes.ADMIN);
    }

    static boolean canAudit(Principal p) {
        return p.hasScope(Scopes.ADMIN) || p.hasScope(AUDIT_READ);
    }

    /** The first page this principal may see: integrations, else approvals, else the audit trail. */
    static String home(Principal p) {
        if (canCall(p)) {
            return "/console/integrations";
        }
        if (canConfirm(p)) {
            return "/console/approvals";
        }
        return canAudit(p) ? "/console/calls" : "/console/integrations";
    }
}
