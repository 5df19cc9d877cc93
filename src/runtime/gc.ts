/**
 * A synchronous garbage collection, for the engine's gap before an instant
 * (clock.ts, Clock.collect). Bun has one (Bun.gc); Deno and Node expose
 * V8's only behind --expose-gc, and tickd does without it there: the
 * engine then leaves collections to the runtime. Decided once, at load.
 */
export const collectGarbage: (() => void) | undefined = typeof Bun !== "undefined" ? () => Bun.gc(true) : undefined;
