/**
 * The C library through bun:ffi, for the few calls Bun does not offer
 * (gc-timer.ts: execve; page-out.ts: madvise). glibc first, then musl's names.
 */
type Ffi = typeof import("bun:ffi");

export function openLibc<S extends Parameters<Ffi["dlopen"]>[1]>(dlopen: Ffi["dlopen"], symbols: S): ReturnType<typeof dlopen<S>> | null {
  for (const name of ["libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1", "libc.so"]) {
    try {
      return dlopen(name, symbols);
    } catch {
      // try the next name
    }
  }
  return null;
}
