/**
 * Keeps a shrunk `-shm` file from crashing the process.
 *
 * In WAL mode every connection maps the database's `-shm` file (the WAL
 * index) into memory with mmap(MAP_SHARED). When something cuts that file
 * under the mapping (an operator's cleanup, or another SQLite library that
 * cannot see this process's locks and "recovers" the index by truncating it
 * to 3 bytes), the next access past its new end gets SIGBUS from the kernel:
 * the process dies, and nothing in JavaScript can catch it.
 *
 * So before each call into the driver the file's size is compared with the
 * largest size seen; when it shrank, it is extended back (with zeros) and the
 * fault is logged. SQLite takes a zeroed index header for one that needs
 * rebuilding and rebuilds it from the WAL, so nothing is lost. The check is a
 * stat(2), about a microsecond. What remains is the cut landing during a call
 * (between the check and SQLite's access, or inside a long statement): that
 * window is the time spent inside the driver, a fraction of a percent for a
 * scheduler's writes, not zero.
 */
import { statSync, truncateSync } from "node:fs";
import type { Client } from "@libsql/client";

export function guardShm(client: Client, shmPath: string, log: (line: string) => void): Client {
  let largest = 0;
  const check = () => {
    let size: number;
    try {
      size = statSync(shmPath).size;
    } catch {
      return; // not there (yet, or the database is not in WAL mode)
    }
    if (size >= largest) {
      largest = size;
      return;
    }
    try {
      truncateSync(shmPath, largest);
      log(
        `tickd store: ${shmPath} was cut from ${largest} to ${size} bytes by another program while tickd had it mapped; ` +
          "restored its size so SQLite rebuilds the index from the write-ahead log. Look for a program opening or cleaning the database",
      );
    } catch (error) {
      log(`tickd store: ${shmPath} was cut from ${largest} to ${size} bytes by another program and could not be restored: ${(error as Error).message}`);
    }
  };
  return guarded(client, check);
}

/** `target` with `check()` run before every method call, and transactions guarded the same way. */
function guarded<T extends object>(target: T, check: () => void): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        check();
        const result = (value as (...a: unknown[]) => unknown).apply(object, args);
        // client.transaction() resolves with a Transaction whose calls reach the driver too.
        if (key === "transaction" && result instanceof Promise) return result.then((tx: object) => guarded(tx, check));
        return result;
      };
    },
  });
}
