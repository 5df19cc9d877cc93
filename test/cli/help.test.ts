/**
 * A CLI like the ones people know: `tickd help <command>` is `<command>
 * --help`, every command's help has examples that work as written, and a
 * mistyped command or flag gets a "did you mean" and the command's usage
 * line (exit 2), not the whole help.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "../../src/cli/args.ts";
import { COMMANDS } from "../../src/cli/commands.ts";
import { nearest } from "../../src/cli/suggest.ts";
import { BINARY, tempDir, tickd } from "../helpers/binary.ts";
import { startService, type Service } from "../helpers/service.ts";

const ROOT = path.join(import.meta.dir, "../..");

/** The words of `tickd <run>` as sh would pass them, up to a redirection or a pipe; `$(…)` and `$VAR` stand for one word. */
function words(run: string): string[] {
  const out: string[] = [];
  let word = "";
  let quote: string | null = null;
  let started = false;
  for (let i = 0; i < run.length; i++) {
    const ch = run[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === "$" && run[i + 1] === "(" && quote === '"') {
        const end = run.indexOf(")", i);
        word += "SUBST";
        i = end;
      } else word += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      started = true;
    } else if (ch === " ") {
      if (started) out.push(word);
      word = "";
      started = false;
    } else if (ch === ">" || ch === "|") {
      break;
    } else {
      word += ch;
      started = true;
    }
  }
  if (started) out.push(word);
  return out;
}

/** `tickd help`'s command names. */
async function listedCommands(): Promise<string[]> {
  const help = await tickd(["help"]);
  expect(help.code).toBe(0);
  const block = help.stdout.split("Commands:\n")[1]!.split("\n\n")[0]!;
  return block.split("\n").map((line) => line.trim().split(/\s+/)[0]!);
}

