/**
 * For the dashboard tests: a temp project (job file, job module, database),
 * the compiled binary serving it on a free loopback port, headless Debian
 * chromium driven by playwright-core, and a plain GraphQL client to check
 * what the API reports independently of the page.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { BINARY, freePort, tempDir } from "../helpers/binary.ts";

export { freePort };
import { afterAll, beforeAll } from "bun:test";

export const JOBS_TS = `
import { Result, STATUS } from "tickd";

/** Sends the weekly newsletter to every subscriber. */
export function newsletter(kwargs) {
  return Result(STATUS.success, { message: \`sent to \${kwargs.audience}\`, output: "412 mails queued" });
}

/** Checks free disk space. */
export function diskCheck() {
  return Result(STATUS.failure, { message: "disk 97% full on /var" });
}

/** Takes a while: long enough to be seen running. */
export async function slow() {
  await new Promise((resolve) => setTimeout(resolve, 4000));
  return Result(STATUS.success, { message: "slow and steady" });
}

export function backup() {
  throw new Error("backup target unreachable");
}
`;

/** Nothing here comes due during a test: every run is started from the page or the API. */
export const INI = `
[newsletter]
call = app.jobs.newsletter
every = monday
at = 09:00
audience = subscribers
batch = 500

[disk check]
call = app.jobs.diskCheck
every = 6 hours

[nightly backup]
call = app.jobs.backup
every = day
at = 03:00
active = no
`;

export interface Project {
  readonly dir: string;
  readonly config: string;
  cleanup(): void;
}

/** A temp project with JOBS_TS and INI (plus `extraIni` sections and extra files). */
export function project(files: Record<string, string> = {}, extraIni = ""): Project {
  const t = tempDir("tickd-dashboard-");
  mkdirSync(path.join(t.dir, "config"));
  mkdirSync(path.join(t.dir, "app"));
  writeFileSync(path.join(t.dir, "app", "jobs.ts"), JOBS_TS);
  writeFileSync(path.join(t.dir, "config", "scheduler.ini"), INI + extraIni);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(t.dir, name), text);
  return { dir: t.dir, config: path.join(t.dir, "config", "scheduler.ini"), cleanup: t.cleanup };
}


export interface Instance {
  readonly url: string;
  readonly port: number;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
  log(): string;
}

/** `tickd run` on the project; resolves once /healthz answers. */
export async function startTickd(p: Project, port: number, extra: readonly string[] = []): Promise<Instance> {
  const proc = Bun.spawn([BINARY, "run", "--config", p.config, "--listen", `127.0.0.1:${port}`, "--timezone", "UTC", ...extra], {
    cwd: p.dir,
    env: { ...process.env, TZ: "UTC" },
    stdout: "pipe",
    stderr: "pipe",
  });
  let output = "";
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += decoder.decode(chunk);
  };
  void drain(proc.stdout);
  void drain(proc.stderr);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`tickd run exited with ${proc.exitCode} before serving:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`tickd run did not answer /healthz within 15 s:\n${output}`);
    }
    await Bun.sleep(100);
  }
  return {
    url,
    port,
    log: () => output,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
      if (!exited) proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}

/** The API as any other client sees it (not through the page). */
export async function graphql<T = Record<string, unknown>>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
  return body.data as T;
}

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/** A page that records script errors and CSP violations, so a test can assert there were none. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  // Fail within seconds, not playwright's default 30 s, when something is missing.
  page.setDefaultTimeout(5000);
  const response = await page.goto(url);
  if (response?.status() !== 200) {
    throw new Error(`GET ${url} answered ${response?.status()} instead of the dashboard: does the binary pass dashboardHandler (src/dashboard) to startApi?`);
  }
  return { page, problems };
}

/**
 * Read until the check passes (the page updates asynchronously), at most
 * `timeoutMs`; then fail with the check's own message on the last value.
 */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await Bun.sleep(50);
  }
}

/**
 * Visible texts whose contrast with the background behind them is below
 * WCAG AA (4.5:1), as "tag.class "text" ratio"; empty when all pass.
 */
export function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgba = (css: string) => {
      const [r = 0, g = 0, b = 0, a = 1] = (css.match(/[\d.]+/g) ?? []).map(Number);
      return { r, g, b, a };
    };
    const channel = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    const luminance = (c: { r: number; g: number; b: number }) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
    const background = (el: Element | null) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c.a > 0.5) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const out: string[] = [];
    for (const el of document.body.querySelectorAll("*")) {
      const hasText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== "");
      if (!hasText || !(el as HTMLElement).checkVisibility?.() || el.closest(".visually-hidden")) continue;
      const fg = luminance(rgba(getComputedStyle(el).color));
      const bg = luminance(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < 4.5) out.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent!.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
    return out;
  });
}

/**
 * The fixture most dashboard files share: one tickd on a free port for the
 * file's tests, and one browser. `setup` writes the project (and may name extra
 * `tickd run` flags); everything is stopped and removed after the file.
 */
export interface Suite {
  readonly proj: Project;
  readonly tickd: Instance;
  readonly browser: Browser;
}

export function dashboardSuite(setup: () => { proj: Project; args?: readonly string[] }): Suite {
  const suite = {} as { proj: Project; tickd: Instance; browser: Browser };
  beforeAll(async () => {
    const { proj, args = [] } = setup();
    suite.proj = proj;
    suite.tickd = await startTickd(proj, await freePort(), args);
    suite.browser = await launchBrowser();
    // Setup, not a measure: a fresh clone under heavy I/O pressure once took over 30 s to bring up Chromium.
  }, 60_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.tickd?.stop();
    suite.proj?.cleanup();
  });
  return suite;
}
