/**
 * Who may talk to the API from a browser (issue 12, item 6). Two attacks get
 * past bearer-token-less loopback serving, where every local client is admin:
 *
 * - A page on any site opens a WebSocket to ws://127.0.0.1:7370/graphql:
 *   browsers apply no CORS to WebSockets, so only the upgrade's `Origin` tells
 *   a page of another site from the dashboard. The same goes for a form or a
 *   no-cors fetch that POSTs (the CSRF header stops most; Origin stops all).
 * - DNS rebinding: evil.example first resolves to the attacker, then to
 *   127.0.0.1; the page is then "same-origin" with the API, and only the
 *   `Host: evil.example:7370` header gives it away.
 *
 * Rules, decided per request before anything else runs:
 *
 * 1. Host. On a loopback listen (127.0.0.0/8, ::1, localhost) only loopback
 *    names are answered: localhost, 127.x.x.x, [::1], with any port (a local
 *    proxy may forward its own), plus the host of --public-url when set. On a
 *    non-loopback listen any Host is answered: the operator chose to expose
 *    the port, names of that machine are theirs to pick, and tokens are
 *    required there (checkListen), which a rebinding page does not have.
 *    A missing or malformed Host is refused everywhere (browsers always send one).
 * 2. Origin. A WebSocket upgrade and every state-changing request (any
 *    method but GET, HEAD, OPTIONS) that carries an `Origin` must carry the
 *    served origin: http://<the request's own Host>, http://<listen address>,
 *    or the origin of --public-url. No Origin at all is a non-browser client
 *    (curl, graphql-ws in Node, Bun's WebSocket) and stays allowed: browsers
 *    send Origin on every WebSocket and every POST. `Origin: null` (sandboxed
 *    frames, file://) matches nothing and is refused.
 * 3. `Sec-Fetch-Site: cross-site` on those same requests is refused whatever
 *    the Origin says (a second signal from the browser itself).
 *
 * Reads (GET) from other origins are not refused: without CORS headers their
 * answers cannot be read, and GET cannot mutate (yoga refuses mutations over GET).
 */
import { TickdError } from "../errors.ts";
import { isLoopbackHost } from "./auth.ts";

export interface OriginPolicy {
  /** The interface the API is bound to, as in --listen ("127.0.0.1", "::1", "0.0.0.0"). */
  readonly listenHost: string;
  /** The port actually bound. */
  readonly port: number;
  /** --public-url: the address browsers use when it is not the listen address (a proxy). */
  readonly publicUrl?: URL | null;
}

/** What a request carries that the rules read. */
export interface RequestFacts {
  readonly method: string;
  /** A WebSocket upgrade. */
  readonly upgrade: boolean;
  readonly host: string | null;
  readonly origin: string | null;
  readonly secFetchSite: string | null;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly status: 400 | 403; readonly reason: string };

const ALLOWED: Verdict = { ok: true };
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** A Host header: a DNS name or IPv4 address, or a bracketed IPv6 address; an optional port. Nothing else (no "user@", no path). */
const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;

/** --public-url text -> URL; a usage error names what is wrong. */
export function parsePublicUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TickdError("usage", `--public-url "${text}" is not a URL; write the address browsers use, e.g. https://tickd.example.com`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TickdError("usage", `--public-url "${text}": expected an http:// or https:// URL, e.g. https://tickd.example.com`);
  }
  if (url.username || url.password) throw new TickdError("usage", `--public-url "${text}": leave out user and password`);
  return url;
}

/** An unspecified address ("0.0.0.0", "::") is no origin a browser can have. */
function isUnspecified(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  return h === "" || h === "0.0.0.0" || h === "::" || /^0(:0){7}$/.test(h);
}

/** `http://HOST` normalized the way browsers serialize origins (lower case, default port dropped); null when malformed. */
function originOf(scheme: string, host: string): string | null {
  if (!HOST_HEADER.test(host)) return null;
  try {
    return new URL(`${scheme}//${host}`).origin;
  } catch {
    return null;
  }
}

