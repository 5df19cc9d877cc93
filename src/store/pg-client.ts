/**
 * PostgreSQL behind the libSQL client's interface, so the store's engine path,
 * its repositories and Drizzle (drizzle-orm/libsql over this client, with the
 * sqlite-core tables of schema/db.ts) run unchanged on `--db postgres://…`.
 *
 * Why this shape: every repository in src/store/ speaks one SQL — the part of
 * SQLite's that PostgreSQL shares (ON CONFLICT … excluded, RETURNING, window
 * functions, VALUES lists named column1…). What differs is translated here, by
 * the few rules of `toPostgres`, once per distinct statement; what cannot be
 * translated mechanically is written per dialect where it is used
 * (write-statements.ts, jobs.ts, retention.ts, migrate.ts). The libSQL path
 * does not pass through this file at all, so it is exactly as fast as before.
 *
 * The driver is postgres.js (npm `postgres`): pure JavaScript over the
 * runtime's TCP sockets, no native addon, so `bun build --compile` bundles it
 * into the one executable and Deno 2 runs it through its npm support. (`pg`
 * needs `pg-native` for speed and optional native bits; `@neondatabase/serverless`
 * speaks WebSockets, not the wire protocol to a plain server.)
 *
 * Values: bigint and numeric come back as numbers (instants are epoch ms,
 * far below 2^53); json and jsonb come back as their text, as SQLite's JSON
 * columns do, and Drizzle's sqlite-core columns parse them.
 */
import postgres from "postgres";
import type { Client, InArgs, InStatement, ResultSet, Row, Transaction, TransactionMode } from "@libsql/client";

type Sql = postgres.Sql<Record<string, never>>;
type Session = postgres.Sql<Record<string, never>> | postgres.TransactionSql<Record<string, never>> | postgres.ReservedSql<Record<string, never>>;

/** Connections per process: one batch writes at a time; the API and the sender read beside it. */
const MAX_CONNECTIONS = 4;
/** The longest wait between attempts to reconnect, s: the bound on noticing the server is back. */
const RECONNECT_MAX_S = 1;
/** Seconds to wait for a connection before the store counts as unreachable. */
const CONNECT_TIMEOUT_S = 5;

/** The advisory lock (a bigint) of interactive write transactions: "tickdtx" in ASCII. */
export const STORE_WRITE_LOCK = 0x7469636b647478;

const translations = new Map<string, string>();

/**
 * SQLite's spellings the store uses, in PostgreSQL's: `?` placeholders become
 * `$n`; `json_each(?)` (a JSON array parameter as a table of `value`) becomes
 * json_array_elements_text; json_group_object becomes json_object_agg;
 * INSERT OR IGNORE becomes ON CONFLICT DO NOTHING; Drizzle's `null` for an
 * omitted id becomes DEFAULT. Quoted text is left alone.
 */
export function toPostgres(text: string): string {
  const cached = translations.get(text);
  if (cached !== undefined) return cached;
  let out = text.replace(/json_each\(\?\)/g, "json_array_elements_text(?::json)").replace(/json_group_object\(/gi, "json_object_agg(");
  // Drizzle's sqlite-core fills an omitted autoincrement id with null; PostgreSQL's identity wants DEFAULT.
  if (/^insert into "\w+" \("id", /.test(out)) out = out.replace(/(values |\), )\(null, /g, "$1(default, ");
  if (/^\s*INSERT OR IGNORE INTO/i.test(out)) out = `${out.replace(/INSERT OR IGNORE INTO/i, "INSERT INTO")} ON CONFLICT DO NOTHING`;
  let n = 0;
  let result = "";
  let quote: string | null = null;
  for (const ch of out) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      result += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      result += ch;
    } else if (ch === "?") result += `$${++n}`;
    else result += ch;
  }
  if (translations.size < 10_000) translations.set(text, result);
  return result;
}

function statementOf(stmt: InStatement | string, args?: InArgs): { sql: string; args: unknown[] } {
  if (typeof stmt === "string") return { sql: stmt, args: Array.isArray(args) ? [...args] : [] };
  const a = stmt.args;
  if (a !== undefined && !Array.isArray(a)) throw new Error("named SQL arguments are not supported on PostgreSQL");
  return { sql: stmt.sql, args: a ? [...(a as unknown[])] : [] };
}

/** A postgres.js result as libSQL's ResultSet: rows indexable by position and by column name. */
function resultSet(result: postgres.RowList<postgres.Row[]> & { columns?: { name: string }[] }): ResultSet {
  const columns = (result.columns ?? []).map((c) => c.name);
  const rows = (result as unknown as unknown[][]).map((values) => {
    const row: Record<string | number, unknown> = {};
    Object.defineProperty(row, "length", { value: values.length });
    values.forEach((value, i) => {
      Object.defineProperty(row, i, { value });
      const name = columns[i];
      if (name !== undefined && !Object.hasOwn(row, name)) Object.defineProperty(row, name, { value, enumerable: true, configurable: true, writable: true });
    });
    return row as unknown as Row;
  });
  return {
    columns,
    columnTypes: columns.map(() => ""),
    rows,
    rowsAffected: result.count ?? 0,
    lastInsertRowid: undefined,
    toJSON: () => ({ columns, rows: rows.map((r) => Array.prototype.slice.call(r)) }),
  };
}

async function run(session: Session, stmt: InStatement | string, args?: InArgs): Promise<ResultSet> {
  const { sql, args: params } = statementOf(stmt, args);
  const query = session.unsafe(toPostgres(sql), params as postgres.ParameterOrJSON<never>[], { prepare: params.length > 0 });
  return resultSet((await query.values()) as never);
}

