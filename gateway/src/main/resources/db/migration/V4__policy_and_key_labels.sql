-- Policy: every call row says what the tenant's policy decided, by which rule, under which
-- policy version (Git commit or content hash). API keys carry labels that policies can test.
ALTER TABLE tool_calls ADD COLUMN policy_decision VARCHAR(16) NOT NULL DEFAULT '';
ALTER TABLE tool_calls ADD COLUMN policy_rule VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE tool_calls ADD COLUMN policy_version VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD COLUMN labels VARCHAR(2000) NOT NULL DEFAULT '{}';
