package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.gateway.confirm.ConfirmationStore;
import dev.toolgate.gateway.core.Digests;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.validation.ArgumentParser;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.Redactor;
import dev.toolgate.observability.StoredCall;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * A held call as its row and its reader see it: the record that finishes it, the view of it, and
 * its arguments masked once they may no longer run. Thread-safe.
 */
@Singleton
class HeldCallRecords {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HeldCalls.class);

    private final ConfirmationStore store;
    private final CallLog log;
    private final ArgumentParser parser;
    private final Redactor redactor;

    HeldCallRecords(ConfirmationStore store, CallLog log, ArgumentParser parser, Redactor redactor) {
        this.store = requireNonNull(store, "store");
        this.log = requireNonNull(log, "log");
        this.parser = requireNonNull(parser, "parser");
        this.redactor = requireNonNull(redactor, "redactor");
    }

    /** The held call's record, to finish it: same tenant, call id, start and arguments digest. */
    CallRecord record(Confirmation c) {
        JsonNode args = parser.parse(c.arguments());
        return CallRecord.builder().tenantId(c.tenantId()).callId(c.callId()).agentId(c.agentId()).keyId(c.keyId())
                .sessionId(c.sessionId()).toolName(c.toolName()).toolVersion(c.toolVersion()).skill(c.skill())
                .userId(c.userId()).arguments(c.arguments()).argumentsDigest(Digests.canonicalJsonSha256(args)).startedAt(c.createdAt())
                .build();
    }

    /** The arguments as the call record keeps them: secrets masked. */
    String masked(Confirmation c) {
        return redactor.redact(c.toolName(), c.arguments());
    }

    /** Masks an approved confirmation's arguments once its call is no longer held (sent, failed or closed). */
    void maskOnceClosed(Confirmation c) {
        try {
            if (log.findExecuted(c.tenantId(), c.callId()).filter(StoredCall::pending).isEmpty()) {
                store.maskArguments(c, masked(c));
            }
        } catch (RuntimeException e) { // the call's outcome stands; only the masking is missed
            LOG.warn("could not mask the arguments of the closed confirmation of call {} of tenant {}: {}",
                    c.callId(), c.tenantId(), e.getMessage());
        }
    }

    /** The call of {@code c} as it stands, with {@code c}. */
    HeldCalls.CallView view(Confirmation c) {
        StoredCall call = log.findExecuted(c.tenantId(), c.callId()).orElseThrow(() -> notFound(c.callId()));
        return new HeldCalls.CallView(call, Optional.of(c));
    }

    static void requireCallId(String callId) {
        if (!Identifiers.isCallId(callId)) {
            throw GatewayException.invalidArgument("call_id", "call_id must be 1-128 chars of letters, digits and"
                    + " . _ : -");
        }
    }

    static GatewayException notFound(String callId) {
        return GatewayException.notFound("CALL_NOT_FOUND", "no executed or held call with call_id '" + callId
                + "' in this tenant", List.of());
    }
}
