/** Notifications: deciding when to alert (notifier), delivering the outbox (sender), the payload. */
export { Notifier, type NotifierOptions } from "./notifier.ts";
export { Sender, MAX_ATTEMPTS, MAX_QUIET_WAIT_MS, QUIET_AFTER_MS, QUIET_BEFORE_MS, RETRY_DELAYS_MS, type NotifyOutcome, type SenderOptions } from "./sender.ts";
export { alertPayload, headline, slackMessage, type AlertPayload } from "./payload.ts";
