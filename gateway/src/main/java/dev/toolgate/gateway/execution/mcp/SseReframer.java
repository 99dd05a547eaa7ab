package dev.toolgate.gateway.execution.mcp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cuts the bytes of one server-sent-events response into whole events, so that the events of
 * several responses can be handed on as one stream: an event the server cut off when it closed
 * the response is dropped (as the SSE rules drop it), never glued to the next response's first
 * event. Remembers the last event id ({@code id:}) and the reconnection time ({@code retry:}) the
 * server gave, across responses. Not thread-safe: one response is read at a time.
 */
final class SseReframer {
    private final int maxEventBytes;
    private final java.io.ByteArrayOutputStream event = new java.io.ByteArrayOutputStream();
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    private boolean afterCr;
    private String lastEventId;
    private String pendingId;
    private long retryMillis = -1;

    /** Thrown when one event outgrows the bound: the response is given up. */
    static final class EventTooLarge extends RuntimeException {
        EventTooLarge(int max) {
            super("an event of the MCP server's stream is longer than " + max + " bytes");
        }
    }

    SseReframer(int maxEventBytes) {
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be positive, but was " + maxEventBytes);
        }
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * The whole events completed by {@code chunk}, each ending with its blank line, ready to hand on.
     *
     * @throws EventTooLarge when an event grows past the bound
     */
    List<ByteBuffer> feed(List<ByteBuffer> chunk) {
        List<ByteBuffer> out = new ArrayList<>();
        for (ByteBuffer buffer : chunk) {
            ByteBuffer b = buffer.duplicate();
            while (b.hasRemaining()) {
                byte c = b.get();
                if (afterCr && c == '\n') { // the LF of a CRLF
                    afterCr = false;
                    continue;
                }
                afterCr = c == '\r';
                if (c == '\n' || c == '\r') {
                    endOfLine(out);
                } else {
                    line.write(c);
                    if (line.size() + event.size() > maxEventBytes) {
                        throw new EventTooLarge(maxEventBytes);
                    }
                }
            }
        }
        return out;
    }

    /** The response ended: what is left of an unfinished event is dropped. */
    void endOfResponse() {
        event.reset();
        line.reset();
        afterCr = false;
        pendingId = null;
    }

    /** The id of the last whole event that carried one; empty before any. */
    Optional<String> lastEventId() {
        return Optional.ofNullable(lastEventId);
    }

    /** The reconnection time the server asked for ({@code retry:}), if it did. */
    Optional<java.time.Duration> retry() {
        return retryMillis < 0 ? Optional.empty() : Optional.of(java.time.Duration.ofMillis(retryMillis));
    }

    private void endOfLine(List<ByteBuffer> out) {
        if (line.size() == 0) { // a blank line dispatches the event
            if (event.size() > 0) {
                event.write('\n');
                out.add(ByteBuffer.wrap(event.toByteArray()));
                if (pendingId != null) {
                    lastEventId = pendingId;
                }
            }
            event.reset();
            pendingId = null;
            return;
        }
        byte[] bytes = line.toByteArray();
        line.reset();
        String text = new String(bytes, StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1).startsWith(" ") ? text.substring(colon + 2)
                : text.substring(colon + 1);
        if (field.equals("id") && value.indexOf('\u0000') < 0) {
            pendingId = value;
        } else if (field.equals("retry") && value.matches("[0-9]{1,9}")) {
            retryMillis = Long.parseLong(value);
        }
        if (!field.isEmpty()) { // comments (": …") are keep-alives, not events
            event.write(bytes, 0, bytes.length);
            event.write('\n');
        }
    }
}
