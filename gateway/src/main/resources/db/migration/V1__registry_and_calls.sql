-- Toolgate schema v1. Runs unchanged on PostgreSQL and on H2 in PostgreSQL mode.
-- Every table but tenants carries tenant_id, and every query filters on it.

CREATE TABLE tenants (
    id            VARCHAR(63)  PRIMARY KEY,
    display_name  VARCHAR(200) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE api_keys (
    id          VARCHAR(40)   PRIMARY KEY,
    tenant_id   VARCHAR(63)   NOT NULL REFERENCES tenants (id),
    agent_id    VARCHAR(128)  NOT NULL,
    key_hash    VARCHAR(64)   NOT NULL UNIQUE,
    scopes      VARCHAR(1400) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

-- Secret values are AES-GCM ciphertext (base64) bound to (tenant_id, name) as associated data.
CREATE TABLE secrets (
    id          VARCHAR(40)  PRIMARY KEY,
    tenant_id   VARCHAR(63)  NOT NULL REFERENCES tenants (id),
    name        VARCHAR(63)  NOT NULL,
    key_id      VARCHAR(32)  NOT NULL,
    nonce       VARCHAR(32)  NOT NULL,
    ciphertext  TEXT         NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT secrets_name UNIQUE (tenant_id, name)
);

CREATE TABLE integrations (
    id           VARCHAR(40)   PRIMARY KEY,
    tenant_id    VARCHAR(63)   NOT NULL REFERENCES tenants (id),
    name         VARCHAR(63)   NOT NULL,
    kind         VARCHAR(16)   NOT NULL,
    base_url     VARCHAR(2048) NOT NULL,
    auth_kind    VARCHAR(16)   NOT NULL,
    auth_secret  VARCHAR(63)   NOT NULL,
    description  TEXT          NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT integrations_name UNIQUE (tenant_id, name)
);

-- A tool keeps its row when deleted (deleted_at set) so versions keep counting up.
CREATE TABLE tools (
    id               VARCHAR(40) PRIMARY KEY,
    tenant_id        VARCHAR(63) NOT NULL REFERENCES tenants (id),
    integration_id   VARCHAR(40) NOT NULL REFERENCES integrations (id),
    name             VARCHAR(63) NOT NULL,
    current_version  INTEGER     NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_at       TIMESTAMP WITH TIME ZONE,
    CONSTRAINT tools_name UNIQUE (tenant_id, integration_id, name)
);

-- Versions are immutable: a change to a tool inserts a new row.
CREATE TABLE tool_versions (
    id            VARCHAR(40)  PRIMARY KEY,
    tenant_id     VARCHAR(63)  NOT NULL REFERENCES tenants (id),
    tool_id       VARCHAR(40)  NOT NULL REFERENCES tools (id),
    version       INTEGER      NOT NULL,
    description   TEXT         NOT NULL,
    input_schema  TEXT         NOT NULL,
    annotations   VARCHAR(200) NOT NULL,
    binding       TEXT         NOT NULL,
    timeout_ms    INTEGER      NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tool_versions_version UNIQUE (tool_id, version)
);
CREATE INDEX tool_versions_tenant ON tool_versions (tenant_id);

-- One row per tool call: allowed, refused or failed. execution_key is the call id for calls
-- that were sent upstream (unique per tenant: a call id executes once) and NULL for refusals,
-- so a refused call id can be retried with corrected arguments.
CREATE TABLE tool_calls (
    id               VARCHAR(40)  PRIMARY KEY,
    tenant_id        VARCHAR(63)  NOT NULL,
    call_id          VARCHAR(128) NOT NULL,
    execution_key    VARCHAR(128),
    agent_id         VARCHAR(128) NOT NULL,
    key_id           VARCHAR(40)  NOT NULL,
    session_id       VARCHAR(128) NOT NULL,
    tool_name        VARCHAR(200) NOT NULL,
    tool_version     INTEGER      NOT NULL,
    arguments        TEXT         NOT NULL,
    status           VARCHAR(32)  NOT NULL,
    upstream_status  INTEGER      NOT NULL,
    is_error         BOOLEAN      NOT NULL,
    result           TEXT         NOT NULL,
    error            TEXT         NOT NULL,
    duration_micros  BIGINT       NOT NULL,
    started_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at      TIMESTAMP WITH TIME ZONE,
    CONSTRAINT tool_calls_execution_key UNIQUE (tenant_id, execution_key)
);
CREATE INDEX tool_calls_tenant_call_id ON tool_calls (tenant_id, call_id);
CREATE INDEX tool_calls_tenant_started ON tool_calls (tenant_id, started_at);
