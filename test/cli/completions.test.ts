/**
 * `tickd completions bash|zsh|fish` and `tickd man`, made from the flag
 * definitions. The bash script is run for real: sourced in bash, its
 * function called with COMP_WORDS/COMP_CWORD set as bash sets them, COMPREPLY
 * read back. zsh and fish, when installed, check their script's syntax;
 * groff (or mandoc) checks the man page, and docs/tickd.1 must be its output.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BINARY, tempDir, tickd } from "../helpers/binary.ts";

const ROOT = path.join(import.meta.dir, "../..");

let t: ReturnType<typeof tempDir>;
let bashScript: string;
beforeAll(async () => {
  t = tempDir("tickd-completions-");
  mkdirSync(path.join(t.dir, "config"));
  writeFileSync(path.join(t.dir, "config", "scheduler.ini"), "[nightly backup]\ncommand = true\nevery = 1 day\n\n[reports]\ncommand = true\nevery = 1 hour\n");
  const r = await tickd(["completions", "bash"]);
  expect(r.code).toBe(0);
  bashScript = path.join(t.dir, "tickd.bash");
  writeFileSync(bashScript, r.stdout);
});
afterAll(() => t.cleanup());

/** What bash offers for the command line `words` (the last one being completed), as `complete -F _tickd` would. */
async function complete(...words: string[]): Promise<string[]> {
  // COMP_WORDS[0] is the binary, as the user's `tickd` on PATH would be.
  const program = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _tickd; printf "%s\\n" "${COMPREPLY[@]}"';
  const proc = Bun.spawn(["bash", "--norc", "--noprofile", "-c", program, "bash", bashScript, BINARY, ...words], { cwd: t.dir, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  return stdout.split("\n").filter((l) => l !== "");
}

/** The long flags a command's --help lists. */
async function helpFlags(command: string): Promise<string[]> {
  const help = (await tickd([command, "--help"])).stdout;
  const block = help.split("\nFlags:\n")[1]!.split("\n\n")[0]!;
  // The flag column: "  -P, --config PATH" or "      --json".
  return block.split("\n").map((line) => /^ {2}(?:-\w, | {4})--([a-z-]+)/.exec(line)?.[1]).filter((f) => f !== undefined).map((f) => `--${f}`);
}

describe("bash completion", () => {
  test("the first word: every command, and those starting with what is typed", async () => {
    const all = await complete("");
    expect(all).toContain("run-job");
    expect(all).toContain("completions");
    expect(all).toContain("help");
    expect(await complete("ne")).toEqual(["next"]);
    expect(await complete("export-s")).toEqual(["export-supervisord", "export-systemd"]);
  });

  test("a command's flags, the same as its --help lists", async () => {
    expect(await complete("next", "--c")).toEqual(["--count", "--config"]);
    for (const command of ["next", "history", "run-job", "check", "export-ini", "backfill"]) {
      const offered = await complete(command, "-");
      for (const flag of await helpFlags(command)) expect(offered).toContain(flag);
      // Only those: an instance flag the command ignores is not offered.
      expect(offered.filter((f) => f.startsWith("--")).sort()).toEqual((await helpFlags(command)).sort());
    }
  }, 30_000);

  test("the values of a flag whose set is closed, also after a comma", async () => {
    expect(await complete("run", "--log-format", "")).toEqual(["text", "json"]);
    expect(await complete("history", "--status", "fa")).toEqual(["failure"]);
    expect(await complete("history", "--status", "success,ti")).toEqual(["success,timeout"]);
    // --flag=value, which bash splits at the = (COMP_WORDBREAKS).
    expect(await complete("run", "--log-format", "=")).toEqual(["text", "json"]);
    expect(await complete("run", "--log-format", "=", "j")).toEqual(["json"]);
    // A value that is free text offers nothing (not the flags, not the commands).
    expect(await complete("next", "--count", "")).toEqual([]);
  });

  test("operands: a shell, a command, a job label from tickd list", async () => {
    expect(await complete("completions", "")).toEqual(["bash", "zsh", "fish"]);
    expect(await complete("help", "hi")).toEqual(["history"]);
    // Labels with spaces come back quoted for the command line.
    expect(await complete("run-job", "")).toEqual(["nightly\\ backup", "reports"]);
    expect(await complete("pause", "ni")).toEqual(["nightly\\ backup"]);
    // The labels of the job file named by -P.
    writeFileSync(path.join(t.dir, "other.ini"), "[other job]\ncommand = true\nevery = 1 day\n");
    expect(await complete("run-job", "-P", "other.ini", "")).toEqual(["other\\ job"]);
    expect(await complete("run-job", "--config", "=", "other.ini", "")).toEqual(["other\\ job"]);
    // One operand: after it, nothing more.
    expect(await complete("run-job", "reports", "")).toEqual([]);
  }, 30_000);

  test("file and folder values", async () => {
    expect(await complete("check", "-P", "oth")).toEqual(["other.ini"]);
    expect(await complete("check", "--root", "con")).toEqual(["config"]);
  });
});

describe("zsh and fish completion", () => {
  const zsh = Bun.which("zsh");
  const fish = Bun.which("fish");
  test.skipIf(!zsh)(`zsh -n accepts the script${zsh ? "" : " (skipped: zsh is not installed here)"}`, async () => {
    const file = path.join(t.dir, "_tickd");
    writeFileSync(file, (await tickd(["completions", "zsh"])).stdout);
    const r = Bun.spawnSync([zsh!, "-n", file]);
    expect(r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
  });
  test.skipIf(!fish)(`fish -n accepts the script${fish ? "" : " (skipped: fish is not installed here)"}`, async () => {
    const file = path.join(t.dir, "tickd.fish");
    writeFileSync(file, (await tickd(["completions", "fish"])).stdout);
    const r = Bun.spawnSync([fish!, "-n", file]);
    expect(r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
  });
  test.skipIf(!fish)(`fish completes a command, a flag and a status from the script${fish ? "" : " (skipped: fish is not installed here)"}`, async () => {
    const file = path.join(t.dir, "tickd.fish");
    writeFileSync(file, (await tickd(["completions", "fish"])).stdout);
    const complete = (line: string) => {
      const r = Bun.spawnSync([fish!, "--no-config", "-c", `source ${file}; complete -C ${JSON.stringify(line)}`]);
      return r.stdout.toString().split("\n").filter(Boolean).map((l) => l.split("\t")[0]);
    };
    expect(complete("tickd ne")).toEqual(["next"]);
    expect(complete("tickd next --co")).toEqual(["--config", "--count"]);
    expect(complete("tickd history --status f")).toEqual(["failure"]);
  });
  test("both name every command and its flags, and the closed sets of values", async () => {
    const [z, f] = await Promise.all([tickd(["completions", "zsh"]), tickd(["completions", "fish"])]);
    expect(z.stdout).toStartWith("#compdef tickd\n");
    expect(z.stdout).toContain("    'run-job:run one job once, now, and record it'");
    expect(z.stdout).toContain("'--count[runs per job]:N: '");
    expect(z.stdout).toContain("'--log-format[log line format]:text|json:(text json)'");
    expect(f.stdout).toContain("complete -c tickd -n '__fish_use_subcommand' -a run-job -d 'run one job once, now, and record it'");
    expect(f.stdout).toContain("complete -c tickd -n '__fish_seen_subcommand_from next' -l count -x -d 'runs per job'");
    expect(f.stdout).toContain("complete -c tickd -n '__fish_seen_subcommand_from completions' -a 'bash zsh fish'");
  });
  test("an unknown shell is bad usage", async () => {
    const r = await tickd(["completions", "powershell"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith('tickd completions: completions takes one shell: bash, zsh, fish, got "powershell"\n\nUsage: tickd completions bash|zsh|fish');
  });
});

describe("man page", () => {
  test("docs/tickd.1 is what tickd man prints (regenerate: dist/tickd man > docs/tickd.1)", async () => {
    const r = await tickd(["man"]);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(ROOT, "docs", "tickd.1"), "utf8")).toBe(r.stdout);
  });

  test("it has every command, its flags and its examples", async () => {
    const page = (await tickd(["man"])).stdout;
    expect(page).toStartWith('.\\" Generated by `tickd man`');
    expect(page).toContain(".SH COMMANDS\n.SS run\n");
    for (const name of ["check", "run\\-job", "history", "completions", "man"]) expect(page).toContain(`\n.SS ${name}\n`);
    expect(page).toContain(".TP\n\\fB\\-\\-count\\fR \\fIN\\fR\nruns per job (default 5)\n");
    expect(page).toContain(".TP\n\\fBtickd next \\-\\-count 3\\fR\nthe next 3 runs of every job.\n");
    expect(page).toContain(".TP\n\\fB\\-P\\fR, \\fB\\-\\-config\\fR \\fIPATH\\fR\njob file (default config/scheduler.ini) (\\fBTICKD_CONFIG\\fR)\n");
  });

  const groff = Bun.which("groff");
  test.skipIf(!groff)(`groff -man -ww finds nothing to warn about${groff ? "" : " (skipped: groff is not installed here)"}`, async () => {
    const file = path.join(t.dir, "tickd.1");
    writeFileSync(file, (await tickd(["man"])).stdout);
    const r = Bun.spawnSync([groff!, "-man", "-ww", "-z", file]);
    expect(r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
  });
  const mandoc = Bun.which("mandoc");
  test.skipIf(!mandoc)(`mandoc -T lint finds nothing${mandoc ? "" : " (skipped: mandoc is not installed here)"}`, async () => {
    const file = path.join(t.dir, "tickd.1");
    writeFileSync(file, (await tickd(["man"])).stdout);
    const r = Bun.spawnSync([mandoc!, "-T", "lint", "-W", "warning", file]);
    expect(r.stdout.toString() + r.stderr.toString()).toBe("");
  });
  test("the page is dated as CHANGELOG.md dates this version", async () => {
    const th = (await tickd(["man"])).stdout.split("\n").find((l) => l.startsWith(".TH "))!;
    const [, date, version] = /^\.TH TICKD 1 "([^"]*)" "tickd ([^"]*)"/.exec(th)!;
    expect(readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8")).toContain(`\n## ${version} - ${date}\n`);
  });
  const man = Bun.which("man");
  test.skipIf(!man)(`man -l renders it${man ? "" : " (skipped: man is not installed here)"}`, async () => {
    const file = path.join(t.dir, "tickd.1");
    writeFileSync(file, (await tickd(["man"])).stdout);
    const r = Bun.spawnSync([man!, "-l", file], { env: { ...process.env, MANPAGER: "cat", PAGER: "cat", MANWIDTH: "100" } });
    const text = r.stdout.toString().replace(/.\x08/g, "");
    expect(r.exitCode).toBe(0);
    expect(text).toContain("tickd - a job scheduler that replaces cron");
    expect(text).toContain("tickd run-job LABEL [--kwarg KEY=VALUE ...] [--json] [-P PATH]");
  });
});
