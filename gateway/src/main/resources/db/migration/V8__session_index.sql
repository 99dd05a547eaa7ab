-- Sessions: GetSession lists a session's calls in order, and policies count its earlier calls.
CREATE INDEX tool_calls_session ON tool_calls (tenant_id, session_id, started_at);
