/**
 * Grid anchors (the anchors table): where each `every` job's occurrences
 * start, shared by every instance on the store and kept across restarts.
 *
 * The first proposal for a label's grid wins; a changed grid (schedule or
 * zone) replaces the anchor. Settling 100,000 proposals costs what the rows
 * that are new cost, and little more:
 * - what the store holds is read first, as one JSON object per grid (not one
 *   row object per label); a label stored on the grid proposed keeps its
 *   anchor and is not written (a restart writes nothing);
 * - the rest are written one statement per (grid, anchor) — the labels as one
 *   JSON array parameter, not four bound values per row — with the same
 *   upsert as always, so a race with another instance still has one winner;
 * - a statement that changed as many rows as it was given won them all; only
 *   a group that lost some (another instance wrote them since the read) is
 *   read back, for the winners.
 * The same SQL on PostgreSQL (pg-client.ts translates json_each and
 * json_group_object; the casts make the parameters' types plain to it).
 */
import type { Client } from "@libsql/client";
import type { GridProposal } from "../engine/types.ts";

const UPSERT =
  "INSERT INTO anchors (label, grid, anchor, set_at) SELECT value, CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT) FROM json_each(?) WHERE true" +
  " ON CONFLICT(label) DO UPDATE SET grid = excluded.grid, anchor = excluded.anchor, set_at = excluded.set_at WHERE anchors.grid <> excluded.grid";

const STORED = "SELECT grid, json_group_object(label, anchor) AS anchors FROM anchors GROUP BY grid";

const WINNERS = "SELECT json_group_object(label, anchor) AS anchors FROM anchors WHERE grid = CAST(? AS TEXT) AND label IN (SELECT value FROM json_each(?))";

/** Proposals on one grid with one anchor (jobs with equal rules registered at one instant), by index. */
interface Group {
  readonly grid: string;
  readonly anchor: number;
  readonly members: number[];
}

/** Store the proposals that have no anchor for their grid yet; answer the anchor of each, in order. */
export async function settleAnchors(client: Client, proposals: readonly GridProposal[], now: number): Promise<Array<number | undefined>> {
  const answers = new Array<number | undefined>(proposals.length).fill(undefined);
  if (proposals.length === 0) return answers;
  // grid -> { label: anchor } as stored.
  const stored = new Map<string, Record<string, number>>();
  for (const row of (await client.execute(STORED)).rows) stored.set(String(row.grid), parseAnchors(row.anchors));
  const groups = new Map<string, Group>();
  for (let i = 0; i < proposals.length; i++) {
    const p = proposals[i]!;
    const known = stored.size === 0 ? undefined : own(stored.get(p.grid), p.label);
    if (known !== undefined) {
      answers[i] = known;
      continue;
    }
    const key = `${p.anchor} ${p.grid}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { grid: p.grid, anchor: p.anchor, members: [] }));
    group.members.push(i);
  }
  if (groups.size === 0) return answers;
  const list = [...groups.values()];
  const labelsOf = (g: Group) => JSON.stringify(g.members.map((i) => proposals[i]!.label));
  const written = await client.batch(
    list.map((g) => ({ sql: UPSERT, args: [g.grid, g.anchor, now, labelsOf(g)] })),
    "write",
  );
  const lost: Group[] = [];
  list.forEach((g, i) => {
    if (written[i]!.rowsAffected >= g.members.length) for (const m of g.members) answers[m] = g.anchor;
    else lost.push(g);
  });
  if (lost.length === 0) return answers;
  // Another instance wrote some of these labels between the read and the write: its anchors won.
  const winners = await client.batch(
    lost.map((g) => ({ sql: WINNERS, args: [g.grid, labelsOf(g)] })),
    "read",
  );
  lost.forEach((g, i) => {
    const won = parseAnchors(winners[i]!.rows[0]?.anchors);
    // A label missing here was given another grid meanwhile (an instance with another job file): it keeps none.
    for (const m of g.members) answers[m] = own(won, proposals[m]!.label);
  });
  return answers;
}

/** A label's anchor in a parsed object: its own property only (a label may be "constructor"). */
function own(anchors: Record<string, number> | undefined, label: string): number | undefined {
  return anchors !== undefined && Object.hasOwn(anchors, label) ? anchors[label] : undefined;
}

/** json_group_object's text (null for no rows) as label -> anchor. */
function parseAnchors(text: unknown): Record<string, number> {
  if (text === null || text === undefined) return {};
  const parsed = JSON.parse(String(text)) as Record<string, number | string>;
  // PostgreSQL's json_object_agg of a bigint gives numbers too; a text anchor would be a bug elsewhere.
  for (const label in parsed) if (typeof parsed[label] !== "number") parsed[label] = Number(parsed[label]);
  return parsed as Record<string, number>;
}
