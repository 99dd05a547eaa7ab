-- Several gateway instances on one database.
-- A periodic job (retention purge, hold expiry, MCP sync) runs on the instance that takes its
-- lease; the lease lasts about one interval, so the job runs once per interval across instances.
CREATE TABLE cluster_leases (
    name        VARCHAR(100) PRIMARY KEY,
    holder      VARCHAR(100) NOT NULL,
    expires_ms  BIGINT       NOT NULL
);

-- Rate-limit token buckets shared by all instances (PostgreSQL only; on H2 limits are counted in
-- memory). bucket_key is the SHA-256 (hex) of tenant, limit id and shape, and subject; full_at_ms is when the bucket
-- is full again, after which the row can be deleted without changing any decision.
CREATE TABLE rate_limit_buckets (
    bucket_key  VARCHAR(64)      PRIMARY KEY,
    tokens      DOUBLE PRECISION NOT NULL,
    updated_ms  DOUBLE PRECISION NOT NULL,
    full_at_ms  DOUBLE PRECISION NOT NULL
);
CREATE INDEX rate_limit_buckets_full_at ON rate_limit_buckets (full_at_ms);
