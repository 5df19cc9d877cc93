/**
 * The doc comment of an exported function, read from the source text without
 * importing it: the default `description` of a job, as the original used the
 * callback's docstring. `list` shows it without running job code.
 */
import { readFile } from "node:fs/promises";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Turn the lines of a JSDoc block or `//` run into text: paragraphs kept, tags dropped. */
function cleanComment(lines: string[]): string {
  const paragraphs: string[][] = [[]];
  for (const line of lines) {
    if (/^@\w+/.test(line)) break; // @param, @returns … describe the signature, not the job
    if (line === "") paragraphs.push([]);
    else paragraphs.at(-1)!.push(line);
  }
  return paragraphs
    .filter((p) => p.length > 0)
    .map((p) => p.join(" "))
    .join("\n\n")
    .trim();
}

/** The comment block directly above `export [async] function NAME` / `export const|let NAME`; "" if none. */
export function docCommentIn(source: string, exportName: string): string {
  const lines = source.split(/\r\n|\r|\n/);
  const declaration = new RegExp(`^\\s*export\\s+(?:async\\s+function\\s*\\*?|function\\s*\\*?|const|let|var)\\s*${escapeRegExp(exportName)}\\b`);
  const at = lines.findIndex((line) => declaration.test(line));
  if (at <= 0) return "";
  let i = at - 1;
  if (lines[i]!.trim().endsWith("*/")) {
    const end = i;
    while (i >= 0 && !lines[i]!.includes("/*")) i--;
    if (i < 0 || !lines[i]!.trim().startsWith("/**")) return "";
    const body = lines.slice(i, end + 1).map((line) =>
      line
        .replace(/^\s*\/\*\*?/, "")
        .replace(/\*\/\s*$/, "")
        .replace(/^\s*\*(?!\/) ?/, "")
        .trim(),
    );
    return cleanComment(body);
  }
  const run: string[] = [];
  while (i >= 0 && lines[i]!.trim().startsWith("//")) {
    run.unshift(lines[i]!.trim().replace(/^\/\/+\s?/, "").trim());
    i--;
  }
  return cleanComment(run);
}

/** Read `modulePath` and return the doc comment of its export `exportName`; "" when unreadable or absent. */
export async function readDocComment(modulePath: string, exportName: string): Promise<string> {
  try {
    return docCommentIn(await readFile(modulePath, "utf8"), exportName);
  } catch {
    return "";
  }
}
