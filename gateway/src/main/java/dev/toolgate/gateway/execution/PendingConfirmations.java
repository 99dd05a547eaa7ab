package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.gateway.confirm.ConfirmationStore;
import dev.toolgate.gateway.error.GatewayException;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;

/**
 * The held calls of a tenant still waiting for a person, for those who may decide them (the
 * {@code tools:confirm} scope): each with its arguments masked as the call record keeps them,
 * never the secrets the call will run with. Thread-safe.
 */
@Singleton
public class PendingConfirmations {
    /** Most pending confirmations listed at once. */
    public static final int MAX = 200;

    private final ConfirmationStore store;
    private final HeldCallRecords records;
    private final Clock clock;

    PendingConfirmations(ConfirmationStore store, HeldCallRecords records, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.records = requireNonNull(records, "records");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * @throws GatewayException PERMISSION_DENIED without {@code tools:confirm}
     */
    public List<Pending> list(Principal principal) {
        if (principal.bootstrapAdmin() || !principal.hasScope(Scopes.TOOLS_CONFIRM)) {
            throw GatewayException.permissionDenied("MISSING_SCOPE", "listing held calls needs a key of the tenant"
                    + " with the 'tools:confirm' scope");
        }
        return store.pending(principal.tenantId(), clock.instant(), MAX).stream()
                .map(c -> new Pending(c, records.masked(c))).toList();
    }

    /** A pending confirmation and its arguments with secrets masked. */
    public record Pending(Confirmation confirmation, String maskedArguments) {
        public Pending {
            requireNonNull(confirmation, "confirmation");
            requireNonNull(maskedArguments, "maskedArguments");
        }
    }
}
