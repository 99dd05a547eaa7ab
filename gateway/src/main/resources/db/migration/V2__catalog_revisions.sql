-- One counter per tenant, bumped in the same transaction as every catalog change, so each
-- gateway instance can tell cheaply whether its cached catalog of that tenant is stale.
CREATE TABLE catalog_revisions (
    tenant_id  VARCHAR(63) PRIMARY KEY REFERENCES tenants (id),
    revision   BIGINT      NOT NULL
);
