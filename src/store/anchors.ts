/**
 * Grid anchors (the anchors table): where each `every` job's occurrences
 * start, shared by every instance on the store and kept across restarts.
 */
import type { Client, InStatement } from "@libsql/client";
import type { GridProposal } from "../engine/types.ts";

/** Rows per statement; 4 parameters each. */
const ROWS_PER_STATEMENT = 500;

// The first proposal for a grid wins; a changed schedule replaces its anchor.
const UPSERT =
  " ON CONFLICT(label) DO UPDATE SET grid = excluded.grid, anchor = excluded.anchor, set_at = excluded.set_at WHERE anchors.grid <> excluded.grid";

/** Store the proposals that have no anchor for their grid yet; answer the anchor of each label. */
export async function settleAnchors(client: Client, proposals: readonly GridProposal[], now: number): Promise<Map<string, number>> {
  const anchors = new Map<string, number>();
  if (proposals.length === 0) return anchors;
  const statements: InStatement[] = [];
  for (let i = 0; i < proposals.length; i += ROWS_PER_STATEMENT) {
    const chunk = proposals.slice(i, i + ROWS_PER_STATEMENT);
    statements.push({
      sql: `INSERT INTO anchors (label, grid, anchor, set_at) VALUES ${chunk.map(() => "(?, ?, ?, ?)").join(", ")}${UPSERT}`,
      args: chunk.flatMap((p) => [p.label, p.grid, p.anchor, now]),
    });
    statements.push({
      sql: `SELECT label, anchor FROM anchors WHERE label IN (${chunk.map(() => "?").join(", ")})`,
      args: chunk.map((p) => p.label),
    });
  }
  const results = await client.batch(statements, "write");
  for (let i = 1; i < results.length; i += 2) {
    for (const row of results[i]!.rows) anchors.set(String(row.label), Number(row.anchor));
  }
  return anchors;
}
