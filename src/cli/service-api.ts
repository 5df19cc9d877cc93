/**
 * How the CLI's controls (pause, resume, cancel, backfill) reach the running
 * service: its GraphQL API, at --url (TICKD_URL), else http:// + --listen
 * (TICKD_LISTEN, an instance flag), else http://127.0.0.1:7370 — where `tickd run` listens by
 * default. --token (TICKD_TOKEN) is sent as a bearer token when the service
 * has --tokens. A cancel has to reach the process whose run it is; pauses go
 * the same way so the live schedule changes at once.
 */
import { TickdError } from "../errors.ts";
import type { FlagDef, ParsedArgs } from "./args.ts";
import { stringFlag } from "./args.ts";

export const SERVICE_FLAGS: readonly FlagDef[] = [
  { name: "url", env: true, value: "URL", help: "the running service's API (default http:// + TICKD_LISTEN, else http://127.0.0.1:7370)" },
  { name: "token", env: true, value: "TOKEN", help: "bearer token, when the service has --tokens (operator; admin for backfill and --kwarg)" },
  { name: "json", boolean: true, help: "print the API's answer as JSON (the fields the API names, enum values in tickd's spelling)" },
];

export function serviceUrl(args: ParsedArgs): string {
  const given = stringFlag(args, "url");
  const listen = stringFlag(args, "listen");
  const base = given ?? (listen ? `http://${listen}` : "http://127.0.0.1:7370");
  return `${base.replace(/\/+$/, "").replace(/\/graphql$/, "")}/graphql`;
}

/** One GraphQL request to the service; its data, or a TickdError with the API's message. */
export async function callService<T>(args: ParsedArgs, query: string, variables: Record<string, unknown>): Promise<T> {
  const url = serviceUrl(args);
  const token = stringFlag(args, "token");
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-tickd-csrf": "1",
        "x-tickd-client": "cli",
        ...(token && { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch (cause) {
    throw new TickdError("usage", `cannot reach the tickd service at ${url} (${(cause as Error).message}); is \`tickd run\` going? pass --url or TICKD_URL`, { cause });
  }
  let body: { data?: T; errors?: { message: string }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new TickdError("usage", `${url} answered HTTP ${response.status}, not GraphQL; is it a tickd service? pass --url`);
  }
  if (body.errors?.length) throw new TickdError("usage", body.errors.map((e) => e.message).join("; "));
  if (!body.data) throw new TickdError("usage", `${url} answered HTTP ${response.status} without data`);
  return body.data;
}
