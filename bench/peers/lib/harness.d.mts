/** Types for harness.mjs (plain JS so that Node runs it without a loader). */
export declare const GRACE_MS: number;
export interface BenchArgs {
  readonly jobs: number;
  readonly duration: number;
  /** Seconds between the end of setup and the window. */
  readonly warmup: number;
  readonly intervalText: string;
  /** `--samples FILE`: where to write each start of the window (writeSamples). */
  readonly samples: string | undefined;
  intervalFor(i: number): number;
}
export declare function parseArgs(argv: readonly string[]): BenchArgs;
export declare function writeSamples(file: string, dues: readonly number[], lates: readonly number[]): void;
export declare const LATE_INSTANT_MS: number;
export declare function lateInstants(dues: readonly number[], lates: readonly number[]): { n: number; late: number };
export declare function percentile(sorted: readonly number[], p: number): number | null;
export declare function countGrid(first: number, periodMs: number, w0: number, w1: number): number;
export declare function cronEvery(n: number): string;
export declare function countCronGrid(n: number, w0: number, w1: number): number;
export declare function expectedOnCronGrids(jobs: number, intervalFor: (i: number) => number, w0: number, w1: number): number;
export declare class Recorder {
  constructor(peer: string, opts: BenchArgs);
  readonly now: () => number;
  windowStart: number;
  windowEnd: number;
  expected: (w0: number, w1: number) => number;
  setupStart(): void;
  setupEnd(): void;
  record(dueMs: number, startMs: number): void;
  finish(): Promise<Record<string, unknown>>;
}
