-- A user's connected account is bound to the skill the call that connected it ran under (empty: a
-- key without skills, tenant-wide), as the skills' own credentials are: a connection made under skill
-- `sales` is never used for a call under skill `support`, even of the same user and integration.
-- The table is rebuilt (portable between PostgreSQL and H2: no named primary key to drop); existing
-- connections were made before skills bound them and stay tenant-wide (skill '').
CREATE TABLE user_connections_by_skill (
    tenant_id    VARCHAR(63)  NOT NULL REFERENCES tenants (id),
    user_id      VARCHAR(256) NOT NULL,
    integration  VARCHAR(63)  NOT NULL,
    skill        VARCHAR(63)  NOT NULL,
    key_id       VARCHAR(32)  NOT NULL,
    nonce        VARCHAR(32)  NOT NULL,
    ciphertext   TEXT         NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, user_id, integration, skill)
);
INSERT INTO user_connections_by_skill (tenant_id, user_id, integration, skill, key_id, nonce, ciphertext, created_at,
    updated_at)
SELECT tenant_id, user_id, integration, '', key_id, nonce, ciphertext, created_at, updated_at FROM user_connections;
DROP TABLE user_connections;
ALTER TABLE user_connections_by_skill RENAME TO user_connections;

-- Users may connect by pasting their own API key instead of OAuth: the header calls send it in (empty: OAuth).
ALTER TABLE connection_clients ADD COLUMN api_key_header VARCHAR(256) NOT NULL DEFAULT '';

-- A pending connect link remembers the skill its connection will be bound to.
ALTER TABLE connection_states ADD COLUMN skill VARCHAR(63) NOT NULL DEFAULT '';
