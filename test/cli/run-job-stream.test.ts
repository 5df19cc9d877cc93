/**
 * run-job shows it is running and streams the run's output as it comes — a
 * command's stdout and stderr, a callback's ctx.log lines — not only at the
 * end; the recorded output stays capped.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BINARY, tempDir, tickd } from "../helpers/binary.ts";

let t: ReturnType<typeof tempDir>;
beforeAll(() => {
  t = tempDir("tickd-stream-");
  mkdirSync(path.join(t.dir, "config"));
  mkdirSync(path.join(t.dir, "app"));
  writeFileSync(
    path.join(t.dir, "app", "jobs.ts"),
    `import { Result, STATUS } from "tickd";
export async function steps(kwargs, ctx) {
  ctx.log("step 1");
  await new Promise((r) => setTimeout(r, 1500));
  ctx.log("step 2");
  return Result(STATUS.success, { message: "2 steps", output: "returned at the end" });
}
`,
  );
  writeFileSync(
    path.join(t.dir, "config", "scheduler.ini"),
    [
      "[slow command]\ncommand = echo first; echo warning >&2; sleep 1.5; echo last\nevery = 1 day\n",
      "[steps]\ncall = app.jobs.steps\nevery = 1 day\n",
      "[steps here]\ncall = app.jobs.steps\nevery = 1 day\nisolate = none\n",
      "[flaky]\ncommand = echo \"attempt $TICKD_ATTEMPT\"; exit 1\nevery = 1 day\nretries = 1\nretry_delay = 1 second\n",
      // 5,000 lines of 41 bytes, 200 KB: more than the 64 KiB the record keeps.
      "[chatty]\ncommand = yes 0123456789abcdefghijklmnopqrstuvwxyz0123 | head -n 5000\nevery = 1 day\n",
    ].join("\n"),
  );
});
afterAll(() => t.cleanup());

interface Seen {
  /** Each piece of output with the stream and the ms since the start it arrived at. */
  readonly pieces: { stream: "stdout" | "stderr"; text: string; at: number }[];
  readonly endedAt: number;
  readonly code: number;
}

/** Run the binary, noting when each piece of its stdout and stderr arrives. */
async function watch(args: string[]): Promise<Seen> {
  const start = performance.now();
  const proc = Bun.spawn([BINARY, ...args], { cwd: t.dir, stdout: "pipe", stderr: "pipe" });
  const pieces: Seen["pieces"] = [];
  const read = async (stream: ReadableStream<Uint8Array>, name: "stdout" | "stderr") => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) pieces.push({ stream: name, text: decoder.decode(chunk), at: performance.now() - start });
  };
  const [, , code] = await Promise.all([read(proc.stdout, "stdout"), read(proc.stderr, "stderr"), proc.exited]);
  return { pieces, endedAt: performance.now() - start, code };
}

/** When `text` had arrived on `stream`. */
function arrival(seen: Seen, stream: "stdout" | "stderr", text: string): number {
  let sofar = "";
  for (const p of seen.pieces.filter((p) => p.stream === stream)) {
    sofar += p.text;
    if (sofar.includes(text)) return p.at;
  }
  throw new Error(`${JSON.stringify(text)} never arrived on ${stream}: ${JSON.stringify(seen.pieces)}`);
}

const all = (seen: Seen, stream: "stdout" | "stderr") => seen.pieces.filter((p) => p.stream === stream).map((p) => p.text).join("");

describe("run-job streams the run's output", () => {
  test("a command: the running line first, its stdout and stderr each on its own as they come, the summary after", async () => {
    const seen = await watch(["run-job", "slow command"]);
    expect(seen.code).toBe(0);
    const running = arrival(seen, "stderr", "running [slow command] …\n");
    const first = arrival(seen, "stdout", "first\n");
    const last = arrival(seen, "stdout", "last\n");
    expect(running).toBeLessThanOrEqual(first);
    // "first" is shown while the command sleeps, not when it is over.
    expect(last - first).toBeGreaterThan(1000);
    expect(arrival(seen, "stderr", "warning\n")).toBeLessThan(last);
    // What was streamed is not printed again in the summary.
    expect(all(seen, "stdout")).toMatch(/^first\nlast\nslow command: success in [\d.]+ s\n$/);
    expect(all(seen, "stderr")).toBe("running [slow command] …\nwarning\n");
  }, 20_000);

  for (const label of ["steps", "steps here"]) {
    test(`a callback (${label === "steps" ? "in its worker" : "isolate = none"}): each ctx.log line as it is written; what it returned at the end`, async () => {
      const seen = await watch(["run-job", label]);
      expect(seen.code).toBe(0);
      const one = arrival(seen, "stdout", "step 1\n");
      const two = arrival(seen, "stdout", "step 2\n");
      expect(two - one).toBeGreaterThan(1000);
      expect(all(seen, "stdout")).toMatch(new RegExp(`^step 1\\nstep 2\\n${label}: success in [\\d.]+ s\\nmessage: 2 steps\\noutput:\\n  returned at the end\\n$`));
      // The record has all of it, as before.
      const history = JSON.parse((await tickd(["history", label, "--json", "--limit", "1"], { cwd: t.dir })).stdout) as { output: string }[];
      expect(history[0]!.output).toBe("step 1\nstep 2\nreturned at the end");
    }, 20_000);
  }

  test("all of a long output is shown; the record keeps the first 64 KiB with the mark, as before", async () => {
    const r = await tickd(["run-job", "chatty"], { cwd: t.dir });
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines.slice(0, 5000)).toEqual(Array(5000).fill("0123456789abcdefghijklmnopqrstuvwxyz0123"));
    expect(lines[5000]).toMatch(/^chatty: success in /);
    // The summary says the record is capped: what it has beyond the output shown.
    expect(lines.slice(5001).join("\n")).toMatch(/^output:\n  … \[output truncated: 200.2 KiB total, showing first 64 KiB\]\n$/);
    const history = JSON.parse((await tickd(["history", "chatty", "--json", "--limit", "1"], { cwd: t.dir })).stdout) as { output: string }[];
    expect(history[0]!.output.length).toBeLessThan(70_000);
    expect(history[0]!.output).toContain("[output truncated: ");
  }, 20_000);

  test("a retry says so on stderr, and its output streams like the first attempt's", async () => {
    const r = await tickd(["run-job", "flaky"], { cwd: t.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("running [flaky] …\nretrying [flaky] (attempt 2) …\n");
    expect(r.stdout).toMatch(/^attempt 1\nattempt 2\nflaky: failure in \d+ ms \(attempt 2\)\nmessage: command exited with code 1\n$/);
  }, 20_000);
});
