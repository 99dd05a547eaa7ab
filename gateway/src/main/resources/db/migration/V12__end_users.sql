-- The end user on a call: each tenant may name one OpenID identity provider whose JWTs prove the
-- user an agent acts for (issuer, JWKS URL, audience, clock skew), and every call row keeps that
-- user's id (the token's subject, or the id a key with `users:assert` asserted; empty when none).
CREATE TABLE identity_providers (
    tenant_id           VARCHAR(63)   PRIMARY KEY REFERENCES tenants (id),
    issuer              VARCHAR(2048) NOT NULL,
    jwks_url            VARCHAR(2048) NOT NULL,
    audience            VARCHAR(512)  NOT NULL,
    clock_skew_seconds  INTEGER       NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

ALTER TABLE tool_calls ADD COLUMN user_id VARCHAR(256) NOT NULL DEFAULT '';
CREATE INDEX tool_calls_user ON tool_calls (tenant_id, user_id, started_at);
