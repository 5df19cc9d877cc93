/**
 * The dashboard served at `/`: one self-contained page (script and
 * styles inlined at build time, see build-assets.ts) that talks to the
 * GraphQL API of the same origin. The API server asks `dashboardHandler`
 * about every path it does not serve itself.
 */
import { gzipSync } from "node:zlib";
import { PAGE_ETAG, PAGE_HTML, SCRIPT_HASH, STYLE_HASH } from "./assets.generated.ts";

/**
 * Only this origin and the exact inline script and style: nothing is fetched
 * from elsewhere, and injected markup could not run code.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src '${SCRIPT_HASH}'`,
  `style-src '${STYLE_HASH}'`,
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="17" r="13" fill="#0969da"/><circle cx="16" cy="17" r="10" fill="#fff"/><path d="M16 10v7l5 3" stroke="#1b1f24" stroke-width="2.5" fill="none" stroke-linecap="round"/><rect x="13" y="1" width="6" height="3" rx="1" fill="#1b1f24"/></svg>`;

const COMMON_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

let gzipped: Uint8Array<ArrayBuffer> | undefined;

function page(request: Request): Response {
  const headers: Record<string, string> = {
    ...COMMON_HEADERS,
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    // Revalidate every time (cheap: ETag), so an upgraded binary's page shows at once.
    "cache-control": "no-cache",
    etag: PAGE_ETAG,
    vary: "accept-encoding",
  };
  if (request.headers.get("if-none-match") === PAGE_ETAG) return new Response(null, { status: 304, headers });
  const body = request.method === "HEAD" ? null : PAGE_HTML;
  if (body !== null && /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "")) {
    gzipped ??= new Uint8Array(gzipSync(PAGE_HTML, { level: 9 }));
    return new Response(gzipped, { headers: { ...headers, "content-encoding": "gzip" } });
  }
  return new Response(body, { headers });
}

/**
 * Answers `/` (and `/index.html`) with the page and `/favicon.svg`; anything
 * else is not the dashboard's: undefined, so the server answers 404.
 */
export function dashboardHandler(request: Request): Response | undefined {
  const { pathname } = new URL(request.url);
  const known = pathname === "/" || pathname === "/index.html" || pathname === "/favicon.svg";
  if (!known) return undefined;
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("method not allowed\n", { status: 405, headers: { ...COMMON_HEADERS, allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" } });
  }
  if (pathname === "/favicon.svg") {
    return new Response(request.method === "HEAD" ? null : FAVICON, { headers: { ...COMMON_HEADERS, "content-type": "image/svg+xml", "cache-control": "public, max-age=86400" } });
  }
  return page(request);
}
