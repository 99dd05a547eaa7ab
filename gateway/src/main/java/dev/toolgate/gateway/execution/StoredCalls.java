package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.observability.StoredCall;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * One call's record by id, for readers of the audit trail who check their own access (the
 * console's audit pages). Thread-safe.
 */
@Singleton
public class StoredCalls {
    private final CallLog log;

    StoredCalls(CallLog log) {
        this.log = requireNonNull(log, "log");
    }

    /** The call with this id in {@code tenantId}, as recorded; empty when there is none. */
    public Optional<StoredCall> find(String tenantId, String callId) {
        return log.findExecuted(requireNonNull(tenantId, "tenantId"), requireNonNull(callId, "callId"));
    }
}
