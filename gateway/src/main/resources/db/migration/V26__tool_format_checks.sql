-- Whether a tool version's input schema checks `format` (date-time, date, uuid, email, ...) or takes
-- it as an annotation (docs/openapi.md#formats): 'assert' (the default) or 'annotate'.
ALTER TABLE tool_versions ADD COLUMN format_checks VARCHAR(16) NOT NULL DEFAULT 'assert';
