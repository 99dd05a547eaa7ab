-- Compensation (docs/sessions.md): how a side-effecting tool's call is undone when a session is
-- rolled back with CompensateSession — the compensating tool and how its arguments are built from
-- the original call's arguments and result (JSON Pointers, or one CEL expression). One row per
-- tool, for every integration kind (HTTP, OpenAPI, SQL, MCP).
CREATE TABLE tool_compensations (
    tenant_id           VARCHAR(63)   NOT NULL REFERENCES tenants (id),
    tool_name           VARCHAR(200)  NOT NULL,
    compensating_tool   VARCHAR(200)  NOT NULL,
    argument_pointers   TEXT          NOT NULL,
    expression          TEXT          NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, tool_name)
);

-- Tool cards (docs/sessions.md): what people watching a session see of a tool — a short title,
-- an icon name and a narration template rendered from the call's arguments.
CREATE TABLE tool_cards (
    tenant_id   VARCHAR(63)   NOT NULL REFERENCES tenants (id),
    tool_name   VARCHAR(200)  NOT NULL,
    title       VARCHAR(200)  NOT NULL,
    icon        VARCHAR(64)   NOT NULL,
    narration   VARCHAR(500)  NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, tool_name)
);

-- Each CompensateSession command: who asked, why and when (the session view shows them).
CREATE TABLE session_compensations (
    id            VARCHAR(40)    PRIMARY KEY,
    tenant_id     VARCHAR(63)    NOT NULL REFERENCES tenants (id),
    session_id    VARCHAR(128)   NOT NULL,
    agent_id      VARCHAR(128)   NOT NULL,
    reason        VARCHAR(1000)  NOT NULL,
    requested_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX session_compensations_session ON session_compensations (tenant_id, session_id, requested_at);
