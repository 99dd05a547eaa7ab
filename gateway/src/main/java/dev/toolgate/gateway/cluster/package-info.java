/**
 * What several gateway instances on one PostgreSQL tell each other: cache invalidations through
 * {@code LISTEN/NOTIFY} ({@link dev.toolgate.gateway.cluster.ClusterBus}). Depends on no feature
 * package; the features listen to {@link dev.toolgate.gateway.cluster.Invalidation} events.
 */
package dev.toolgate.gateway.cluster;
