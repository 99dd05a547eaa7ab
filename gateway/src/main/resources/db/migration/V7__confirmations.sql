-- Calls held for a human's confirmation. The call's own row in tool_calls is PENDING_CONFIRMATION
-- (its execution_key taken) until the decision; this row holds what the human approves — the
-- tool version and the full arguments — and who decided, when, and why.
CREATE TABLE confirmations (
    id              VARCHAR(40)  PRIMARY KEY,
    tenant_id       VARCHAR(63)  NOT NULL REFERENCES tenants (id),
    call_id         VARCHAR(128) NOT NULL,
    agent_id        VARCHAR(128) NOT NULL,
    key_id          VARCHAR(40)  NOT NULL,
    session_id      VARCHAR(128) NOT NULL,
    tool_name       VARCHAR(200) NOT NULL,
    tool_version    INTEGER      NOT NULL,
    arguments       TEXT         NOT NULL,
    summary         TEXT         NOT NULL,
    rule_id         VARCHAR(64)  NOT NULL,
    state           VARCHAR(16)  NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_by      VARCHAR(128) NOT NULL DEFAULT '',
    decided_key_id  VARCHAR(40)  NOT NULL DEFAULT '',
    decided_at      TIMESTAMP WITH TIME ZONE,
    reason          TEXT         NOT NULL DEFAULT '',
    CONSTRAINT confirmations_call UNIQUE (tenant_id, call_id)
);
CREATE INDEX confirmations_pending ON confirmations (tenant_id, state, expires_at);
