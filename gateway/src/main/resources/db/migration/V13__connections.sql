-- Connected accounts: an integration may act for the end user with the user's own OAuth tokens.
-- connection_clients: how the tenant's users connect an integration (authorization code + PKCE);
-- the client secret is a tenant secret named here, never stored in this table.
CREATE TABLE connection_clients (
    tenant_id          VARCHAR(63)   NOT NULL REFERENCES tenants (id),
    integration        VARCHAR(63)   NOT NULL,
    authorization_url  VARCHAR(2048) NOT NULL,
    token_url          VARCHAR(2048) NOT NULL,
    client_id          VARCHAR(512)  NOT NULL,
    client_secret_name VARCHAR(63)   NOT NULL,
    scopes             VARCHAR(1024) NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, integration)
);

-- One pending connect link: its state (stored hashed), bound to tenant, user and integration, with
-- the PKCE verifier sealed like a secret; single use (used_at) and expiring.
CREATE TABLE connection_states (
    state_hash   VARCHAR(64)  PRIMARY KEY,
    tenant_id    VARCHAR(63)  NOT NULL REFERENCES tenants (id),
    user_id      VARCHAR(256) NOT NULL,
    integration  VARCHAR(63)  NOT NULL,
    key_id       VARCHAR(32)  NOT NULL,
    nonce        VARCHAR(32)  NOT NULL,
    ciphertext   TEXT         NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    opened_at    TIMESTAMP WITH TIME ZONE,
    used_at      TIMESTAMP WITH TIME ZONE
);

-- A user's connection: the tokens (access, refresh, expiry) as AES-GCM ciphertext bound to
-- (tenant, user, integration).
CREATE TABLE user_connections (
    tenant_id    VARCHAR(63)  NOT NULL REFERENCES tenants (id),
    user_id      VARCHAR(256) NOT NULL,
    integration  VARCHAR(63)  NOT NULL,
    key_id       VARCHAR(32)  NOT NULL,
    nonce        VARCHAR(32)  NOT NULL,
    ciphertext   TEXT         NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, user_id, integration)
);
