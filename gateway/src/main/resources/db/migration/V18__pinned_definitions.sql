-- Pinned tool definitions (docs/catalog.md): a change an MCP sync or an OpenAPI re-import makes
-- to a tool's description, schemas or annotations is held here until an admin decides. The
-- proposed definition is stored as a tool version above the tool's current (served) version.
CREATE TABLE tool_definition_changes (
    id                VARCHAR(40)   PRIMARY KEY,
    tenant_id         VARCHAR(63)   NOT NULL REFERENCES tenants (id),
    tool_id           VARCHAR(40)   NOT NULL REFERENCES tools (id),
    tool_name         VARCHAR(200)  NOT NULL,
    pinned_version    INTEGER       NOT NULL,
    proposed_version  INTEGER       NOT NULL,
    pinned_hash       VARCHAR(64)   NOT NULL,
    proposed_hash     VARCHAR(64)   NOT NULL,
    source            VARCHAR(16)   NOT NULL,
    flags             TEXT          NOT NULL,
    status            VARCHAR(16)   NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_at        TIMESTAMP WITH TIME ZONE,
    decided_by        VARCHAR(200)  NOT NULL,
    note              VARCHAR(1000) NOT NULL
);
CREATE INDEX tool_definition_changes_tenant ON tool_definition_changes (tenant_id, status, created_at);
CREATE INDEX tool_definition_changes_tool ON tool_definition_changes (tenant_id, tool_id, created_at);

-- What a tenant's held changes do meanwhile: HOLD (the pinned definition keeps serving),
-- DISABLE (the tool is refused until a decision) or OFF (changes apply at once). No row = HOLD.
CREATE TABLE tool_pinning (
    tenant_id   VARCHAR(63) PRIMARY KEY REFERENCES tenants (id),
    mode        VARCHAR(16) NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
