/**
 * Regression, issue 16 "resume failure not logged": a pause's automatic end
 * whose store write fails is reported (the service logs it as
 * pause.resume.failed) and tried again, so the job does not stay paused past
 * its `until` in silence until a restart.
 */
import { describe, expect, test } from "bun:test";
import { RESUME_RETRY_MS, ResumeTimers, type ResumeFailure } from "../../src/jobs/resume.ts";
import { FakeClock } from "../helpers/fake-clock.ts";

const T0 = Date.UTC(2026, 2, 2, 10);

describe("a pause's end", () => {
  test("a resume at until that the store refuses is reported with the job, the end and the error, and tried again 30 s later", async () => {
    const clock = new FakeClock({ start: T0 });
    const attempts: number[] = [];
    const failures: ResumeFailure[] = [];
    const timers = new ResumeTimers(
      clock,
      async (label, until) => {
        attempts.push(clock.now());
        expect(label).toBe("nightly backup");
        expect(until).toBe(T0 + 60_000);
        if (attempts.length < 3) throw new Error("SQLITE_FULL: database or disk is full");
      },
      (failure) => failures.push(failure),
    );
    timers.arm("nightly backup", T0 + 60_000);

    await clock.advance(60_000);
    expect(attempts).toEqual([T0 + 60_000]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.label).toBe("nightly backup");
    expect(failures[0]!.until).toBe(T0 + 60_000);
    expect(String(failures[0]!.error)).toContain("SQLITE_FULL");
    expect(failures[0]!.retryInMs).toBe(RESUME_RETRY_MS);

    await clock.advance(RESUME_RETRY_MS);
    expect(attempts).toEqual([T0 + 60_000, T0 + 60_000 + RESUME_RETRY_MS]);
    expect(failures).toHaveLength(2);

    // The third attempt goes in: nothing more is reported or tried.
    await clock.advance(RESUME_RETRY_MS);
    await clock.advance(10 * RESUME_RETRY_MS);
    expect(attempts).toHaveLength(3);
    expect(failures).toHaveLength(2);
    timers.close();
  });

  test("a job resumed (or paused anew) by hand while a retry waits is not resumed by the stale retry", async () => {
    const clock = new FakeClock({ start: T0 });
    let attempts = 0;
    let refuse: (error: Error) => void = () => {};
    const timers = new ResumeTimers(
      clock,
      () => {
        attempts++;
        // The store takes its time to refuse; meanwhile the operator resumes by hand.
        return new Promise<void>((_resolve, reject) => (refuse = reject));
      },
      () => {},
    );
    timers.arm("sync", T0 + 1000);
    await clock.advance(1000);
    expect(attempts).toBe(1);
    timers.disarm("sync"); // resumeJob, or a new pause, disarms the timer of the old one
    refuse(new Error("store closed"));
    await clock.advance(5 * RESUME_RETRY_MS);
    expect(attempts).toBe(1);
  });
});
