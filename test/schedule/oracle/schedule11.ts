/**
 * Ask Python `schedule` 1.1 itself (Debian's python3-schedule, which `make
 * test` installs as root) for the first runs of many jobs, in one process:
 * see runs.py beside this file for how its clock is frozen and jobs are run.
 */
import path from "node:path";

const PYTHON = "/usr/bin/python3"; // Debian's, where python3-* packages install
const SCRIPT = path.join(import.meta.dir, "runs.py");

export interface OracleCase {
  /** As in the job file, singular: "minute", "monday". */
  readonly unit: string;
  readonly interval: number;
  /** The job file's `at` text, or null. */
  readonly at: string | null;
  /** ISO instant in UTC with milliseconds: "2026-11-30T10:00:00.000Z". */
  readonly registered: string;
}

/** Per case: the first `count` runs as ISO instants in UTC with milliseconds, or why schedule refused the job. */
export function schedule11Runs(cases: readonly OracleCase[], count: number): (string[] | { error: string })[] {
  const run = Bun.spawnSync([PYTHON, SCRIPT], { stdin: Buffer.from(JSON.stringify({ count, cases })) });
  if (run.exitCode !== 0) {
    throw new Error(`${SCRIPT} failed (it needs Debian's python3-schedule: apt-get install python3-schedule):\n${run.stderr.toString()}`);
  }
  const answers = JSON.parse(run.stdout.toString()) as (string[] | { error: string })[];
  if (answers.length !== cases.length) throw new Error(`${SCRIPT} answered ${answers.length} of ${cases.length} cases`);
  return answers;
}
