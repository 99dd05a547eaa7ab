package dev.toolgate.gateway.compensation;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.GatewayException;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The admin's side of compensations: declare, remove and list them, each declaration checked in
 * full (every problem reported at once) before anything is written. Thread-safe.
 */
@Singleton
public class CompensationDeclarations {
    private final CompensationStore store;
    private final Clock clock;

    public CompensationDeclarations(CompensationStore store, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * The declaration, checked.
     *
     * @param field where the declaration sits in the request, for the error's field names (e.g.
     *              {@code compensation.})
     * @throws GatewayException INVALID_ARGUMENT naming every problem
     */
    public static Compensation checked(String field, String tool, String compensatingTool,
            Map<String, String> pointers, String expression) {
        Identifiers.requireNoLocatedViolations(Compensation.check(field, tool, compensatingTool, pointers,
                expression));
        return new Compensation(tool, compensatingTool, pointers, expression);
    }

    /** Declares (or replaces) a checked compensation. */
    public Compensation put(String tenantId, Compensation c) {
        store.put(tenantId, c, clock.instant());
        return c;
    }

    /**
     * Removes the compensation of {@code tool}.
     *
     * @throws GatewayException NOT_FOUND when it has none
     */
    public void delete(String tenantId, String tool) {
        if (!store.delete(tenantId, tool)) {
            throw GatewayException.notFound("COMPENSATION_NOT_FOUND", "tool '" + Identifiers.abbreviate(tool)
                    + "' has no compensation", List.of());
        }
    }

    /** The tenant's compensations, by tool name. */
    public List<Compensation> list(String tenantId) {
        return List.copyOf(store.all(tenantId).values());
    }
}
