-- The outcome of each MCP integration's latest sync (on registration, on schedule, on list_changed):
-- when it last succeeded and, when the latest attempt failed, why. Shown by the console's
-- integrations pages; one row per (tenant, integration), replaced by every attempt.
CREATE TABLE mcp_sync_status (
    tenant_id     VARCHAR(63)  NOT NULL REFERENCES tenants (id),
    integration   VARCHAR(63)  NOT NULL,
    attempted_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    succeeded_at  TIMESTAMP WITH TIME ZONE,
    tools         INTEGER      NOT NULL DEFAULT 0,
    error         TEXT         NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, integration)
);
