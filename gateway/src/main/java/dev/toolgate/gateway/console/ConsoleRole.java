package dev.toolgate.gateway.console;

import dev.toolgate.gateway.auth.Scopes;
import java.util.Set;

/**
 * What a person signed in with the tenant's OpenID Connect provider may do in the console, from the
 * groups its ID token lists: each role stands for the scopes an API key would need for the same
 * pages. Immutable.
 */
public enum ConsoleRole {
    /** Everything: integrations and runs, approvals, the audit trail, policies. */
    ADMIN(Set.of(Scopes.ADMIN, Scopes.TOOLS_CALL, Scopes.TOOLS_CONFIRM, ConsoleAccess.AUDIT_READ)),
    /** Approves or denies held calls. */
    APPROVER(Set.of(Scopes.TOOLS_CONFIRM)),
    /** Reads the audit trail, changes nothing. */
    AUDITOR(Set.of(ConsoleAccess.AUDIT_READ)),
    /** Sees integrations and runs tools (as itself). */
    USER(Set.of(Scopes.TOOLS_CALL));

    private final Set<String> scopes;

    ConsoleRole(Set<String> scopes) {
        this.scopes = scopes;
    }

    /** The scopes of this role; never {@code null}. */
    public Set<String> scopes() {
        return scopes;
    }
}
