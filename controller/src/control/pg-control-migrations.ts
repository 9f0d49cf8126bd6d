/**
 * The control database's schema, as ordered migrations. Append only: a migration that has run in
 * any deployment is never edited; a change is a new entry. PgControlStore applies the missing ones
 * at start-up, in one transaction under an advisory lock, and records each in `control_migrations`.
 */
export const CONTROL_SCHEMA = 'pgsbx_control';

export interface ControlMigration {
  id: number;
  name: string;
  sql: string;
}

export const CONTROL_MIGRATIONS: readonly ControlMigration[] = [
  {
    id: 1,
    name: 'users and archives',
    sql: `
      CREATE TABLE ${CONTROL_SCHEMA}.users (
        user_id      text PRIMARY KEY,
        hibernated   boolean NOT NULL DEFAULT false,
        last_used_at timestamptz NOT NULL,
        last_error   text
      );
      CREATE INDEX users_last_used_at ON ${CONTROL_SCHEMA}.users (last_used_at);
      CREATE INDEX users_hibernated ON ${CONTROL_SCHEMA}.users (user_id) WHERE hibernated;

      CREATE TABLE ${CONTROL_SCHEMA}.archives (
        user_id    text NOT NULL REFERENCES ${CONTROL_SCHEMA}.users ON DELETE CASCADE,
        kind       text NOT NULL CHECK (kind IN ('hibernation', 'checkpoint')),
        name       text NOT NULL,
        -- Two records sharing bytes would let deleting one destroy the other's archive.
        key        text NOT NULL UNIQUE,
        bytes      bigint NOT NULL CHECK (bytes >= 0),
        sha256     text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, kind, name)
      );
      CREATE INDEX archives_created_at ON ${CONTROL_SCHEMA}.archives (created_at);
    `,
  },
  {
    id: 2,
    name: 'notebooks and shares',
    // Owners are any signed-in user, not only those with a sandbox: no reference to users.
    sql: `
      CREATE TABLE ${CONTROL_SCHEMA}.notebooks (
        id         uuid PRIMARY KEY,
        owner      text NOT NULL,
        name       text NOT NULL,
        content    text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version    integer NOT NULL CHECK (version >= 1)
      );
      CREATE INDEX notebooks_owner ON ${CONTROL_SCHEMA}.notebooks (owner, updated_at DESC);

      CREATE TABLE ${CONTROL_SCHEMA}.shares (
        token       text PRIMARY KEY,
        notebook_id uuid NOT NULL UNIQUE REFERENCES ${CONTROL_SCHEMA}.notebooks ON DELETE CASCADE,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL,
        -- JSON text, not jsonb: the snapshot is served back byte for byte, never queried.
        snapshot    text NOT NULL
      );
    `,
  },
];
