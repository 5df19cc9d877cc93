/**
 * An operator reading the log of a run sees it in order: started, the lines
 * the callback logged, finished — even for lines logged before the
 * callback's first await.
 */
import { expect, test } from "bun:test";
import { logged, startService, writeProject } from "../helpers/service.ts";

test("a run's log lines come between its run.started and run.finished lines", async () => {
  const p = writeProject("[chatty]\ncall = app.jobs.chatty\nevery = 1 second\n", {
    "app/jobs.ts": `export async function chatty(_kwargs, ctx) {\n  ctx.log("before any await");\n  await new Promise((r) => setTimeout(r, 5));\n  ctx.log("after an await");\n}\n`,
  });
  try {
    const svc = await startService(p.dir, ["--no-api"]);
    await logged(svc, '"run.finished"');
    expect(await svc.stop()).toBe(0);
    const events = svc
      .log()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { event: string; label?: string; line?: string })
      .filter((e) => e.label === "chatty")
      .map((e) => (e.event === "job.log" ? `log: ${e.line}` : e.event));
    expect(events.slice(0, 4)).toEqual(["run.started", "log: before any await", "log: after an await", "run.finished"]);
  } finally {
    p.cleanup();
  }
});
