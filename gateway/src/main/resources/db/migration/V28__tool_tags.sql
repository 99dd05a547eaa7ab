-- Tool tags (docs/catalog.md#tags): a JSON array of strings per tool version, from the OpenAPI
-- operation's `tags`, an MCP tool's `_meta` or the admin who defined the tool. Filters of
-- ListTools, ExportTools and SearchTools, and words of the search index.
ALTER TABLE tool_versions ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
