-- A policy rule may let the calling key confirm its own held call (self_confirm: true).
ALTER TABLE confirmations ADD COLUMN self_confirm BOOLEAN NOT NULL DEFAULT FALSE;
