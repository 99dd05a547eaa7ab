-- Console sign-in with the tenant's OpenID Connect provider (docs/console.md): the issuer, the
-- tenant's client there (its secret is a tenant secret named here, never stored in this table),
-- the scopes asked for, the claim that lists the person's groups, and which groups hold which
-- console role (JSON arrays of group names).
CREATE TABLE console_sign_in (
    tenant_id          VARCHAR(63)   PRIMARY KEY REFERENCES tenants (id),
    issuer             VARCHAR(2048) NOT NULL,
    client_id          VARCHAR(512)  NOT NULL,
    client_secret_name VARCHAR(63)   NOT NULL,
    scopes             VARCHAR(1024) NOT NULL,
    groups_claim       VARCHAR(128)  NOT NULL,
    admin_groups       TEXT          NOT NULL,
    approver_groups    TEXT          NOT NULL,
    auditor_groups     TEXT          NOT NULL,
    user_groups        TEXT          NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL
);
