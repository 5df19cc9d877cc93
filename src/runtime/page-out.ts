/**
 * Handing back the pages of the executable's embedded files once start-up
 * has read them.
 *
 * A compiled tickd carries its module graph — the bundle, its bytecode and
 * libSQL's native addon — inside the executable, in a writable data segment
 * that the kernel maps from the file. Starting reads most of it once: Bun
 * copies the 9.7 MB addon out to a temporary file to load it, and the
 * bundle's chunks are parsed. Those pages then stay resident, counted in the
 * service's RSS, though nothing reads them again (the addon runs from its
 * own copy; what is read later is read again from the file, on demand).
 * Bun does the same itself once a process has been idle for over a minute
 * (BUN_IDLE_GC_SECONDS); the service does it as soon as it has started.
 *
 * The same holds for the executable's code and read-only data (Bun's own,
 * about 50 MB of a compiled tickd): start-up runs code that never runs again
 * (the bundle's loader, the job file's parser, the migrations), and its pages
 * stay resident until the kernel needs memory. Those are paged out too; what
 * the service keeps running (the event loop, timers, the engine, the API)
 * comes back at its next use, in the first seconds, a minor fault a page.
 * The small example tenant: 83 MB RSS before, 60 MB after (file-backed
 * 54 → 32 MB). Pages another process maps too (tenants running the same
 * binary share them) are left alone by the kernel.
 *
 * madvise(MADV_PAGEOUT) only drops pages the kernel can read back from the
 * file unchanged, so nothing is lost: a page that was written to is anonymous
 * memory and stays. Linux only, compiled binary only, through bun:ffi; where
 * any of that is missing, or the kernel refuses (an executable the user may
 * not write, before Linux 5.4), it does nothing.
 */
import { readFileSync, readlinkSync } from "node:fs";
import { openLibc } from "./libc.ts";

const MADV_PAGEOUT = 21;

/** Page out the executable's large file-backed segments (embedded files, code, read-only data); returns the bytes advised (0 when it did nothing). */
export async function pageOutEmbeddedFiles(): Promise<number> {
  if (typeof Bun === "undefined" || process.platform !== "linux" || !Bun.main.startsWith("/$bunfs/")) return 0;
  try {
    const exe = readlinkSync("/proc/self/exe");
    const ranges: Array<{ start: bigint; length: bigint }> = [];
    for (const line of readFileSync("/proc/self/maps", "utf8").split("\n")) {
      // start-end perms offset dev inode path
      const [span, perms, , , , file] = line.split(/\s+/);
      if (file !== exe || span === undefined || !(perms === "rw-p" || perms === "r-xp" || perms === "r--p")) continue;
      const [start, end] = span.split("-").map((x) => BigInt(`0x${x}`)) as [bigint, bigint];
      // The embedded files and the code are the large segments; the executable's own small data segments are left alone.
      if (end - start >= 1n << 20n) ranges.push({ start, length: end - start });
    }
    if (ranges.length === 0) return 0;
    const { dlopen, FFIType } = await import("bun:ffi");
    const libc = openLibc(dlopen, { madvise: { args: [FFIType.u64, FFIType.u64, FFIType.i32], returns: FFIType.i32 } } as const);
    if (!libc) return 0;
    let advised = 0;
    for (const { start, length } of ranges) {
      if (libc.symbols.madvise(start, length, MADV_PAGEOUT) === 0) advised += Number(length);
    }
    libc.close();
    return advised;
  } catch {
    return 0;
  }
}
