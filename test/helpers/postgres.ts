/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temp folder, the
 * server started on a free loopback port (its socket in the same folder), and
 * everything removed by `stop`. initdb refuses to run as root, so as root the
 * cluster belongs to the `postgres` OS user (Debian's `postgresql` package
 * creates it; .ci/system-deps installs it).
 *
 * The binaries: PG_BIN if set, else the newest /usr/lib/postgresql/N/bin, else PATH.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./binary.ts";

export interface PgCluster {
  /** postgres://tickd:PASSWORD@127.0.0.1:PORT/tickd */
  readonly url: string;
  readonly password: string;
  readonly port: number;
  readonly dir: string;
  /** A fresh database on the cluster, by name; its URL. */
  createDatabase(name: string): string;
  /** What another process needs to make databases on this cluster (see attachedCluster). */
  readonly handle: string;
  /** pg_ctl stop -m fast, then start again on the same port (a restart of the store). */
  restart(): void;
  stopServer(): void;
  startServer(): void;
  /** Stop the server and remove its folder. */
  stop(): void;
}

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(path.join(root, v, "bin/initdb"))) return path.join(root, v, "bin");
  }
  return "";
}

/** True when initdb can be found (tests say what is missing instead of failing obscurely). */
export function postgresAvailable(): boolean {
  const dir = binDir();
  if (dir) return existsSync(path.join(dir, "initdb"));
  return spawnSync("sh", ["-c", "command -v initdb"]).status === 0;
}

export async function startPostgres(): Promise<PgCluster> {
  const bin = binDir();
  const tool = (name: string) => (bin ? path.join(bin, name) : name);
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-pg-"));
  const data = path.join(dir, "data");
  const password = `pw-${Math.random().toString(36).slice(2, 12)}`;
  const pwfile = path.join(dir, "pwfile");
  writeFileSync(pwfile, `${password}\n`);
  if (asRoot) {
    const pg = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    if (pg.status !== 0) throw new Error("running as root and there is no `postgres` OS user: install Debian's postgresql (bash .ci/system-deps)");
    chownSync(dir, Number(pg.stdout.trim()), Number(gid.stdout.trim()));
    chownSync(pwfile, Number(pg.stdout.trim()), Number(gid.stdout.trim()));
    chmodSync(dir, 0o700);
  }
  const run = (args: string[], env: Record<string, string> = {}) => {
    const argv = asRoot ? ["runuser", "-u", "postgres", "--", "env", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...args] : args;
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", cwd: dir, env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  run([tool("initdb"), "-D", data, "-U", "tickd", "--auth=scram-sha-256", `--pwfile=${pwfile}`, "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  const opts = `-k ${dir} -h 127.0.0.1 -p ${port} -c fsync=off -c max_connections=100`;
  const startServer = () => void run([tool("pg_ctl"), "-D", data, "-l", path.join(dir, "log"), "-o", opts, "-w", "-t", "30", "start"]);
  const stopServer = () => void run([tool("pg_ctl"), "-D", data, "-m", "fast", "-w", "-t", "30", "stop"]);
  startServer();
  // The socket in `dir` trusts nobody either: psql reads the password from its environment.
  const psql = (db: string, command: string) =>
    run([tool("psql"), "-h", dir, "-p", String(port), "-U", "tickd", "-d", db, "-v", "ON_ERROR_STOP=1", "-c", command], { PGPASSWORD: password });
  const urlOf = (db: string) => `postgres://tickd:${password}@127.0.0.1:${port}/${db}`;
  const cluster: PgCluster = {
    handle: JSON.stringify({ bin, dir, port, password, asRoot }),
    url: urlOf("tickd"),
    password,
    port,
    dir,
    createDatabase(name) {
      psql("postgres", `CREATE DATABASE "${name}"`);
      return urlOf(name);
    },
    restart() {
      stopServer();
      startServer();
    },
    stopServer,
    startServer,
    stop() {
      try {
        stopServer();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  psql("postgres", `CREATE DATABASE tickd`);
  return cluster;
}

/** Rows of a table on the cluster, by a query (numbers for bigint columns). */
export async function pgQuery<T>(url: string, query: string): Promise<T[]> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(url, { max: 1, onnotice: () => {}, types: { bigint: { to: 20, from: [20], serialize: String, parse: Number } } as never });
  try {
    return (await sql.unsafe(query)) as unknown as T[];
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * In another process (a nested `bun test`, see test/postgres/store.test.ts):
 * make fresh databases on a cluster that startPostgres started, from its handle.
 */
export function attachedCluster(handle: string): { createDatabase(name: string): string } {
  const { bin, dir, port, password, asRoot } = JSON.parse(handle) as { bin: string; dir: string; port: number; password: string; asRoot: boolean };
  const psql = bin ? path.join(bin, "psql") : "psql";
  return {
    createDatabase(name) {
      const args = [psql, "-h", dir, "-p", String(port), "-U", "tickd", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", `CREATE DATABASE "${name}"`];
      const argv = asRoot ? ["runuser", "-u", "postgres", "--", "env", `PGPASSWORD=${password}`, ...args] : args;
      const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", env: { ...process.env, PGPASSWORD: password } });
      if (r.status !== 0) throw new Error(`CREATE DATABASE ${name} failed (${r.status}): ${r.stderr || r.stdout}`);
      return `postgres://tickd:${password}@127.0.0.1:${port}/${name}`;
    },
  };
}
