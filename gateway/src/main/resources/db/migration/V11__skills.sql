-- Skills: a named bundle of tools (integration names and tool-name globs) with the credentials
-- attached to it, per tenant. An API key assigned skills sees and calls only their tools, with
-- only their credentials; a key assigned none keeps the tenant-wide behaviour (every tool, the
-- tenant's secrets by the names its integrations give), so no existing key changes.
CREATE TABLE skills (
    id          VARCHAR(40)   PRIMARY KEY,
    tenant_id   VARCHAR(63)   NOT NULL REFERENCES tenants (id),
    name        VARCHAR(63)   NOT NULL,
    description VARCHAR(1000) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT skills_name UNIQUE (tenant_id, name)
);

-- One tool entry: an integration name (all its tools) or a qualified tool-name glob (desk.get_*).
CREATE TABLE skill_tools (
    skill_id VARCHAR(40)  NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    pattern  VARCHAR(200) NOT NULL,
    PRIMARY KEY (skill_id, pattern)
);

-- The secret a call under the skill uses for one credential slot of an integration (the slot is
-- the secret name the integration's auth or security scheme names).
CREATE TABLE skill_secrets (
    skill_id    VARCHAR(40) NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    integration VARCHAR(63) NOT NULL,
    slot        VARCHAR(63) NOT NULL,
    secret_name VARCHAR(63) NOT NULL,
    PRIMARY KEY (skill_id, integration, slot)
);

CREATE TABLE api_key_skills (
    key_id   VARCHAR(40) NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    skill_id VARCHAR(40) NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    PRIMARY KEY (key_id, skill_id)
);
CREATE INDEX api_key_skills_skill ON api_key_skills (skill_id);

-- The skill a call ran under (empty: a key without skills, tenant-wide) and the one a held call
-- is sent with once approved.
ALTER TABLE tool_calls ADD COLUMN skill VARCHAR(63) NOT NULL DEFAULT '';
ALTER TABLE confirmations ADD COLUMN skill VARCHAR(63) NOT NULL DEFAULT '';
