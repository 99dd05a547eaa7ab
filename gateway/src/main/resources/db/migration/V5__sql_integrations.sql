-- SQL integrations: connection settings other than the JDBC URL (kept in base_url): the
-- database user, the name of the secret holding its password, pool size, discovery schemas.
-- Never a credential itself. Empty JSON object for HTTP integrations.
ALTER TABLE integrations ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
