/**
 * Cost of Schedule.following() per call, per kind (the engine calls it once per run).
 * Run: node_modules/.bin/bun test/schedule/following.bench.ts
 * Not a test: timings on a shared machine are not assertions.
 */
import type { ScheduleRule } from "../../src/config/types.ts";
import { compileSchedule } from "../../src/schedule/index.ts";
import { cronRule, everyRule, job, t } from "./helpers.ts";

const KINDS: [string, ScheduleRule][] = [
  ["every 10 seconds", everyRule("10 seconds")],
  ["every 2 hours at :15", everyRule("2 hours", ":15")],
  ["every day at 02:30", everyRule("day", "02:30")],
  ["every day (no at)", everyRule("day")],
  ["every monday at 10:00", everyRule("monday", "10:00")],
  ["cron */5 * * * *", cronRule("*/5 * * * *")],
  ["cron 30 2 * * *", cronRule("30 2 * * *")],
  ["cron 0 0 29 2 *", cronRule("0 0 29 2 *")],
];
const ZONE = "Europe/Berlin";
const CALLS = 100_000;

for (const [name, rule] of KINDS) {
  const s = compileSchedule(job(rule), ZONE);
  const calls = rule.kind === "cron" && rule.expression.includes("29 2") ? 200 : CALLS; // 200 leap days reach year 2826;
  let prev = s.first(t("2026-01-01T00:00:00Z")) as number;
  for (let i = 0; i < 1000; i++) prev = s.following(prev) as number; // warm up
  const start = performance.now();
  for (let i = 0; i < calls; i++) prev = s.following(prev) as number;
  const us = ((performance.now() - start) * 1000) / calls;
  // followingAfter over a 30-day gap, from a fixed previous run
  const from = s.first(t("2026-01-01T00:00:00Z")) as number;
  const gapStart = performance.now();
  const gapCalls = calls / 10;
  for (let i = 0; i < gapCalls; i++) s.followingAfter(from, from + 30 * 86_400_000 + i * 1000);
  const gapUs = ((performance.now() - gapStart) * 1000) / gapCalls;
  console.log(
    `${name.padEnd(24)} following ${us.toFixed(2).padStart(6)} µs/call   followingAfter(30-day gap) ${gapUs.toFixed(2).padStart(6)} µs/call`,
  );
}
