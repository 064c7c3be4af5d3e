// The SQLite side of the store: one table of objects as JSON, one counter. Every write is one transaction that
// moves the counter and the object together, so a reopened store sees either both or neither.
import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { isNotFound } from '../util/fs.js';
import { StorageError } from './errors.js';

export interface ObjectRow {
  resource: string;
  namespace: string;
  name: string;
  data: string;
}

export type RowChange =
  { kind: 'put'; row: ObjectRow } | { kind: 'delete'; resource: string; namespace: string; name: string };

const SCHEMA_VERSION = 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO counters (name, value) VALUES ('resourceVersion', 0);
  CREATE TABLE IF NOT EXISTS objects (
    resource  TEXT NOT NULL,
    namespace TEXT NOT NULL,
    name      TEXT NOT NULL,
    data      TEXT NOT NULL,
    PRIMARY KEY (resource, namespace, name)
  ) WITHOUT ROWID;
`;

export class StoreDatabase {
  private readonly setVersion: Database.Statement<[number]>;
  private readonly put: Database.Statement<ObjectRow>;
  private readonly remove: Database.Statement<[string, string, string]>;

  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {
    this.setVersion = db.prepare("UPDATE counters SET value = ? WHERE name = 'resourceVersion'");
    this.put = db.prepare(
      'INSERT OR REPLACE INTO objects (resource, namespace, name, data) VALUES (@resource, @namespace, @name, @data)',
    );
    this.remove = db.prepare('DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?');
  }

  /**
   * Opens (creating if needed) the database. WAL with synchronous=FULL: a commit returns after the WAL is
   * fsynced, so a write survives kill -9 and power loss (docs/decisions/store-durability.md). The exclusive
   * lock, taken at once, keeps a second podlet on the same data dir out: this process is the only writer.
   */
  static open(file: string): StoreDatabase {
    let db: Database.Database | undefined;
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      restrictToOwner(file);
      db = new Database(file, { timeout: 0 });
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('BEGIN IMMEDIATE; COMMIT');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION)
        throw new Error(`schema version ${version} is newer than this podlet's (${SCHEMA_VERSION})`);
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      return new StoreDatabase(db, file);
    } catch (e) {
      db?.close();
      throw new StorageError(`cannot open the object store ${file}: ${(e as Error).message}`, { cause: e });
    }
  }

  close(): void {
    this.db.close();
  }

  resourceVersion(): number {
    const row = this.db.prepare("SELECT value FROM counters WHERE name = 'resourceVersion'").get() as {
      value: number;
    };
    return row.value;
  }

  rows(): IterableIterator<ObjectRow> {
    return this.db
      .prepare('SELECT resource, namespace, name, data FROM objects ORDER BY resource, namespace, name')
      .iterate() as IterableIterator<ObjectRow>;
  }

  /** Applies a change and moves the counter in one durable transaction. */
  write(resourceVersion: number, change: RowChange): void {
    try {
      this.db.transaction(() => {
        this.setVersion.run(resourceVersion);
        if (change.kind === 'put') this.put.run(change.row);
        else this.remove.run(change.resource, change.namespace, change.name);
      })();
    } catch (e) {
      const key = change.kind === 'put' ? change.row : change;
      throw new StorageError(
        `cannot write ${key.resource} ${key.namespace}/${key.name} to ${this.file}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
}

/**
 * The store holds every Secret: its file is the owner's alone. SQLite gives the -wal and -shm files it creates the
 * database file's mode (os_unix.c findCreateFileMode), so making the file 0600 before SQLite opens it covers all
 * three; a store from an older podlet is narrowed here too.
 */
function restrictToOwner(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(path, 0o600);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
