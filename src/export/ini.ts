/**
 * Job specs -> job-file text. The output is read back by the same loader as a
 * hand-written file (src/config), so `check` accepts it and `next` computes
 * the same runs: the round-trip test in test/export/ini.test.ts holds this.
 *
 * Quoting follows the loader's rules (src/config/coerce.ts): a keyword value is
 * written bare when reading it back yields the same value, else wrapped in
 * double quotes, which the loader strips without further escaping (so even a
 * value that itself starts and ends with `"` survives).
 */
import { coerceKwarg } from "../config/coerce.ts";
import { JOB_KEYS, jobKey, optionText, optionValue } from "../config/keys.ts";
import type { JobSpec, KwargValue } from "../config/types.ts";
import { IniFormatError } from "../errors.ts";

export type Pair = readonly [key: string, value: string];

export interface IniSection {
  readonly label: string;
  readonly pairs: readonly Pair[];
  /** Comment lines written above the header (without the `;`). */
  readonly comments?: readonly string[];
}

export { IniFormatError } from "../errors.ts";

/** A kwarg value as the loader must read it back: bare if that round-trips, else in double quotes. */
export function formatKwarg(value: KwargValue): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    const text = String(value);
    if (!Number.isFinite(value) || coerceKwarg(text) !== value) {
      throw new IniFormatError(`the number ${text} cannot be written so that it reads back as the same number`);
    }
    return text;
  }
  if (/[\r\n]/.test(value)) throw new IniFormatError("a value cannot span lines in a job file; remove the line breaks");
  return coerceKwarg(value) === value ? value : `"${value}"`;
}

/** A value as written: the loader trims it, so only line breaks are a problem. */
function formatText(key: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new IniFormatError(`${key}: a value cannot span lines in a job file`);
  return value.trim();
}

export function checkKey(key: string, targetKind: JobSpec["target"]["kind"]): void {
  if (key === "" || key !== key.trim() || /[=:\r\n]/.test(key) || /^[[;#]/.test(key)) {
    throw new IniFormatError(`the keyword argument name ${JSON.stringify(key)} cannot be a job file key; use letters, digits and _`);
  }
  if (jobKey(key, targetKind) !== undefined) {
    throw new IniFormatError(`the keyword argument "${key}" has the name of a job file setting; rename it`);
  }
}

export function checkLabel(label: string): void {
  if (label === "" || label !== label.trim() || /[\r\n]/.test(label)) {
    throw new IniFormatError(`the label ${JSON.stringify(label)} cannot be a section header; labels are one line without surrounding spaces`);
  }
}

/**
 * The key/value lines of a job, in the order an operator would write them:
 * what it runs, its description, then the other keys in table order
 * (src/config/keys.ts). Defaults are left out.
 */
export function jobPairs(job: JobSpec): Pair[] {
  const pairs: Pair[] = [];
  const rows = [...JOB_KEYS.filter((r) => r.group === "target"), ...JOB_KEYS.filter((r) => r.key === "description"), ...JOB_KEYS.filter((r) => r.group !== "target" && r.key !== "description")];
  for (const row of rows) {
    const text = row.group === "option" ? optionText(row, optionValue(job, row)) : row.text(job);
    if (text === undefined) continue;
    // A doc-comment description may span lines; a job file value cannot, so
    // the lines are joined with spaces (the only lossy step of the export).
    pairs.push([row.key, formatText(row.key, row.key === "description" ? text.replace(/\s*[\r\n]+\s*/g, " ") : text)]);
  }
  for (const [key, value] of Object.entries(job.kwargs)) {
    checkKey(key, job.target.kind);
    pairs.push([key, formatKwarg(value)]);
  }
  return pairs;
}

/** Sections -> INI text; every section separated by a blank line. */
export function formatIni(sections: readonly IniSection[], header: readonly string[] = []): string {
  const blocks: string[] = [];
  if (header.length > 0) blocks.push(header.map((l) => `; ${l}`.trimEnd()).join("\n"));
  for (const section of sections) {
    checkLabel(section.label);
    const lines = (section.comments ?? []).map((c) => `; ${c}`.trimEnd());
    lines.push(`[${section.label}]`);
    for (const [key, value] of section.pairs) lines.push(value === "" ? `${key} =` : `${key} = ${value}`);
    blocks.push(lines.join("\n"));
  }
  return `${blocks.join("\n\n")}\n`;
}

export interface ExportInput {
  /** Jobs of the job file (inactive ones are left out). */
  readonly jobFile: readonly JobSpec[];
  /** Discovered jobs from the store (inactive and missing ones should not be passed; inactive ones are dropped anyway). */
  readonly discovered: readonly JobSpec[];
  /** Epoch ms for the header line; omitted when undefined (keeps output stable for diffs). */
  readonly generatedAt?: number;
}

export interface ExportResult {
  readonly text: string;
  /** Labels written, in order. */
  readonly exported: readonly string[];
  /** Jobs left out, each with the reason (a discovered label taken by the job file, a value INI cannot hold). */
  readonly skipped: readonly { readonly label: string; readonly reason: string }[];
}

/**
 * The active jobs as a job file. A job-file job wins over a discovered job
 * with the same label (the file is what the operator wrote by hand).
 */
export function exportIni(input: ExportInput): ExportResult {
  const sections: IniSection[] = [];
  const skipped: { label: string; reason: string }[] = [];
  const seen = new Set<string>();
  const add = (job: JobSpec) => {
    if (!job.active) return;
    if (seen.has(job.label)) {
      skipped.push({ label: job.label, reason: "a job of the job file already has this label" });
      return;
    }
    try {
      checkLabel(job.label);
      const comments = job.origin.source === "discovered" ? [`discovered from app ${job.origin.app ?? "?"}`] : [];
      sections.push({ label: job.label, pairs: jobPairs(job), comments });
      seen.add(job.label);
    } catch (error) {
      if (!(error instanceof IniFormatError)) throw error;
      skipped.push({ label: job.label, reason: error.message });
    }
  };
  input.jobFile.forEach(add);
  input.discovered.forEach(add);
  const header = ["Generated by `tickd export-ini`: the active jobs of this instance."];
  if (input.generatedAt !== undefined) header.push(`Exported at ${new Date(input.generatedAt).toISOString()}.`);
  return { text: formatIni(sections, header), exported: sections.map((s) => s.label), skipped };
}
