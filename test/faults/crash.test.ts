/**
 * Issue 12.2: kill -9 at random points in a run's life, 100 rounds, each
 * restarted at once on the same job file and database. The callback appends
 * its effect and then waits a random 0–5 ms, so a kill lands before the
 * claim, between claim and callback, between the effect and its record, or
 * after. Whatever the point: no executed run without a record (a crashed one
 * is `abandoned` after the restart), none executed twice (catch-up included),
 * and no claim of a killed life lost silently.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { analyse, Instance, faultProject, jobsOf, killAllSpawned, readActivity, readClaims, readEffects, summarise, type Analysis, type FaultProject } from "./harness.ts";

const ROUNDS = Number(process.env.FAULTS_CRASH_ROUNDS ?? 100);
/**
 * Where the kills land, relative to a whole second (the cron jobs' instant),
 * by share of rounds: while the instant's runs are prepared and their rows
 * written (tens of ms ahead), around the callbacks, their effects and their
 * final rows, and the rest at any point of the life (including start-up and
 * catch-up).
 */
const KILL_WINDOWS = [
  { mode: "prepare", share: 0.3, fromMs: -40, toMs: -5 },
  { mode: "instant", share: 0.45, fromMs: -5, toMs: 12 },
] as const;
/** The seed makes a failing sequence of kills repeatable: FAULTS_SEED=… */
const SEED = Number(process.env.FAULTS_SEED ?? Date.now() % 1_000_000);

const JOBS = [
  ...jobsOf("cron-", 3, "cron = * * * * * *", 1000),
  ...jobsOf("cron-once-", 2, "cron = * * * * * *", 1000, { catchup: "once" }),
  ...jobsOf("every-", 2, "every = 1 second", 1000),
  ...jobsOf("every-once-", 1, "every = 1 second", 1000, { catchup: "once" }),
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Round {
  readonly round: number;
  readonly pid: number;
  readonly name: string;
  /** "prepare"/"instant": killed `offsetMs` from a whole second; "anywhere": `offsetMs` after the life logged started. */
  readonly mode: (typeof KILL_WINDOWS)[number]["mode"] | "anywhere";
  readonly offsetMs: number;
  /** Claims this life held when it died with no activity row for them. */
  readonly claimsLeft: Array<{ label: string; scheduled_for: number }>;
}

let project: FaultProject;
let a: Analysis;
let summary = "";
const rounds: Round[] = [];
let finalExit: { code: number | null; signal: string | null } = { code: null, signal: null };
let lostClaims: Array<{ round: number; label: string; scheduled_for: number }> = [];

/** Which round's kill an effect belongs to (by the pid that executed it). */
function roundOf(e: { pid: number }): Round | undefined {
  return rounds.find((r) => r.pid === e.pid);
}

function byOffset(list: readonly { pid: number }[]): string {
  const counts = new Map<string, number>();
  for (const e of list) {
    const r = roundOf(e);
    const k = r ? `${r.mode}${r.offsetMs >= 0 ? "+" : ""}${r.offsetMs}ms` : "final life";
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k}:${n}`).join(" ");
}

describe(`kill -9 at random points of a run's life, ${ROUNDS} rounds, restarted at once`, () => {
  beforeAll(async () => {
    project = faultProject({ jobs: JOBS, delayMaxMs: 5 });
    const random = mulberry32(SEED);
    for (let round = 1; round <= ROUNDS; round++) {
      // Half the lives reuse one instance name (an earlier life of the same
      // name), half take tickd's default hostname:pid (a dead process).
      const name = round % 2 === 0 ? "crash" : null;
      const instance = new Instance(project, { name });
      const life = await instance.start();
      let pick = random();
      const near = KILL_WINDOWS.find((w) => (pick -= w.share) < 0);
      let offsetMs: number;
      if (near) {
        const instant = Math.ceil((Date.now() + 250) / 1000) * 1000;
        offsetMs = Math.round(near.fromMs + random() * (near.toMs - near.fromMs));
        await Bun.sleep(Math.max(0, instant + offsetMs - Date.now()));
      } else {
        offsetMs = Math.round(random() * 1200);
        await Bun.sleep(offsetMs);
      }
      await instance.kill9();
      // Nothing runs now: what the dead life left in the store is read as it is.
      const recorded = new Set(readActivity(project.dbPath).map((r) => `${r.label} ${r.scheduled_for}`));
      const mine = instance.logLines(life).find((l) => l.event === "scheduler.started")?.instance;
      const claimsLeft = readClaims(project.dbPath).filter((c) => c.instance === mine && !recorded.has(`${c.label} ${c.scheduled_for}`));
      rounds.push({ round, pid: life.pid, name: String(mine), mode: near?.mode ?? "anywhere", offsetMs, claimsLeft });
    }
    // A last life that ends cleanly: it records what the killed ones left.
    const last = new Instance(project, { name: "crash" });
    await last.start();
    await Bun.sleep(2_500);
    const stopAt = Date.now();
    finalExit = await last.stop();

    const effects = readEffects(project.effectsPath);
    const rows = readActivity(project.dbPath);
    const recorded = new Set(rows.map((r) => `${r.label} ${r.scheduled_for}`));
    lostClaims = rounds.flatMap((r) => r.claimsLeft.filter((c) => c.scheduled_for < stopAt && !recorded.has(`${c.label} ${c.scheduled_for}`)).map((c) => ({ round: r.round, ...c })));
    a = analyse({ jobs: JOBS, effects, rows });
    const twiceFirst = a.executedTwice.map((x) => ({ pid: x.pids[0]! }));
    summary = [
      summarise(a, { seed: SEED, rounds: ROUNDS, finalExit }),
      `  claims held by a killed life with no record at the end: ${lostClaims.length}${lostClaims.length ? ` (${lostClaims.slice(0, 4).map((c) => `round ${c.round} ${c.label}@${c.scheduled_for}`).join("; ")})` : ""}`,
      `  executed without a row, by the kill that cut them: ${byOffset(a.executedUnrecorded) || "-"}`,
      `  executed twice, by the kill before the first execution: ${byOffset(twiceFirst) || "-"}`,
    ].join("\n");
    console.error(`[faults/crash]\n${summary}`);
  }, 300_000);

  afterAll(async () => {
    await killAllSpawned();
    project?.cleanup();
  });

  test("runs executed, and the kills hit both around the instant and elsewhere", () => {
    expect(rounds.length).toBe(ROUNDS);
    expect(a.executions, summary).toBeGreaterThan(ROUNDS);
    if (ROUNDS >= 50) expect(new Set(rounds.map((r) => r.mode)), summary).toEqual(new Set(["prepare", "instant", "anywhere"]));
  });

  test("no executed run is without a row, and none is recorded as not run", () => {
    expect(a.executedUnrecorded.slice(0, 5), summary).toEqual([]);
    expect(a.executedRecordedNotRun.slice(0, 5), summary).toEqual([]);
  });

  test("no occurrence is executed twice, catch-up included", () => {
    expect(a.executedTwice.slice(0, 5), summary).toEqual([]);
  });

  test("a run cut by the kill is abandoned after the restart: none left running, one row per occurrence and attempt", () => {
    expect(a.leftRunning.slice(0, 5), summary).toEqual([]);
    expect(a.duplicateRows.slice(0, 5), summary).toEqual([]);
  });

  test("a claim a killed life held and never started is not lost silently: it runs after the restart or is recorded (missed)", () => {
    expect(lostClaims.slice(0, 5), summary).toEqual([]);
  });

  test("the last life exits 0 on SIGTERM", () => {
    expect(finalExit, summary).toMatchObject({ code: 0, signal: null });
  });
});
