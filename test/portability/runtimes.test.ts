/**
 * One list of what a user does with tickd, run on each runtime: Bun (the
 * compiled binary, dist/tickd) and Deno 2 (`deno run -A src/main.ts`, with
 * tickd's deno.json). Real processes, real files, real HTTP and WebSocket
 * clients; each case asserts what the user sees.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createClient } from "graphql-ws";
import { tempDir } from "../helpers/binary.ts";
import type { Service } from "../helpers/service.ts";
import { RUNTIMES, startTickd, tickdOn } from "./runtimes.ts";

/** A job module as an operator writes it: imports "tickd", nothing installed beside it. */
const JOBS = `
import { Result, STATUS } from "tickd";

export function greet(kwargs, ctx) {
  ctx.log("hello from", ctx.label);
  return Result(STATUS.SUCCESS, "greeted " + (kwargs.who ?? "nobody"));
}

export async function slow(kwargs, ctx) {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return Result(STATUS.SUCCESS, "slow one finished");
}

export function quit() {
  process.exit(3);
}
`;

/** A command no other test runs, so looking for its process finds only ours. */
const SLEEPER = "sleep 41.25";

const INI = `
[greet in a worker]
call = app.jobs.greet
every = 1 second
who = world

[greet in process]
call = app.jobs.greet
isolate = none
every = 1 hour

[slow]
call = app.jobs.slow
every = 1 hour

[quitter]
call = app.jobs.quit
every = 1 hour
timeout = 20 seconds

[sleeper]
command = ${SLEEPER}
every = 1 hour
timeout = 1 second
`;

function project(): { dir: string; config: string; cleanup: () => void } {
  const t = tempDir("tickd-runtimes-");
  mkdirSync(path.join(t.dir, "config"));
  mkdirSync(path.join(t.dir, "app"));
  writeFileSync(path.join(t.dir, "config", "scheduler.ini"), INI);
  writeFileSync(path.join(t.dir, "app", "jobs.ts"), JOBS);
  return { dir: t.dir, config: path.join(t.dir, "config", "scheduler.ini"), cleanup: t.cleanup };
}

/** How many processes run exactly `command` (their /proc cmdline, arguments joined by spaces). */
function processesRunning(command: string): number {
  let n = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ") === command) n++;
    } catch {
      // Gone since the listing.
    }
  }
  return n;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await ok()) return;
    await Bun.sleep(50);
  }
  throw new Error(`gave up waiting: ${what}`);
}

