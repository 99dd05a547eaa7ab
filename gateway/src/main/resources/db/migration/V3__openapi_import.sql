-- OpenAPI import: an integration keeps the security schemes of its document (JSON: scheme
-- name -> how to apply it and which secret it reads) and where its tools come from; a tool
-- version keeps the JSON Schema of its successful response.
ALTER TABLE integrations ADD COLUMN security_schemes TEXT NOT NULL DEFAULT '{}';
ALTER TABLE integrations ADD COLUMN source VARCHAR(16) NOT NULL DEFAULT 'manual';
ALTER TABLE tool_versions ADD COLUMN output_schema TEXT NOT NULL DEFAULT '';
