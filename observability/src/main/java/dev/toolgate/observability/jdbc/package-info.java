/**
 * The JDBC implementation of the call-record API: {@link dev.toolgate.observability.jdbc.JdbcCallStore}
 * writes the {@code tool_calls} table (PostgreSQL, or H2 in PostgreSQL mode) and
 * {@link dev.toolgate.observability.jdbc.BufferedCallRecorder} writes through any
 * {@link dev.toolgate.observability.CallStore} from a background thread in batches. Only the
 * gateway's wiring (its recorder factory) names these classes; everything else uses the API in
 * {@code dev.toolgate.observability}. Everything here is non-null unless marked otherwise.
 */
package dev.toolgate.observability.jdbc;
