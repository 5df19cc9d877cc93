/** Roles, tokens and the loopback rule. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { checkListen, loadTokens, parseTokens, startApi } from "../../src/api/index.ts";
import { TickdError } from "../../src/errors.ts";
import { tempDir } from "../helpers/binary.ts";
import { codes, startBinaryApi, TOKENS, type ApiClient } from "./harness.ts";

describe("with a token file", () => {
  let api: ApiClient;
  beforeAll(async () => {
    api = await startBinaryApi({ tokens: true });
  });
  afterAll(async () => {
    await api?.close();
  });

  const READ = `{ jobs { totalCount } job(label: "nightly report") { kwargs { key value } lastRun { output error } } scheduler { version } }`;

  test("a request without a token gets 401 UNAUTHENTICATED and nothing else", async () => {
    const { status, body } = await api.gql(READ, undefined, null);
    expect(status).toBe(401);
    expect(body).toEqual({ errors: [{ message: "authentication required: send Authorization: Bearer <token>", extensions: { code: "UNAUTHENTICATED" } }] });
  });

  test("an unknown token gets 401 UNAUTHENTICATED", async () => {
    const { status, body } = await api.gql(READ, undefined, "made-up-token-0000000000");
    expect(status).toBe(401);
    expect(codes(body)).toEqual(["UNAUTHENTICATED"]);
  });

  test("introspection also needs a token", async () => {
    const { status } = await api.gql(`{ __schema { queryType { name } } }`, undefined, null);
    expect(status).toBe(401);
  });

  test("a viewer reads, but kwarg values, outputs and errors are null", async () => {
    await api.gql(`mutation { runJobNow(label: "nightly report") { runId } }`, undefined, TOKENS.admin);
    const { status, body } = await api.gql(READ, undefined, TOKENS.viewer);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.job.kwargs).toEqual([
      { key: "recipients", value: null },
      { key: "limit", value: null },
    ]);
    expect(body.data!.job.lastRun).toEqual({ output: null, error: null });
  });

  test("an admin sees kwarg values and outputs (the admin token is stored hashed)", async () => {
    const { body } = await api.gql(READ, undefined, TOKENS.admin);
    expect(body.data!.job.kwargs[0]).toEqual({ key: "recipients", value: "ops@example.com" });
    expect(body.data!.job.lastRun.output).toBe("admin-only output");
  });

  // Each mutation with the lowest role allowed; every lower role is refused with FORBIDDEN.
  const MUTATIONS: [string, "operator" | "admin"][] = [
    [`mutation { deactivateJob(label: "shell") { active } }`, "operator"],
    [`mutation { activateJob(label: "shell") { active } }`, "operator"],
    [`mutation { runJobNow(label: "nightly report") { status } }`, "operator"],
    [`mutation { discoverJobs { added } }`, "admin"],
    [`mutation { exportIni(preview: true) { text } }`, "admin"],
    [`mutation { reloadConfig { unchanged } }`, "admin"],
    [`mutation { updateJobSchedule(label: "billing invoices", every: "2 hours") { label } }`, "admin"],
  ];
  const ORDER = ["viewer", "operator", "admin"] as const;

  for (const [mutation, lowest] of MUTATIONS) {
    const name = /\{ (\w+)/.exec(mutation)![1];
    test(`${name} needs ${lowest}`, async () => {
      for (const role of ORDER) {
        const { status, body } = await api.gql(mutation, undefined, TOKENS[role]);
        if (ORDER.indexOf(role) < ORDER.indexOf(lowest)) {
          expect({ role, codes: codes(body) }).toEqual({ role, codes: ["FORBIDDEN"] });
          expect(body.data).toBeNull();
        } else {
          expect({ role, status, errors: body.errors }).toEqual({ role, status: 200, errors: undefined });
        }
      }
    });
  }

  test("/metrics needs a token too; /healthz does not", async () => {
    expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } })).status).toBe(200);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });
});

describe("token files", () => {
  test("one token and role per line, # comments, sha256: hashes", () => {
    const set = parseTokens(`# comment\n\nabcdefghijklmnop0123 viewer\nsha256:${"a".repeat(64)} admin # trailing\n`, "tokens.txt");
    expect(set.byHash.size).toBe(2);
  });

  test.each([
    ["abcdefghijklmnop0123 superuser", 'tokens.txt:1: unknown role "superuser"; expected one of viewer, operator, admin'],
    ["short viewer", 'tokens.txt:1: token is too short (5 characters); use at least 16 random characters, e.g. from "openssl rand -hex 24"'],
    ["sha256:abc viewer", 'tokens.txt:1: "sha256:" must be followed by 64 hex digits (sha256 of the token)'],
    ["abcdefghijklmnop0123", 'tokens.txt:1: expected "TOKEN ROLE" (or "sha256:HEX ROLE"), got 1 words'],
    ["# nothing here", 'tokens.txt: no tokens found; add lines "TOKEN ROLE" (roles: viewer, operator, admin)'],
    ["abcdefghijklmnop0123 viewer\nabcdefghijklmnop0123 admin", "tokens.txt:2: this token is already listed on an earlier line"],
  ])("%j is refused: %s", (text, message) => {
    expect(() => parseTokens(text, "tokens.txt")).toThrow(message);
  });

  test("a missing token file is a config-missing error naming it", async () => {
    const error = await loadTokens("/nonexistent/tokens").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TickdError);
    expect((error as TickdError).code).toBe("config-missing");
    expect((error as TickdError).message).toStartWith("/nonexistent/tokens: cannot read the token file");
  });
});

describe("the loopback rule", () => {
  test.each(["127.0.0.1:7370", "[::1]:7370", "localhost:0", "127.1.2.3:80"])("%s may serve without tokens", (listen) => {
    expect(() => checkListen(listen, null)).not.toThrow();
  });

  test.each(["0.0.0.0:7370", ":7370", "192.168.1.10:7370", "[::]:7370", "example.com:80"])("%s without tokens refuses to start, saying why", (listen) => {
    expect(() => checkListen(listen, null)).toThrow(
      `--listen ${listen}: refusing to serve the API on a non-loopback address without tokens, because anyone who can reach it could run jobs and read their output. Pass --tokens FILE (lines "TOKEN ROLE"), or listen on 127.0.0.1, or use --no-api.`,
    );
  });

  test("any address is allowed with tokens", () => {
    expect(() => checkListen("0.0.0.0:7370", parseTokens("abcdefghijklmnop0123 viewer", "t"))).not.toThrow();
  });

  test("a malformed --listen is bad usage", () => {
    expect(() => checkListen("localhost", null)).toThrow('--listen "localhost": expected HOST:PORT, e.g. 127.0.0.1:7370 or [::1]:7370');
  });

  test("startApi itself refuses a non-loopback address without tokens", async () => {
    const error = await startApi({ listen: "0.0.0.0:0", deps: {} as never, logger: { info() {}, error() {} } }).catch((e: unknown) => e);
    expect((error as TickdError).code).toBe("usage");
  });

  test("without tokens every loopback client is admin", async () => {
    const api = await startBinaryApi();
    try {
      const { body } = await api.gql(`mutation { exportIni(preview: true) { path } }`);
      expect(body).toEqual({ data: { exportIni: { path: null } } });
    } finally {
      await api.close();
    }
  });
});

test("a token file read from disk works end to end", async () => {
  const temp = tempDir();
  try {
    const file = path.join(temp.dir, "tokens");
    writeFileSync(file, `${TOKENS.operator} operator\n`);
    const set = await loadTokens(file);
    expect(set.file).toBe(file);
    expect([...set.byHash.values()]).toEqual(["operator"]);
  } finally {
    temp.cleanup();
  }
});
