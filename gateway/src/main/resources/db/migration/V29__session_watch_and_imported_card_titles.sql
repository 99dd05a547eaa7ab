-- Tool cards (docs/sessions.md): the card title an OpenAPI import takes from an operation's
-- `summary`. A card set with SetToolCard (tool_cards, V25) is the tool's own and wins; the import
-- replaces only what it wrote here.
CREATE TABLE tool_card_titles (
    tenant_id   VARCHAR(63)   NOT NULL REFERENCES tenants (id),
    tool_name   VARCHAR(200)  NOT NULL,
    title       VARCHAR(200)  NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, tool_name)
);

-- WatchSession reads the confirmations of a session each time the session changes.
CREATE INDEX confirmations_session ON confirmations (tenant_id, session_id);
