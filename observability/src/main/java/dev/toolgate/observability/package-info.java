/**
 * Call records: the durable trail of every tool call (allowed, refused or failed) and the
 * writer that stores them in PostgreSQL (or H2 in PostgreSQL mode). Plain Java, no framework;
 * the gateway wires it. Everything here is non-null unless marked otherwise.
 */
package dev.toolgate.observability;
