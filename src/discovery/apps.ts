/**
 * Importing app scheduler modules and reading what they registered.
 *
 * Each app folder may hold `<moduleName>.ts|.js|.mjs` (or `<moduleName>/index.ts`),
 * which calls `schedule.register(app, fn, options)` from "tickd" when imported.
 * One broken module never hides the others: every problem is collected with the
 * file it concerns, and the remaining apps still count.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { importFailure, withDocDescription } from "../callbacks/index.ts";
import { brandJobSpec, type JobSpec } from "../config/types.ts";
import { IniFormatError } from "../export/ini.ts";
import { moduleSpecifier, registerSdkModule } from "../runtime/index.ts";
import { schedule } from "../sdk/index.ts";
import { registrationPairs, validatePairs } from "./validate.ts";

export const DEFAULT_MODULE_NAME = "scheduler";
const EXTENSIONS = [".ts", ".js", ".mjs"];

export interface DiscoverAppsOptions {
  /** App folders (absolute, or relative to `cwd`). */
  readonly apps: readonly string[];
  /** Module name looked for in each app folder. Default "scheduler" (--module-name). */
  readonly moduleName?: string;
  /** Where dotted callback paths resolve (--root); app folders must lie under it. */
  readonly root: string;
  /** The instance zone, for validating `at`/`until`. Default: the system's zone. */
  readonly zone?: string;
  /** Base for relative app folders. Default process.cwd(). */
  readonly cwd?: string;
}

export type ProblemKind =
  /** The folder does not exist or lies outside --root: bad usage (exit 2). */
  | "unknown-app"
  /** The module threw while being imported. */
  | "import-failed"
  /** A registration that cannot become a job (not a function, not exported, bad option). */
  | "invalid-registration";

export interface DiscoveryProblem {
  readonly kind: ProblemKind;
  /** The module or folder the problem is in. */
  readonly file: string;
  readonly label?: string;
  /** One sentence: what is wrong and what to do. */
  readonly message: string;
}

export interface DiscoveredJob {
  /** The app name given to schedule.register. */
  readonly app: string;
  /** `<app folder as dotted path under root>.<moduleName>.<function name>`. */
  readonly callback: string;
  /** The scheduler module, absolute. */
  readonly file: string;
  /** The validated job; `spec.active` is true only when registered with `active: true`. */
  readonly spec: JobSpec;
  /** True when the registration said `active: true` explicitly. */
  readonly activeRequested: boolean;
  /** Registered without every, at or cron (or with every: "manual"): a manual job, run only by hand until an operator gives it a schedule. */
  readonly manual: boolean;
}

export interface DiscoverAppsResult {
  readonly registrations: readonly DiscoveredJob[];
  readonly problems: readonly DiscoveryProblem[];
  /** Scheduler modules that imported cleanly (their vanished jobs may be marked missing). */
  readonly modules: readonly string[];
  /** Scheduler modules that failed to import (their stored jobs must be left alone). */
  readonly failedModules: readonly string[];
}

export function formatProblem(p: DiscoveryProblem): string {
  return p.label === undefined ? `${p.file}: ${p.message}` : `${p.file} [${p.label}] ${p.message}`;
}

function findModule(folder: string, moduleName: string): string | undefined {
  for (const ext of EXTENSIONS) {
    const file = path.join(folder, `${moduleName}${ext}`);
    if (existsSync(file)) return file;
  }
  for (const ext of EXTENSIONS) {
    const file = path.join(folder, moduleName, `index${ext}`);
    if (existsSync(file)) return file;
  }
  return undefined;
}

// Each discovery imports modules afresh (a query string makes a new module
// instance), so an edited scheduler module is seen by the API's discoverJobs
// without a restart. Bun honours the query on a plain absolute path but drops
// it from a file:// URL (then the cached module would come back with no
// registrations), so on Bun the path form is used (runtime/moduleSpecifier).
let generation = 0;