/** The URL with its password replaced by `***` (for every message that names the store). */
export function hidePassword(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/?#@]*):[^@/?#]*@/i, "$1:***@").replace(/([?&]password=)[^&#]*/gi, "$1***");
}

/** Make an error's text safe to show: the password, wherever the driver put it, becomes `***`. */
export function redactError(error: unknown, password: string | null): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  if (password && e.message.includes(password)) e.message = e.message.split(password).join("***");
  return e;
}

export interface PgClient extends Client {
  /** postgres.js itself, for what the libSQL interface has no word for (LISTEN, advisory locks). */
  readonly sql: Sql;
  /** close(), waiting until every connection has ended. */
  end(): Promise<void>;
}

export function createPgClient(url: string, options: { onNotice?: (message: string) => void } = {}): PgClient {
  const password = (() => {
    try {
      return decodeURIComponent(new URL(url).password) || null;
    } catch {
      return null;
    }
  })();
  // postgres.js takes sslmode as its `ssl` option, where "disable" (a non-empty string) would still mean TLS.
  const plain = /[?&]sslmode=disable(&|$)/i.test(url);
  const target = plain ? url.replace(/([?&])sslmode=disable(&|$)/i, (_m, lead: string, tail: string) => (tail ? lead : "")) : url;
  const sql: Sql = postgres(target, {
    ...(plain && { ssl: false }),
    max: MAX_CONNECTIONS,
    connect_timeout: CONNECT_TIMEOUT_S,
    // Seconds between reconnection attempts: postgres.js grows them to 20 s,
    // so after a minute of outage the store would come back up to 20 s after
    // the server (and a stopping process waits for that timer to exit).
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, RECONNECT_MAX_S),
    idle_timeout: 60,
    onnotice: (notice) => options.onNotice?.(String(notice.message)),
    transform: { undefined: null },
    types: {
      // bigint, numeric: numbers (epoch ms, counts, sums)
      number8: { to: 20, from: [20, 1700], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) },
      // boolean: Drizzle's sqlite-core sends 1 and 0; postgres.js would send
      // anything but `true` as false to a parameter PostgreSQL typed boolean.
      flag: { to: 16, from: [16], serialize: (x: unknown) => (x === true || x === 1 || x === "1" || x === "t" ? "t" : "f"), parse: (x: string) => x === "t" },
      // json, jsonb: their text, as SQLite returns JSON columns
      jsontext: { to: 3802, from: [114, 3802], serialize: (x: unknown) => (typeof x === "string" ? x : JSON.stringify(x)), parse: (x: string) => x },
    } as never,
  }) as Sql;
  const safe = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw redactError(error, password);
    }
  };
  let closed = false;
  const client = {
    sql,
    protocol: "postgres",
    get closed() {
      return closed;
    },
    execute(stmt: InStatement | string, args?: InArgs) {
      return safe(() => run(sql, stmt, args));
    },
    batch(stmts: (InStatement | [string, InArgs?])[], mode: TransactionMode = "deferred") {
      const list = stmts.map((s) => (Array.isArray(s) ? { sql: s[0], args: s[1] } : s)) as InStatement[];
      return safe(
        () =>
          sql.begin(mode === "read" ? "read only" : "", async (tx) => {
            const results: ResultSet[] = [];
            for (const s of list) results.push(await run(tx as never, s));
            return results;
          }) as Promise<ResultSet[]>,
      );
    },
    async transaction(mode: TransactionMode = "write"): Promise<Transaction> {
      const reserved = await safe(() => sql.reserve());
      let open = true;
      try {
        await reserved.unsafe(mode === "read" ? "BEGIN READ ONLY" : "BEGIN");
        // A write transaction on SQLite (BEGIN IMMEDIATE) excludes every other
        // writer; the repositories' read-then-write transactions (syncIniJobs,
        // discovery, operator edits) rely on that. Here other instances'
        // write transactions wait for this one the same way. The write queue's
        // batches do not: their claims are decided by unique keys.
        if (mode === "write") await reserved.unsafe(`SELECT pg_advisory_xact_lock(${STORE_WRITE_LOCK})`);
      } catch (error) {
        reserved.release();
        throw redactError(error, password);
      }
      const end = async (command: string) => {
        if (!open) return;
        open = false;
        try {
          await reserved.unsafe(command);
        } finally {
          reserved.release();
        }
      };
      const tx = {
        get closed() {
          return !open;
        },
        execute: (stmt: InStatement | string, args?: InArgs) => safe(() => run(reserved as never, stmt, args)),
        async batch(stmts: InStatement[]) {
          const results: ResultSet[] = [];
          for (const s of stmts) results.push(await safe(() => run(reserved as never, s)));
          return results;
        },
        executeMultiple: (text: string) => safe(async () => void (await reserved.unsafe(text))),
        commit: () => safe(() => end("COMMIT")),
        rollback: () => safe(() => end("ROLLBACK")),
        close: () => void end("ROLLBACK").catch(() => {}),
      };
      return tx as unknown as Transaction;
    },
    executeMultiple: (text: string) => safe(async () => void (await sql.unsafe(text))),
    migrate: () => Promise.reject(new Error("client.migrate is not used on PostgreSQL")),
    sync: () => Promise.resolve(undefined),
    reconnect: () => {},
    close() {
      closed = true;
      void sql.end({ timeout: 5 }).catch(() => {});
    },
    async end() {
      closed = true;
      await sql.end({ timeout: 5 }).catch(() => {});
    },
  };
  return client as unknown as PgClient;
}

/** True for the URLs this client serves. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}
