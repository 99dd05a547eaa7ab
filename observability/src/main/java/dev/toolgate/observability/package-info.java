/**
 * The call-record API: the durable trail of every tool call (allowed, refused or failed) as
 * {@link dev.toolgate.observability.CallRecord}s, the {@link dev.toolgate.observability.CallRecorder}
 * callers record through, its {@link dev.toolgate.observability.RecorderStats}, the
 * {@link dev.toolgate.observability.CallStore} service-provider interface and redaction. The JDBC
 * implementation is in {@code dev.toolgate.observability.jdbc}. Plain Java, no framework; the
 * gateway wires it. Everything here is non-null unless marked otherwise.
 */
package dev.toolgate.observability;
