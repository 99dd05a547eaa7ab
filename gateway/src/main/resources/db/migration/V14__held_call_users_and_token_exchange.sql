-- A held call keeps the end user it was made for: once approved it runs with that user's
-- connected account (never the approver's, never none), and its row keeps the user.
ALTER TABLE confirmations ADD COLUMN user_id VARCHAR(256) NOT NULL DEFAULT '';

-- Token exchange (RFC 8693): how calls of a token_exchange integration exchange the end user's token
-- at the tenant's authorization server for a token of the upstream's audience. The client secret is a
-- tenant secret named here; exchanged tokens are kept in memory only, never in the database.
CREATE TABLE token_exchange_clients (
    tenant_id          VARCHAR(63)   NOT NULL REFERENCES tenants (id),
    integration        VARCHAR(63)   NOT NULL,
    token_url          VARCHAR(2048) NOT NULL,
    client_id          VARCHAR(512)  NOT NULL,
    client_secret_name VARCHAR(63)   NOT NULL,
    audience           VARCHAR(1024) NOT NULL,
    scopes             VARCHAR(1024) NOT NULL,
    subject_token_type VARCHAR(64)   NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, integration)
);
