package dev.toolgate.gateway.upstream;

import static java.util.Objects.requireNonNull;

/** The upstream gave no answer. The message names the integration, never credentials. */
public final class UpstreamFailure extends RuntimeException {
    public enum Kind {
        /** No answer within the deadline. */
        TIMEOUT,
        /** Connection refused, reset, unresolvable host, TLS failure. */
        UNAVAILABLE
    }

    private final Kind kind;

    public UpstreamFailure(Kind kind, String message) {
        super(requireNonNull(message, "message"), null, false, false);
        this.kind = requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }
}