describe("help", () => {
  test("tickd help lists every command, and tickd help <command> is tickd <command> --help for each", async () => {
    const names = await listedCommands();
    expect(names).toEqual(COMMANDS.map((c) => c.name));
    expect(names).toContain("completions");
    expect(names).toContain("man");
    for (const name of names) {
      const [viaHelp, viaFlag, viaShort] = await Promise.all([tickd(["help", name]), tickd([name, "--help"]), tickd([name, "-h"])]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toBe(viaFlag.stdout);
      expect(viaHelp.stdout).toBe(viaShort.stdout);
      expect(viaHelp.stdout).toStartWith(`Usage: tickd ${name}`);
      expect(viaHelp.stdout).toMatch(new RegExp(`\\nExamples:\\n  tickd ${name.replace("-", "\\-")}`));
    }
  }, 60_000);

  test("a command's help ends with its examples, each an invocation and what it does", async () => {
    const r = await tickd(["next", "--help"]);
    expect(r.stdout.split("\nExamples:\n")[1]).toMatchInlineSnapshot(`
"  tickd next --count 3
      the next 3 runs of every job
  tickd next --from 2026-12-24T18:00 --count 10
      what would run from Christmas Eve evening (instance zone)
  tickd next --timezone Europe/Berlin --json
      computed in another zone, as JSON
"
`);
  });

  test("every example names the command it is under, and parses against that command's flags", () => {
    for (const c of COMMANDS) {
      expect(c.examples.length).toBeGreaterThan(0);
      for (const e of c.examples) {
        const [name, ...argv] = words(e.run);
        expect(name).toBe(c.name);
        // Throws a UsageError for a flag the command does not take or one missing its value.
        const parsed = parseArgs(argv, c.flags, {});
        expect(parsed.positionals.length).toBeLessThanOrEqual(1);
        for (const [flag, value] of Object.entries(parsed.flags)) {
          const def = c.flags.find((f) => f.name === flag);
          if (def?.choices && typeof value === "string") for (const v of value.split(",")) expect(def.choices).toContain(v);
        }
      }
    }
  });
});

describe("did you mean", () => {
  test("a mistyped command: the nearest one and its usage line, exit 2", async () => {
    const r = await tickd(["lsit"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatchInlineSnapshot(`
"tickd: unknown command "lsit"; did you mean "list"?

Usage: tickd list [-P PATH] [--json]
Run \`tickd help list\` for its flags and examples.
"
`);
  });

  test("a mistyped flag: the nearest flag of that command and its usage line, not the whole help, exit 2", async () => {
    const r = await tickd(["next", "--cuont", "3"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatchInlineSnapshot(`
"tickd next: unknown flag --cuont; did you mean --count?

Usage: tickd next [-P PATH] [--from ISO] [--count N] [--json] [--timezone ZONE]
Run \`tickd help next\` for its flags and examples.
"
`);
    expect(r.stderr).not.toContain("Flags:");
  });

  test("a prefix, a long flag with one dash, tickd help with a typo; nothing close gets no guess", async () => {
    expect((await tickd(["hist"])).stderr).toStartWith('tickd: unknown command "hist"; did you mean "history"?\n');
    expect((await tickd(["next", "-count", "3"])).stderr).toStartWith("tickd next: unknown flag -count; did you mean --count?\n");
    expect((await tickd(["history", "--stauts", "failure"])).stderr).toStartWith("tickd history: unknown flag --stauts; did you mean --status?\n");
    const help = await tickd(["help", "histroy"]);
    expect(help.code).toBe(2);
    expect(help.stderr).toStartWith('tickd help: unknown command "histroy"; did you mean "history"?\n\nUsage: tickd history');
    const far = await tickd(["frobnicate"]);
    expect(far.code).toBe(2);
    expect(far.stderr).toBe('tickd: unknown command "frobnicate"\n\nRun `tickd help` for the list of commands.\n');
    const flag = await tickd(["list", "--verbose"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toStartWith("tickd list: unknown flag --verbose\n\nUsage: tickd list");
  });

  test("a flag of another command, with no close name here, says which command takes it", async () => {
    const r = await tickd(["list", "--count", "3"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith("tickd list: unknown flag --count; it is a flag of next\n\nUsage: tickd list");
    expect((await tickd(["next", "--alerts"])).stderr).toStartWith("tickd next: unknown flag --alerts; it is a flag of history\n");
  });

  test.each([
    ["lsit", "list"],
    ["nxet", "next"],
    ["histroy", "history"],
    ["run-jbo", "run-job"],
    ["chek", "check"],
    ["exprot-ini", "export-ini"],
    ["comp", "completions"],
    ["zzz", undefined],
  ])("nearest(%p) is %p", (typed, expected) => {
    expect(nearest(typed, COMMANDS.map((c) => c.name))).toBe(expected);
  });
});

describe("the examples work as written", () => {
  // A project where the examples' names exist: a job "nightly backup", app folders, a home for the completion files.
  let t: ReturnType<typeof tempDir>;
  let service: Service | undefined;
  const env = () => ({ PATH: `${path.dirname(BINARY)}:${process.env.PATH}`, HOME: path.join(t.dir, "home"), MANPAGER: "cat", PAGER: "cat", TICKD_TOKEN: "" });
  beforeAll(() => {
    t = tempDir("tickd-examples-");
    mkdirSync(path.join(t.dir, "config"));
    writeFileSync(
      path.join(t.dir, "config", "scheduler.ini"),
      "[nightly backup]\ncommand = echo backing up\nevery = 1 day\nat = 02:30\n\n[slow]\ncommand = sleep 30\nevery = 2 seconds\n",
    );
    cpSync(path.join(ROOT, "examples", "apps"), path.join(t.dir, "apps"), { recursive: true });
    // For the example with --module-name jobs.
    writeFileSync(
      path.join(t.dir, "apps", "billing", "jobs.ts"),
      'import { Result, STATUS, schedule } from "tickd";\nexport function nightly_export() { return Result(STATUS.success); }\nschedule.register("billing", nightly_export, { every: "1 day" });\n',
    );
    for (const folder of [".local/share/bash-completion/completions", ".config/fish/completions"]) mkdirSync(path.join(t.dir, "home", folder), { recursive: true });
  });
  afterAll(async () => {
    await service?.stop();
    t.cleanup();
  }, 20_000);

  /** Not run here: those that start the service, write into system folders, or name a service elsewhere; the test above parses them. */
  const notHere = (run: string) => /^run\b|[ :]\/(srv|etc|usr|var|backups)\/| -w\b|\$\{fpath|--url /.test(run);

  async function sh(run: string, extra: Record<string, string> = {}) {
    const proc = Bun.spawn(["sh", "-c", `tickd ${run}`], { cwd: t.dir, env: { ...process.env, ...env(), ...extra }, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  }

  test("those of the commands that work on the files", async () => {
    const local = ["check", "list", "next", "run-job", "history", "migrate", "backup", "restore", "discover", "export-ini", "export-systemd", "export-supervisord", "completions", "man"];
    let ran = 0;
    for (const name of local) {
      for (const e of COMMANDS.find((c) => c.name === name)!.examples) {
        if (notHere(e.run)) continue;
        const r = await sh(e.run);
        if (r.code !== 0) throw new Error(`tickd ${e.run} exited ${r.code}:\n${r.stderr}`);
        ran++;
      }
    }
    expect(ran).toBeGreaterThanOrEqual(20);
  }, 90_000);

  test("those that reach the running service", async () => {
    service = await startService(t.dir, ["--grace", "1 second"]);
    const url = { TICKD_URL: service.url! };
    // A run going on, for cancel's example to find.
    for (let i = 0; i < 100; i++) {
      const going = JSON.parse((await tickd(["history", "slow", "--status", "running", "--json"], { cwd: t.dir })).stdout) as unknown[];
      if (going.length > 0) break;
      await Bun.sleep(100);
    }
    let ran = 0;
    for (const name of ["pause", "resume", "cancel", "backfill"]) {
      for (const e of COMMANDS.find((c) => c.name === name)!.examples) {
        if (notHere(e.run)) continue;
        const r = await sh(e.run, url);
        if (r.code !== 0) throw new Error(`tickd ${e.run} exited ${r.code}:\n${r.stderr}`);
        ran++;
      }
    }
    expect(ran).toBeGreaterThanOrEqual(6);
  }, 90_000);
});
