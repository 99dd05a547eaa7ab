-- A sample CRM schema for the SQL integration example (examples/sql/crm.yaml), and the
-- least-privilege role the gateway connects as. Run as a superuser or the schema owner:
--   psql -h 127.0.0.1 -U postgres -d toolgate_guide_sql -f examples/sql/crm-schema.sql   (docs/sql.md)
CREATE SCHEMA IF NOT EXISTS crm;

CREATE TABLE IF NOT EXISTS crm.customers (
    id            serial PRIMARY KEY,
    name          text NOT NULL,
    email         text UNIQUE NOT NULL,
    plan          text NOT NULL DEFAULT 'starter',
    renewal_date  date,
    balance       numeric(12, 2) NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS crm.notes (
    id           serial PRIMARY KEY,
    customer_id  int NOT NULL REFERENCES crm.customers (id),
    body         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

INSERT INTO crm.customers (name, email, plan, renewal_date, balance) VALUES
    ('Ada Lovelace', 'ada@example.com', 'enterprise', '2027-01-31', 1234.50),
    ('Grace Hopper', 'grace@example.com', 'team', '2026-12-15', 0),
    ('Alan Turing', 'alan@example.com', 'starter', '2027-06-30', 99.90)
ON CONFLICT (email) DO NOTHING;

-- The gateway's role: it can log in, read the tables its tools query, and write only where a
-- tool is declared `read_only: false` (here: insert notes). No DDL, no other schemas. Give it a
-- password and store that with `toolgate admin put-secret --tenant T crm_password`.
DO $$ BEGIN
    CREATE ROLE toolgate_crm LOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
GRANT USAGE ON SCHEMA crm TO toolgate_crm;
GRANT SELECT ON crm.customers, crm.notes TO toolgate_crm;
GRANT INSERT ON crm.notes TO toolgate_crm;
GRANT USAGE ON SEQUENCE crm.notes_id_seq TO toolgate_crm;
ALTER ROLE toolgate_crm SET statement_timeout = '30s';
ALTER ROLE toolgate_crm SET idle_in_transaction_session_timeout = '60s';