/** Attacker-controlled text, shortened and stripped of control characters before it is echoed or logged. */
export function quoted(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, "?");
  return JSON.stringify(clean.length > 100 ? `${clean.slice(0, 100)}…` : clean);
}

/** The Host is --public-url's host (compared with that URL's scheme, so "host:443" is "host" for https). */
function isPublicHost(publicUrl: URL, host: string): boolean {
  const own = originOf(publicUrl.protocol, host);
  return own !== null && own === publicUrl.origin;
}

function checkHost(policy: OriginPolicy, host: string | null): Verdict {
  if (host === null || host === "") return { ok: false, status: 400, reason: "a Host header is required" };
  const normalized = originOf("http:", host);
  if (normalized === null) return { ok: false, status: 400, reason: `Host ${quoted(host)} is not HOST[:PORT]` };
  if (!isLoopbackHost(policy.listenHost)) return ALLOWED;
  const hostname = new URL(normalized).hostname;
  if (isLoopbackHost(hostname)) return ALLOWED;
  const pub = policy.publicUrl;
  if (pub && isPublicHost(pub, host)) return ALLOWED;
  return {
    ok: false,
    status: 403,
    reason:
      `Host ${quoted(host)} refused (DNS rebinding?): this API listens on loopback and answers only to localhost, 127.x.x.x, [::1]` +
      (pub ? ` and ${pub.host}` : "; set --public-url if a proxy forwards another Host"),
  };
}

/** The origins this API is served under for one request whose Host passed checkHost. */
export function servedOrigins(policy: OriginPolicy, host: string): string[] {
  const origins = new Set<string>();
  // The request's own origin: http://Host, except that under --public-url's
  // host the origin is the public URL's (an https site's page does not come
  // from http://, and a script injected into the plain-http site must not pass).
  const own = originOf("http:", host);
  if (own && !(policy.publicUrl && isPublicHost(policy.publicUrl, host))) origins.add(own);
  if (!isUnspecified(policy.listenHost)) {
    const h = policy.listenHost.includes(":") && !policy.listenHost.startsWith("[") ? `[${policy.listenHost}]` : policy.listenHost;
    const listen = originOf("http:", `${h}:${policy.port}`);
    if (listen) origins.add(listen);
  }
  if (policy.publicUrl) origins.add(policy.publicUrl.origin);
  return [...origins];
}

/** Allow or refuse one request (HTTP or WebSocket upgrade), with the reason. */
export function checkRequest(policy: OriginPolicy, facts: RequestFacts): Verdict {
  const host = checkHost(policy, facts.host);
  if (!host.ok) return host;
  const guarded = facts.upgrade || !SAFE_METHODS.has(facts.method.toUpperCase());
  if (!guarded) return ALLOWED;
  const what = facts.upgrade ? "WebSocket" : `${facts.method.toUpperCase()} request`;
  if (facts.secFetchSite?.toLowerCase() === "cross-site") {
    return { ok: false, status: 403, reason: `cross-site ${what} refused (Sec-Fetch-Site: cross-site)` };
  }
  if (facts.origin === null) return ALLOWED;
  const served = servedOrigins(policy, facts.host!);
  // Browsers serialize Origin already; normalize anyway so "HTTP://LOCALHOST:80" compares equal.
  const parts = /^(https?:)\/\/([^/?#]*)$/i.exec(facts.origin);
  const origin = parts ? originOf(parts[1]!.toLowerCase(), parts[2]!) : null;
  if (origin !== null && served.includes(origin)) return ALLOWED;
  return {
    ok: false,
    status: 403,
    reason:
      `cross-origin ${what} refused: Origin ${quoted(facts.origin)} is not ${served.join(" or ")}` +
      (policy.publicUrl ? "" : "; set --public-url if browsers reach tickd at another address"),
  };
}

/** The facts of a Request. */
export function requestFacts(request: Request, upgrade: boolean): RequestFacts {
  const h = request.headers;
  return { method: request.method, upgrade, host: h.get("host"), origin: h.get("origin"), secFetchSite: h.get("sec-fetch-site") };
}
