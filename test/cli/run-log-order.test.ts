/**
 * An operator reading the log of a run sees it in order: started, the lines
 * the callback logged, finished — even for lines logged before the
 * callback's first await.
 */
import { expect, test } from "bun:test";
import path from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { BINARY, tempDir } from "../helpers/binary.ts";

test("a run's log lines come between its run.started and run.finished lines", async () => {
  const t = tempDir("tickd-log-order-");
  try {
    mkdirSync(path.join(t.dir, "config"));
    mkdirSync(path.join(t.dir, "app"));
    writeFileSync(
      path.join(t.dir, "app", "jobs.ts"),
      `export async function chatty(_kwargs, ctx) {\n  ctx.log("before any await");\n  await new Promise((r) => setTimeout(r, 5));\n  ctx.log("after an await");\n}\n`,
    );
    writeFileSync(path.join(t.dir, "config", "scheduler.ini"), "[chatty]\ncall = app.jobs.chatty\nevery = 1 second\n");
    const proc = Bun.spawn([BINARY, "run", "--no-api", "--log-format", "json"], { cwd: t.dir, stdout: "pipe", stderr: "pipe" });
    let log = "";
    const reader = (async () => {
      for await (const chunk of proc.stderr) log += new TextDecoder().decode(chunk);
    })();
    for (let i = 0; i < 100 && !log.includes('"run.finished"'); i++) await Bun.sleep(50);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    await reader;
    const events = log
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { event: string; label?: string; line?: string })
      .filter((e) => e.label === "chatty")
      .map((e) => (e.event === "job.log" ? `log: ${e.line}` : e.event));
    expect(events.slice(0, 4)).toEqual(["run.started", "log: before any await", "log: after an await", "run.finished"]);
  } finally {
    t.cleanup();
  }
});