export async function discoverApps(options: DiscoverAppsOptions): Promise<DiscoverAppsResult> {
  const moduleName = options.moduleName ?? DEFAULT_MODULE_NAME;
  const cwd = options.cwd ?? process.cwd();
  const root = path.resolve(cwd, options.root);
  const zone = options.zone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
  const registrations: DiscoveredJob[] = [];
  const problems: DiscoveryProblem[] = [];
  const modules: string[] = [];
  const failedModules: string[] = [];
  const labels = new Set<string>();
  if (!/^[A-Za-z_$][\w$]*$/.test(moduleName)) {
    problems.push({ kind: "unknown-app", file: moduleName, message: `--module-name "${moduleName}" is not a module name; use letters, digits and _ (default scheduler)` });
    return { registrations, problems, modules, failedModules };
  }
  registerSdkModule();

  for (const app of options.apps) {
    const folder = path.resolve(cwd, app);
    const st = statSync(folder, { throwIfNoEntry: false });
    if (!st?.isDirectory()) {
      problems.push({ kind: "unknown-app", file: folder, message: `no such app folder; check --apps (given "${app}")` });
      continue;
    }
    const rel = path.relative(root, folder);
    const segments = rel === "" ? [] : rel.split(path.sep);
    if (rel.startsWith("..") || path.isAbsolute(rel) || segments.some((s) => !/^[A-Za-z_$][\w$-]*$/.test(s))) {
      problems.push({
        kind: "unknown-app",
        file: folder,
        message: `the app folder must lie under --root ${root} with folder names usable in a dotted path (letters, digits, _ and -), so its callbacks can be resolved`,
      });
      continue;
    }
    const file = findModule(folder, moduleName);
    if (!file) continue; // An app without a scheduler module simply has no jobs.

    schedule.clear();
    let exported: Record<string, unknown>;
    try {
      exported = (await import(moduleSpecifier(file, `?discover=${++generation}`))) as Record<string, unknown>;
    } catch (error) {
      failedModules.push(file);
      const reason = importFailure(error, { named: true });
      problems.push({ kind: "import-failed", file, message: `importing the module failed (${reason}); fix the module and run discover again` });
      schedule.clear();
      continue;
    }
    modules.push(file);
    const found = schedule.registrations();
    schedule.clear();

    for (const reg of found) {
      const fnName = typeof reg.fn === "function" ? reg.fn.name : "";
      const label = reg.options?.label ?? `${reg.app}.${fnName || "?"}`;
      const problem = (message: string) => problems.push({ kind: "invalid-registration", file, label, message });
      if (typeof reg.fn !== "function") {
        problem(`schedule.register("${reg.app}", …) was given ${reg.fn === null ? "null" : typeof reg.fn}, not a function; pass the exported callback itself`);
        continue;
      }
      if (fnName === "" || exported[fnName] !== reg.fn) {
        problem(
          fnName === ""
            ? "the registered callback is an anonymous function; register a named, exported function so it can be called by its dotted path"
            : `the function ${fnName} is not exported from this module under that name; write \`export function ${fnName}\``,
        );
        continue;
      }
      if (labels.has(label)) {
        problem(`the label is registered twice; give one of them a distinct label option`);
        continue;
      }
      const callback = [...segments, moduleName, fnName].join(".");
      let pairs;
      try {
        pairs = registrationPairs(callback, reg.options ?? {});
      } catch (error) {
        if (!(error instanceof IniFormatError)) throw error;
        problem(error.message);
        continue;
      }
      const validated = validatePairs(label, pairs, { file, app: reg.app }, zone);
      if (!validated.spec) {
        for (const message of validated.problems) problems.push({ kind: "invalid-registration", file, label, message });
        continue;
      }
      labels.add(label);
      const manual = validated.spec.schedule.kind === "manual";
      const activeRequested = reg.options?.active === true;
      // The loader defaults `active` to yes (right for a hand-written file); a
      // discovered job starts inactive unless its author asked otherwise.
      // No description given: the callback's doc comment, as for a job file.
      const described = await withDocDescription(validated.spec, root);
      const spec = brandJobSpec({ ...described, active: activeRequested });
      registrations.push({ app: reg.app, callback, file, spec, activeRequested, manual });
    }
  }
  return { registrations, problems, modules, failedModules };
}
