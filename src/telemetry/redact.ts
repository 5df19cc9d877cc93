/**
 * A URL as logs may show it: its scheme and host only. Ping addresses carry
 * their token in the path (hc-ping.com/UUID), collectors their credentials in
 * the user part or the query; none of that may reach a log line.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const rest = u.pathname !== "/" || u.search !== "" || u.hash !== "" ? "/…" : "";
    return `${u.protocol}//${u.host}${rest}`;
  } catch {
    return "(an unreadable address)";
  }
}
