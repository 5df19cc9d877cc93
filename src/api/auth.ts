/**
 * API tokens and roles. A token file has one `token role` per line,
 * `#` starting a comment; the token may be stored hashed as `sha256:<hex>` so
 * the file does not hold secrets. Roles are ordered viewer < operator < admin.
 *
 * Without a token file the API serves loopback only and every client is admin:
 * the operator's own machine. `checkListen` refuses any other address.
 */
import { Buffer } from "node:buffer";
import { createHash, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { TickdError } from "../errors.ts";

export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(role: Role | null, needed: Role): boolean {
  return role !== null && ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Loaded tokens, keyed by the sha256 of the token (hex), so plain and hashed entries compare the same way. */
export interface TokenSet {
  readonly file: string;
  readonly byHash: ReadonlyMap<string, Role>;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Parse token-file text; `file` names it in messages. Throws TickdError "config-invalid" naming the line. */
export function parseTokens(text: string, file: string): TokenSet {
  const byHash = new Map<string, Role>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "") return;
    const where = `${file}:${i + 1}`;
    const parts = line.split(/\s+/);
    if (parts.length !== 2) {
      throw new TickdError("config-invalid", `${where}: expected "TOKEN ROLE" (or "sha256:HEX ROLE"), got ${parts.length} words`);
    }
    const [token, role] = parts as [string, string];
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new TickdError("config-invalid", `${where}: unknown role "${role}"; expected one of ${ROLES.join(", ")}`);
    }
    let hash: string;
    if (token.startsWith("sha256:")) {
      hash = token.slice("sha256:".length).toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(hash)) {
        throw new TickdError("config-invalid", `${where}: "sha256:" must be followed by 64 hex digits (sha256 of the token)`);
      }
    } else {
      if (token.length < 16) {
        throw new TickdError("config-invalid", `${where}: token is too short (${token.length} characters); use at least 16 random characters, e.g. from "openssl rand -hex 24"`);
      }
      hash = sha256Hex(token);
    }
    if (byHash.has(hash)) throw new TickdError("config-invalid", `${where}: this token is already listed on an earlier line`);
    byHash.set(hash, role as Role);
  });
  if (byHash.size === 0) {
    throw new TickdError("config-invalid", `${file}: no tokens found; add lines "TOKEN ROLE" (roles: ${ROLES.join(", ")})`);
  }
  return { file, byHash };
}

export async function loadTokens(file: string): Promise<TokenSet> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new TickdError("config-missing", `${file}: cannot read the token file (${(cause as Error).message})`, { cause });
  }
  return parseTokens(text, file);
}

/** The role of a bearer token, compared in constant time over hashes. */
export function roleOfToken(tokens: TokenSet, token: string): Role | null {
  const hash = sha256Hex(token);
  const want = Buffer.from(hash, "hex");
  let found: Role | null = null;
  // Compare against every entry so timing does not reveal which one matched.
  for (const [candidate, role] of tokens.byHash) {
    if (timingSafeEqual(Buffer.from(candidate, "hex"), want)) found = role;
  }
  return found;
}

/** `Bearer xyz` -> "xyz"; anything else -> null. */
export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1" || /^127(\.\d{1,3}){3}$/.test(h) || h === "::ffff:127.0.0.1" || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** "127.0.0.1:7370", "[::1]:7370", "localhost:0", ":7370" (all interfaces). */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) {
    throw new TickdError("usage", `--listen "${listen}": expected HOST:PORT, e.g. 127.0.0.1:7370 or [::1]:7370`);
  }
  const host = m[1] ?? m[2] ?? "";
  return { host: host === "" ? "0.0.0.0" : host, port };
}

/**
 * Refuse to serve a non-loopback address without tokens: anyone who can reach
 * the port could run jobs and read outputs. The run command calls this before
 * starting anything.
 */
export function checkListen(listen: string, tokens: TokenSet | null | undefined): void {
  const { host } = parseListen(listen);
  if (!tokens && !isLoopbackHost(host)) {
    throw new TickdError(
      "usage",
      `--listen ${listen}: refusing to serve the API on a non-loopback address without tokens, ` +
        `because anyone who can reach it could run jobs and read their output. ` +
        `Pass --tokens FILE (lines "TOKEN ROLE"), or listen on 127.0.0.1, or use --no-api.`,
    );
  }
}

/**
 * The role of one request. With tokens: the bearer token's role, or null.
 * Without tokens: admin for loopback clients (the only ones that can connect).
 */
export function authenticate(tokens: TokenSet | null | undefined, authorization: string | null | undefined, remoteAddress: string | null): Role | null {
  if (!tokens) return remoteAddress === null || isLoopbackHost(remoteAddress) ? "admin" : null;
  const token = bearerToken(authorization);
  return token === null ? null : roleOfToken(tokens, token);
}
