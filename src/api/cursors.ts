/**
 * Connection cursors: opaque to clients (base64url of a versioned position),
 * decoded and checked here. A cursor names the order it belongs to, so one
 * from another order (or another connection, or made up) is refused with
 * BAD_USER_INPUT naming the argument, never read as some other position.
 */
import { Buffer } from "node:buffer";
import { apiError } from "./errors.ts";

const encode = (text: string) => Buffer.from(text, "utf8").toString("base64url");

function decode(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  // base64url that does not round-trip was not made here.
  return encode(text) === cursor ? text : null;
}

/** A position in an order: the sort key's text (or number) and a tie-breaker. */
export interface Position {
  readonly value: string;
  readonly tie: string;
}

/** The cursor of `position` in connection `kind` ordered by `order` ("startedAt.desc"). */
export function makeCursor(kind: string, order: string, position: Position): string {
  return encode(JSON.stringify([`${kind}1`, order, position.value, position.tie]));
}

/**
 * The position a cursor of connection `kind` in `order` holds; refuses, naming
 * `arg` (after or before), anything else.
 */
export function readCursor(kind: string, order: string, cursor: string, arg: string): Position {
  const text = decode(cursor);
  let parsed: unknown;
  try {
    parsed = text === null ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  const bad = (why: string) =>
    apiError("BAD_USER_INPUT", `${arg}: ${JSON.stringify(cursor.length > 60 ? `${cursor.slice(0, 60)}…` : cursor)} ${why}; pass a startCursor, endCursor or edge cursor this connection returned`, arg);
  if (!Array.isArray(parsed) || parsed.length !== 4 || !parsed.every((p) => typeof p === "string")) throw bad("is not a cursor of this API");
  const [tag, ordered, value, tie] = parsed as string[];
  if (tag !== `${kind}1`) throw bad(`is not a cursor of this connection (${kind})`);
  if (ordered !== order) throw bad(`belongs to another order (${ordered}), not ${order}`);
  return { value: value!, tie: tie! };
}
