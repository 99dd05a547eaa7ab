-- The audit row points at the call's trace: its OpenTelemetry trace id (32 hex), empty when
-- tracing is off.
ALTER TABLE tool_calls ADD COLUMN trace_id VARCHAR(32) NOT NULL DEFAULT '';
CREATE INDEX tool_calls_trace ON tool_calls (trace_id);
