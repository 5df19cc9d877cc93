/** The checks the config loader runs before it builds a JobSpec. */
import { expect, test } from "bun:test";
import { cronProblem, zoneProblem } from "../../src/schedule/index.ts";

test.each(["0 3 * * *", "*/20 * * * * *", "30 8 * * MON-FRI", "0 0 L 2 *", "0 0 * * 5#2", "@daily", " 0 3 * * * "])(
  "cron %j is accepted",
  (expression) => {
    expect(cronProblem(expression)).toBeUndefined();
  },
);

test.each([
  ["* * * *", 'cron "* * * *" has 4 fields; use 5 (minute hour day month weekday) or 6 (seconds first)'],
  ["0 0 0 1 1 * 2030", 'cron "0 0 0 1 1 * 2030" has 7 fields; use 5 (minute hour day month weekday) or 6 (seconds first)'],
  ["61 * * * *", 'cron "61 * * * *" is not valid: Invalid value for minute: 61'],
  ["0 25 * * *", 'cron "0 25 * * *" is not valid: Invalid value for hour: 25'],
  ["0 0 * * funday", expect.stringMatching(/^cron "0 0 \* \* funday" is not valid: /)],
])("cron %j is refused with %j", (expression, message) => {
  expect(cronProblem(expression)).toEqual(message);
});

test("zones are IANA names", () => {
  expect(zoneProblem("Europe/Berlin")).toBeUndefined();
  expect(zoneProblem("UTC")).toBeUndefined();
  expect(zoneProblem("CEST")).toBe('timezone "CEST" is not an IANA zone; use a name like Europe/Berlin or UTC');
});
