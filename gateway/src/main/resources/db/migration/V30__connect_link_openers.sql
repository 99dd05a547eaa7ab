-- Connect links are opened only by the user they were made for (docs/identity.md, "Who opens a
-- connect link"). After the tenant's OpenID sign-in proved that the person opening a link is its
-- user, the link remembers a hash of a random value the person's browser keeps in a cookie: only that
-- browser can open the link, finish the sign-in at the upstream and paste a key on it.
ALTER TABLE connection_states ADD COLUMN opener_hash VARCHAR(64);

-- A tenant whose people cannot sign in may explicitly accept that anyone holding a connect link can
-- connect their own upstream account to the link's user (phishing); without a row here, and without a
-- sign-in, the tenant's connect links are refused.
CREATE TABLE connect_link_settings (
    tenant_id          VARCHAR(63) PRIMARY KEY REFERENCES tenants (id),
    unverified_allowed BOOLEAN     NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL
);