for (const runtime of RUNTIMES) {
  describe(`on ${runtime.name}`, () => {
    const p = project();
    let service: Service;

    beforeAll(async () => {
      await runtime.warm();
    }, 120_000);
    afterAll(() => {
      service?.kill9();
      p.cleanup();
    });

    test("check finds the job file good, its modules importing \"tickd\" with nothing installed beside them", async () => {
      const out = await tickdOn(runtime, ["check"], p.dir);
      expect(out.stderr + out.stdout).toContain("5 jobs OK");
      expect(out.code).toBe(0);
    }, 30_000);

    test("check names a job whose callback does not exist, with exit code 2", async () => {
      const broken = tempDir("tickd-runtimes-broken-");
      try {
        mkdirSync(path.join(broken.dir, "config"));
        mkdirSync(path.join(broken.dir, "app"));
        writeFileSync(path.join(broken.dir, "app", "jobs.ts"), JOBS);
        writeFileSync(path.join(broken.dir, "config", "scheduler.ini"), "[gone]\ncall = app.jobs.missing\nevery = 1 hour\n");
        const out = await tickdOn(runtime, ["check"], broken.dir);
        expect(out.stderr + out.stdout).toContain("app/jobs.ts has no export named missing; its exported functions are greet, quit, slow");
        expect(out.code).toBe(2);
      } finally {
        broken.cleanup();
      }
    }, 30_000);

    test("list shows every job with its schedule", async () => {
      const out = await tickdOn(runtime, ["list"], p.dir);
      expect(out.code).toBe(0);
      for (const label of ["greet in a worker", "greet in process", "slow", "quitter", "sleeper"]) expect(out.stdout).toContain(label);
    }, 30_000);

    test("next prints the next instants of an hourly job, one hour apart", async () => {
      const out = await tickdOn(runtime, ["next", "--count", "3", "--json", "--from", "2026-03-07T14:15:30Z", "--timezone", "UTC"], p.dir);
      expect(out.code).toBe(0);
      const slow = (JSON.parse(out.stdout) as { label: string; nextRuns: string[] }[]).find((j) => j.label === "slow");
      expect(slow?.nextRuns).toEqual(["2026-03-07T15:15:30+00:00", "2026-03-07T16:15:30+00:00", "2026-03-07T17:15:30+00:00"]);
    }, 30_000);

    test("run schedules the worker job every second and records its runs with the message its Result gave", async () => {
      service = await startTickd(runtime, p.dir);
      await until("two runs of the worker job", () => (service.log().match(/"run.finished".*greet in a worker|greet in a worker.*"run.finished"/g) ?? []).length >= 2);
      const data = await service.gql('{ activities(filter: { label: "greet in a worker", statuses: [SUCCESS] }, first: 5) { edges { node { status message output } } } }');
      const runs = data.data?.activities.edges.map((e: { node: unknown }) => e.node);
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(runs[0]).toMatchObject({ status: "SUCCESS", message: "greeted world" });
      expect(runs[0].output).toContain("hello from greet in a worker");
    }, 30_000);

    test("the API answers a query, and a mutation runs an in-process job now", async () => {
      const jobs = await service.gql("{ jobs(first: 10) { totalCount edges { node { label } } } }");
      expect(jobs.data?.jobs.totalCount).toBe(5);
      const ran = await service.gql('mutation { runJobNow(label: "greet in process", kwargs: { who: "the API" }) { status message trigger } }');
      expect(ran.errors).toBeUndefined();
      expect(ran.data?.runJobNow).toEqual({ status: "SUCCESS", message: "greeted the API", trigger: "MANUAL" });
    }, 30_000);

    test("a graphql-ws subscriber over WebSocket and an SSE subscriber both see the next run finish", async () => {
      // The next successful run: on a loaded machine a one-second run may be skipped (overlap) before it.
      const success = { activity: { label: "greet in a worker", status: "SUCCESS" } };
      const ws = createClient({ url: `${service.url!.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
      const overWs = new Promise<unknown>((resolve, reject) => {
        const stop = ws.subscribe(
          { query: 'subscription { activity(filter: { label: "greet in a worker" }) { label status } }' },
          { next: (value) => Bun.deepEquals(value.data, success) && (stop(), resolve(value.data)), error: reject, complete: () => {} },
        );
      });
      const sse = await fetch(`${service.url}/graphql/stream?query=${encodeURIComponent('subscription { activity(filter: { label: "greet in a worker" }) { label status } }')}`);
      expect(sse.headers.get("content-type")).toContain("text/event-stream");
      const reader = sse.body!.getReader();
      let text = "";
      while (!text.includes('"status":"SUCCESS"')) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      expect(text).toContain('"activity":{"label":"greet in a worker","status":"SUCCESS"}');
      expect(await overWs).toEqual(success);
      await ws.dispose();
    }, 30_000);

    test("a command job past its timeout is recorded TIMEOUT and its process is ended", async () => {
      const started = Date.now();
      const pending = service.gql('mutation { runJobNow(label: "sleeper") { status message } }');
      await until("the command's process to run", () => processesRunning(SLEEPER) === 1, 5_000);
      const ran = await pending;
      expect(ran.data?.runJobNow).toEqual({ status: "TIMEOUT", message: "timed out after 1 s" });
      expect(Date.now() - started).toBeLessThan(8_000);
      // The run is recorded at once and its process group ended right after.
      await until("the command's process to be ended", () => processesRunning(SLEEPER) === 0, 5_000);
    }, 30_000);

    test("a callback that calls process.exit() ends with its worker at once, not at its timeout", async () => {
      const started = Date.now();
      const ran = await service.gql('mutation { runJobNow(label: "quitter") { status message } }');
      expect(ran.data?.runJobNow.status).toBe("ERROR");
      expect(ran.data?.runJobNow.message).toContain("stopped (its thread exited)");
      expect(Date.now() - started).toBeLessThan(10_000);
    }, 30_000);

    test("SIGHUP re-reads the job file: a job added to it is scheduled", async () => {
      writeFileSync(p.config, `${INI}\n[added by reload]\ncall = app.jobs.greet\nevery = 1 hour\n`);
      service.signal("SIGHUP");
      await until("the reload", () => service.log().includes('"reloaded"'));
      const job = await service.gql('{ job(label: "added by reload") { label } }');
      expect(job.data?.job).toEqual({ label: "added by reload" });
    }, 30_000);

    test("SIGTERM drains: a run going on finishes and is recorded, an open SSE stream is ended, and the process exits 0", async () => {
      const sse = await fetch(`${service.url}/graphql/stream?query=${encodeURIComponent("subscription { runStarted { label } }")}`);
      const reader = sse.body!.getReader();
      await reader.read();
      const ran = await service.gql('mutation { runJobNow(label: "slow", wait: false) { status } }');
      expect(ran.data?.runJobNow.status).toBe("RUNNING");
      const code = await service.stop();
      expect(code).toBe(0);
      // The stream ends with the server (or its connection is dropped): it does not hang.
      const ended = async (): Promise<boolean> => {
        for (;;) if ((await reader.read()).done) return true;
      };
      expect(await Promise.race([ended().catch(() => true), Bun.sleep(2_000).then(() => false)])).toBe(true);
      const history = await tickdOn(runtime, ["history", "slow", "--json"], p.dir);
      expect(JSON.parse(history.stdout)[0]).toMatchObject({ status: "success", message: "slow one finished" });
    }, 30_000);
  });
}
