/**
 * The PostgreSQL store from a runtime-neutral script: open (migrating), claim
 * and record one occurrence from two stores, read it back, list it, close.
 * Prints one JSON line. test/postgres/deno.test.ts runs it under Bun and
 * under Deno 2 against a throwaway cluster and expects the same answer.
 * Usage: probe.ts URL
 */
import { listActivities, openStore } from "../../src/store/index.ts";

const url = process.argv[2] ?? (globalThis as { Deno?: { args: string[] } }).Deno?.args[0];
if (!url) throw new Error("usage: probe.ts postgres://…");
const at = Date.UTC(2026, 2, 2, 9, 0, 0);
const run = (instance: string) =>
  ({ runId: `${instance}:probe:${at}:1`, label: "probe", scheduledFor: at, startedAt: at, status: "running", message: "", output: "", error: "", attempt: 1, trigger: "schedule", instance }) as const;
const [a, b] = [await openStore(url, { instance: "a", log: () => {} }), await openStore(url, { instance: "b", log: () => {} })];
const begun = await Promise.all([a.begin(run("a")), b.begin(run("b"))]);
const winner = begun[0] ? a : b;
winner.finished({ ...run(winner.instance), status: "success", endedAt: at + 5, message: "done" });
await winner.flush();
const { rows } = await listActivities(a, { first: 10 });
const answer = {
  dialect: a.dialect,
  url: a.url.replace(/:\d+\/\w+$/, ":PORT/DB"),
  oneWon: begun.filter(Boolean).length,
  rows: rows.map((r) => ({ label: r.label, status: r.status, message: r.message, scheduledFor: r.scheduledFor, ended: r.endedAt! - r.startedAt })),
  lastScheduled: await b.lastScheduled("probe"),
};
await a.close();
await b.close();
console.log(JSON.stringify(answer));
