import { afterEach, describe, expect, test } from "bun:test";
import { at, harness, type Harness } from "./harness.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const berlin = (ms: number) => new Date(ms).toLocaleString("sv-SE", { timeZone: "Europe/Berlin" });

describe("daylight saving time (Europe/Berlin)", () => {
  test("every day at 02:30 across the spring-forward night runs at 03:00 on the missing day, once, then at 02:30 again", async () => {
    h = await harness("[nightly]\ncall = app.nightly\nevery = day\nat = 02:30\n", {
      start: at("2026-03-27T12:00:00Z"),
      zone: "Europe/Berlin",
      callbacks: { nightly: () => {} },
    });
    await h.clock.advanceTo(at("2026-03-31T12:00:00Z"));
    expect((await h.rows("nightly")).map((r) => berlin(r.startedAt))).toEqual([
      "2026-03-28 02:30:00",
      "2026-03-29 03:00:00",
      "2026-03-30 02:30:00",
      "2026-03-31 02:30:00",
    ]);
  });

  test("every day at 02:30 across the fall-back night runs once, not twice", async () => {
    h = await harness("[nightly]\ncall = app.nightly\nevery = day\nat = 02:30\n", {
      start: at("2026-10-23T12:00:00Z"),
      zone: "Europe/Berlin",
      callbacks: { nightly: () => {} },
    });
    await h.clock.advanceTo(at("2026-10-27T12:00:00Z"));
    const rows = await h.rows("nightly");
    expect(rows.map((r) => berlin(r.startedAt))).toEqual(["2026-10-24 02:30:00", "2026-10-25 02:30:00", "2026-10-26 02:30:00", "2026-10-27 02:30:00"]);
    // The fall-back day is 25 hours long: the runs around it are 25 hours apart.
    expect(rows[2]!.scheduledFor - rows[1]!.scheduledFor).toBe(25 * 3_600_000);
  });

  test("an hourly job keeps elapsed hours across spring-forward: no run is doubled or lost", async () => {
    h = await harness("[hourly]\ncall = app.hourly\nevery = hour\n", {
      start: at("2026-03-28T22:00:00Z"),
      zone: "Europe/Berlin",
      callbacks: { hourly: () => {} },
    });
    await h.clock.advanceTo(at("2026-03-29T04:00:00Z"));
    const rows = await h.rows("hourly");
    expect(rows.map((r) => new Date(r.scheduledFor).toISOString().slice(11, 16))).toEqual(["23:00", "00:00", "01:00", "02:00", "03:00", "04:00"]);
  });
});
