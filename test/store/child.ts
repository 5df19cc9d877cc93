/**
 * A second process for the store tests.
 *   bun test/store/child.ts migrate URL   -> prints the tags this process applied (JSON)
 *   bun test/store/child.ts run URL LABEL -> records LABEL as running, prints "running", then waits to be killed
 */
import os from "node:os";
import { openStore } from "../../src/store/index.ts";

const [mode, url, label] = process.argv.slice(2);
const instance = `${os.hostname()}:${process.pid}`;
const store = await openStore(url!, { instance });
if (mode === "migrate") {
  console.log(JSON.stringify(store.migrations.applied));
  await store.close();
} else if (mode === "run") {
  const scheduledFor = Number(process.env.SCHEDULED_FOR ?? 0);
  if (!(await store.claim(label!, scheduledFor))) throw new Error("claim lost");
  void store.begin({
    runId: `${instance}:${label}:${scheduledFor}:1`,
    label: label!,
    scheduledFor,
    startedAt: scheduledFor,
    status: "running",
    message: "",
    output: "",
    error: "",
    attempt: 1,
    trigger: "schedule",
    instance,
  });
  // Also hold a claim ahead that never runs: it must be dropped once this process is dead.
  await store.claim(label!, scheduledFor + 60_000);
  await store.flush();
  console.log("running");
  setInterval(() => {}, 1000);
}
