/**
 * src/errors.ts: each code has one exit code and one API code. The table
 * below is a Record over ErrorCode, so a code added without a row here fails
 * the typecheck, as one added without a row in errors.ts does.
 */
import { describe, expect, test } from "bun:test";
import {
  API_ERROR_CODES,
  EXIT,
  IniFormatError,
  TickdError,
  TimeoutError,
  UsageError,
  apiCodeFor,
  exitCodeFor,
  isCallbackErrorCode,
  type ApiErrorCode,
  type ErrorCode,
  type ExitCode,
} from "../src/errors.ts";
import { UsageError as CliUsageError } from "../src/cli/args.ts";
import { EXIT as CLI_EXIT } from "../src/cli/command.ts";
import { IniFormatError as ExportIniFormatError } from "../src/export/index.ts";

const EXPECTED: Record<ErrorCode, readonly [exit: ExitCode, api: ApiErrorCode]> = {
  usage: [EXIT.usage, "BAD_USER_INPUT"],
  "config-missing": [EXIT.usage, "INTERNAL"],
  "config-invalid": [EXIT.usage, "BAD_USER_INPUT"],
  "not-found": [EXIT.usage, "NOT_FOUND"],
  "callback-not-found": [EXIT.usage, "INTERNAL"],
  "callback-not-function": [EXIT.usage, "INTERNAL"],
  "callback-import-failed": [EXIT.failure, "INTERNAL"],
  forbidden: [EXIT.usage, "FORBIDDEN"],
  unauthenticated: [EXIT.failure, "UNAUTHENTICATED"],
  conflict: [EXIT.failure, "CONFLICT"],
  store: [EXIT.failure, "INTERNAL"],
  "listen-failed": [EXIT.failure, "INTERNAL"],
  "write-failed": [EXIT.failure, "INTERNAL"],
  timeout: [EXIT.failure, "INTERNAL"],
  "ini-format": [EXIT.failure, "INTERNAL"],
  misuse: [EXIT.failure, "INTERNAL"],
  internal: [EXIT.failure, "INTERNAL"],
};

describe("every error code has its exit code and its API code", () => {
  for (const [code, [exit, api]] of Object.entries(EXPECTED) as [ErrorCode, readonly [ExitCode, ApiErrorCode]][]) {
    test(`${code}: exit ${exit}, ${api}`, () => {
      const error = new TickdError(code, "what went wrong");
      expect(exitCodeFor(error)).toBe(exit);
      expect(apiCodeFor(error)).toBe(api);
      expect(API_ERROR_CODES).toContain(apiCodeFor(error));
    });
  }
});

test("an error that is not a TickdError is a failure (exit 1) and INTERNAL", () => {
  for (const error of [new Error("boom"), new TypeError("x is undefined"), "thrown text", undefined]) {
    expect(exitCodeFor(error)).toBe(EXIT.failure);
    expect(apiCodeFor(error)).toBe("INTERNAL");
  }
});

test("UsageError, TimeoutError and IniFormatError are TickdErrors with their code, and keep their names", () => {
  const cases = [
    [new UsageError("--limit: expected a whole number"), "usage", "UsageError"],
    [new TimeoutError("timed out after 300 ms"), "timeout", "TimeoutError"],
    [new IniFormatError("a value cannot span lines"), "ini-format", "IniFormatError"],
  ] as const;
  for (const [error, code, name] of cases) {
    expect(error).toBeInstanceOf(TickdError);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(`${error}`).toBe(`${name}: ${error.message}`);
  }
  expect(new TickdError("store", "closed").name).toBe("TickdError");
});

test("the CLI and export-ini re-export the same classes, not copies", () => {
  expect(CliUsageError).toBe(UsageError);
  expect(ExportIniFormatError).toBe(IniFormatError);
  expect(CLI_EXIT).toBe(EXIT);
});

test("the callback codes are the ones that may stand as a diagnostic's code", () => {
  const codes = Object.keys(EXPECTED) as ErrorCode[];
  expect(codes.filter(isCallbackErrorCode)).toEqual(["callback-not-found", "callback-not-function", "callback-import-failed"]);
});
