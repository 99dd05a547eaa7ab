-- Exactly-once by call id: a repeated call id is answered with the stored outcome of its first
-- execution, and refused when it names other arguments. arguments_digest is the SHA-256 of the
-- canonical arguments; result_truncated says the stored result was cut at its cap.
ALTER TABLE tool_calls ADD COLUMN arguments_digest VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE tool_calls ADD COLUMN result_truncated BOOLEAN NOT NULL DEFAULT FALSE;
