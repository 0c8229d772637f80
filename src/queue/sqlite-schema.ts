/**
 * The SQLite store's schema, as numbered migrations. Applied in order inside one transaction each time a
 * store is opened; `schema_version` records what was applied. A released migration is never edited:
 * changes go into a new one. Column types are the ones PostgreSQL has too (TEXT, INTEGER), timestamps
 * are ISO-8601 UTC text and structured values JSON text, so the Postgres store can mirror this schema.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Marks the file as an mfasweep store ("mfsw"), so a foreign SQLite file is recognised and left alone. */
export const applicationId = 0x6d667377;

export const migrations: Migration[] = [
  {
    version: 1,
    description: "queue: sweeps, items, history, acceptances, tickets ledger, locks",
    sql: `
CREATE TABLE sweeps (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  tenants TEXT NOT NULL,
  coverage TEXT NOT NULL,
  summary TEXT
);
CREATE INDEX sweeps_started_at ON sweeps (started_at);

CREATE TABLE sweep_tenants (
  sweep_id TEXT NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  tenant TEXT NOT NULL,
  reconciled_at TEXT NOT NULL,
  diff TEXT NOT NULL,
  PRIMARY KEY (sweep_id, tenant)
);

CREATE TABLE items (
  fingerprint TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  policy TEXT NOT NULL,
  title TEXT NOT NULL,
  severity TEXT NOT NULL,
  subject TEXT NOT NULL,
  connection TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'ticketed', 'resolved', 'accepted', 'reopened')),
  status TEXT NOT NULL,
  message TEXT NOT NULL,
  mfa TEXT,
  evidence TEXT NOT NULL,
  remediation TEXT NOT NULL,
  details TEXT,
  exception TEXT,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  opened_at TEXT,
  resolved_at TEXT,
  due_at TEXT,
  regression_count INTEGER NOT NULL DEFAULT 0,
  last_sweep TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX items_tenant_state ON items (tenant, state);
CREATE INDEX items_state_due ON items (state, due_at);

CREATE TABLE item_history (
  seq INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL REFERENCES items (fingerprint) ON DELETE CASCADE,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  note TEXT
);
CREATE INDEX item_history_fingerprint ON item_history (fingerprint, seq);

CREATE TABLE acceptances (
  fingerprint TEXT PRIMARY KEY REFERENCES items (fingerprint) ON DELETE CASCADE,
  tenant TEXT NOT NULL,
  reason TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  expires TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX acceptances_tenant ON acceptances (tenant);

CREATE TABLE tickets (
  fingerprint TEXT NOT NULL REFERENCES items (fingerprint) ON DELETE CASCADE,
  system TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  url TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (fingerprint, system)
);

CREATE TABLE locks (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    description: "tickets ledger: dedupe key, digest of what was sent, and the ticket's phase (issue #9)",
    sql: `
ALTER TABLE tickets ADD COLUMN ticket_key TEXT;
ALTER TABLE tickets ADD COLUMN digest TEXT;
ALTER TABLE tickets ADD COLUMN phase TEXT CHECK (phase IN ('open', 'resolved', 'closed'));
CREATE INDEX tickets_system ON tickets (system);
`,
  },
  {
    version: 3,
    description:
      "items: the connections each finding's verdict depended on, JSON array (NULL: stored before; issue #19)",
    sql: `
ALTER TABLE items ADD COLUMN depends_on TEXT;
`,
  },
  {
    version: 4,
    description:
      "items: a hash of each item's content, so a re-sweep rewrites only what changed (NULL: stored before; issue #20)",
    sql: `
ALTER TABLE items ADD COLUMN content_hash TEXT;
`,
  },
];
