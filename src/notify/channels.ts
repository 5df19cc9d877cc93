/**
 * Delivering one alert to one channel (see parseChannel for the kinds). Each
 * delivery either resolves (it went through) or throws an Error whose
 * message says why, with the channel's secrets already replaced by `***`.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import type { Transporter } from "nodemailer";
import { parseChannel, redactAddress, type Channel } from "../config/notify.ts";
import { emailMessage, slackMessage, type AlertPayload } from "./payload.ts";

/** How long one attempt may take before it counts as failed. */
export const ATTEMPT_TIMEOUT_MS = 10_000;

export interface DeliveryContext {
  /** --smtp: smtp(s)://[user:pass@]host[:port][?from=tickd@example.com]; undefined = mailto channels fail. */
  readonly smtp?: string;
}

export async function deliver(address: string, payload: AlertPayload, ctx: DeliveryContext): Promise<void> {
  const parsed = parseChannel(address);
  if (!parsed.ok) throw new Error(parsed.message);
  try {
    await send(parsed.channel, payload, ctx);
  } catch (error) {
    throw new Error(hideSecrets(error instanceof Error ? error.message : String(error), parsed.channel, ctx.smtp));
  }
}

function send(channel: Channel, payload: AlertPayload, ctx: DeliveryContext): Promise<void> {
  switch (channel.kind) {
    case "webhook":
      return post(channel.target, payload);
    case "slack":
      return post(channel.target, slackMessage(payload));
    case "email":
      return mail(channel.target, payload, ctx.smtp);
    case "exec":
      return exec(channel.target, payload);
  }
}

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "tickd" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    redirect: "manual",
  });
  // Read the body so the connection is reused; its text explains a refusal.
  const text = (await response.text().catch(() => "")).slice(0, 200);
  if (!response.ok) throw new Error(`HTTP ${response.status}${text !== "" ? `: ${text}` : ""}`);
}

const transports = new Map<string, { transport: Transporter; from: string }>();

/** nodemailer is loaded with the first mail: most instances never send one, and it is 650 KB of modules. */
async function transportFor(smtp: string): Promise<{ transport: Transporter; from: string }> {
  let entry = transports.get(smtp);
  if (!entry) {
    const url = new URL(smtp);
    const from = url.searchParams.get("from") ?? `tickd@${os.hostname()}`;
    url.searchParams.delete("from");
    const { default: nodemailer } = await import("nodemailer");
    // Another mail to the same server may have made it while this one loaded nodemailer.
    entry = transports.get(smtp) ?? { transport: nodemailer.createTransport(url.toString()), from };
    transports.set(smtp, entry);
  }
  return entry;
}

async function mail(to: string, payload: AlertPayload, smtp: string | undefined): Promise<void> {
  if (smtp === undefined) throw new Error("no SMTP server: start tickd with --smtp smtp://host:port (or TICKD_SMTP) to send mailto: alerts");
  const { transport, from } = await transportFor(smtp);
  const message = emailMessage(payload);
  await transport.sendMail({ from, to, subject: message.subject, text: message.text });
}

function exec(command: string, payload: AlertPayload): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", command], {
      stdio: ["pipe", "ignore", "pipe"],
      env: { ...process.env, TICKD_EVENT: payload.event, TICKD_LABEL: payload.label },
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 500) stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`did not exit within ${ATTEMPT_TIMEOUT_MS / 1000} s`));
    }, ATTEMPT_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`exited with ${signal ?? `status ${code}`}${stderr.trim() !== "" ? `: ${stderr.trim().slice(0, 200)}` : ""}`));
    });
    // A script that does not read its stdin must not fail the delivery for it.
    child.stdin.on("error", () => {});
    child.stdin.end(`${JSON.stringify(payload)}\n`);
  });
}

/** An error message with every spelling of the channel's (and the SMTP server's) address redacted. */
function hideSecrets(message: string, channel: Channel, smtp: string | undefined): string {
  let out = message;
  for (const secret of [channel.address, channel.target, ...(smtp !== undefined ? [smtp] : [])]) {
    if (secret !== "") out = out.split(secret).join(redactAddress(secret));
  }
  if (smtp !== undefined && URL.canParse(smtp)) {
    const password = decodeURIComponent(new URL(smtp).password);
    if (password !== "") out = out.split(password).join("***");
  }
  return out.slice(0, 500);
}
