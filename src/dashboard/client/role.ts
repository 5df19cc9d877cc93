/**
 * The caller's role as the page learned it (app.ts probes at start and after
 * a token change): the views offer only the controls the role may use; the
 * API checks every request all the same.
 */
export type Role = "viewer" | "operator" | "admin";

const ORDER: readonly Role[] = ["viewer", "operator", "admin"];
let current: Role = "viewer";

export function setRole(role: Role): void {
  current = role;
}

export function roleAtLeast(needed: Role): boolean {
  return ORDER.indexOf(current) >= ORDER.indexOf(needed);
}
