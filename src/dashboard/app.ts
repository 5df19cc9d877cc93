/**
 * The dashboard's script (bundled by build-assets.ts and inlined in the page).
 * It speaks only the public GraphQL API: queries and mutations over POST
 * /graphql, the `activity` and `jobChanged` subscriptions over one WebSocket
 * (graphql-ws; SSE where WebSockets do not get through, see client/live.ts). Data is
 * loaded whenever the streams (re)connect, so nothing missed while offline
 * stays missing.
 */
import { ApiError, getToken, gql, onUnauthenticated, setToken } from "./client/api.ts";
import { byId } from "./client/dom.ts";
import { CHANNELS_EVERY_MS, showChannels } from "./client/alerts.ts";
import { Feed } from "./client/feed.ts";
import { JobPanel } from "./client/job-panel.ts";
import { JobsTable } from "./client/jobs-table.ts";
import * as Q from "./client/queries.ts";
import { Live } from "./client/live.ts";
import { RunList } from "./client/run-list.ts";
import type { StreamState } from "./client/stream.ts";
import { setRole } from "./client/role.ts";

const REFRESH_GAP_MS = 1500;
const FEED_SIZE = 50;

// ---- messages -------------------------------------------------------------

const toast = byId("toast");
let toastTimer: ReturnType<typeof setTimeout> | undefined;
/** A message in the live region (always in the page, empty when idle: screen readers miss regions that appear with their text). */
function say(text: string, kind: "info" | "error" = "info"): void {
  toast.textContent = text;
  toast.dataset.kind = kind;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (toast.textContent = ""), kind === "error" ? 10_000 : 5000);
}

function explain(error: unknown, doing: string): string {
  if (!(error instanceof ApiError)) return `${doing} failed: ${String(error)}`;
  if (error.code === "FORBIDDEN") return `${doing}: your token's role is not allowed to (${error.message})`;
  if (error.code === "NETWORK") return `${doing} failed: the server cannot be reached`;
  return `${doing} failed: ${error.message}`;
}

// ---- views ----------------------------------------------------------------

const actions = {
  async setActive(label: string, active: boolean): Promise<void> {
    table.setPending(label, "toggle", true);
    try {
      const data = await gql<Q.ActivateData>(active ? Q.ACTIVATE : Q.DEACTIVATE, { label });
      const job = data.activateJob ?? data.deactivateJob;
      if (job) table.upsert(job, Date.now());
      say(`${label} ${active ? "activated" : "deactivated"}`);
      void panel.refreshIf(label);
    } catch (error) {
      say(explain(error, `${active ? "Activating" : "Deactivating"} ${label}`), "error");
    } finally {
      table.setPending(label, "toggle", false);
    }
  },
  async runNow(label: string): Promise<void> {
    table.setPending(label, "run", true);
    try {
      // Resolves once the run has finished; the feed usually has it already from the stream.
      const { runJobNow } = await gql<Q.RunNowData>(Q.RUN_NOW, { label });
      feed.add(runJobNow, Date.now());
      table.applyRun(runJobNow, Date.now());
      void panel.refreshIf(label);
    } catch (error) {
      say(explain(error, `Running ${label}`), "error");
    } finally {
      table.setPending(label, "run", false);
    }
  },
  open(label: string): void {
    void panel.open(label);
  },
  changed(job: Q.JobRow): void {
    table.upsert(job, Date.now());
  },
  say,
};

const table = new JobsTable(byId<HTMLTableSectionElement>("jobs-body"), byId("jobs-empty"), actions);
const feed = new Feed(byId<HTMLOListElement>("feed"), byId("feed-empty"), actions.open);
const panel = new JobPanel(byId<HTMLDialogElement>("job-dialog"), byId("job-body"), byId("job-title"), actions);
/** The activity page: runs across jobs with filters (issue 16). */
const history = new RunList({ across: true });
byId("history-body").append(history.element);

byId<HTMLInputElement>("filter").addEventListener("input", (event) => table.setFilter((event.target as HTMLInputElement).value));
for (const button of document.querySelectorAll<HTMLButtonElement>("[data-close]")) {
  button.addEventListener("click", () => (button.closest("dialog") as HTMLDialogElement).close());
}

// ---- loading --------------------------------------------------------------

async function loadJobs(): Promise<void> {
  const jobs: Q.JobRow[] = [];
  let after: string | null = null;
  for (;;) {
    const data: Q.JobsData = await gql<Q.JobsData>(Q.JOBS, { first: Q.JOBS_PAGE, after });
    jobs.push(...data.jobs.edges.map((e) => e.node));
    if (!data.jobs.pageInfo.hasNextPage || !data.jobs.pageInfo.endCursor) break;
    after = data.jobs.pageInfo.endCursor;
  }
  table.setAll(jobs, Date.now());
}

async function loadAll(): Promise<void> {
  try {
    const [info, recent] = await Promise.all([gql<Q.SchedulerData>(Q.SCHEDULER), gql<Q.RecentData>(Q.RECENT, { first: FEED_SIZE }), loadJobs(), history.load()]);
    const s = info.scheduler;
    byId("instance").textContent = `${s.instance} · zone ${s.timezone} · v${s.version}`;
    byId("instance").title = s.configPath;
    showProblems(info.problems);
    void showChannels();
    feed.setAll(
      recent.activities.edges.map((e) => e.node).filter((r) => r.status !== "RUNNING"),
      Date.now(),
    );
    void panel.refreshIf(panel.openLabel ?? "");
  } catch (error) {
    if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return;
    say(explain(error, "Loading"), "error");
  }
}

/** The jobs left out (the problems query), each as `file:line [label] message`; hidden when there are none. */
function showProblems(problems: Q.SchedulerData["problems"]): void {
  byId("problems").hidden = problems.length === 0;
  byId("problems-list").replaceChildren(
    ...problems.map((p) => {
      const li = document.createElement("li");
      li.textContent = `${p.file}${p.line > 0 ? `:${p.line}` : ""}${p.label ? ` [${p.label}]` : ""} ${p.message}`;
      return li;
    }),
  );
}

/** Reload the jobs soon, at most once per REFRESH_GAP_MS (next run times move after each run). */
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let lastRefresh = 0;
function refreshJobsSoon(): void {
  if (refreshTimer !== undefined) return;
  const wait = Math.max(250, lastRefresh + REFRESH_GAP_MS - Date.now());
  refreshTimer = setTimeout(() => {
    refreshTimer = undefined;
    lastRefresh = Date.now();
    loadJobs().catch(() => {});
  }, wait);
}

/**
 * The caller's role, from two side-effect-free probes (the API has no "who am
 * I"): the admin-only export preview, then the operator-only cancel of a run
 * that cannot exist ("not found" for an operator, "forbidden" for a viewer).
 * The page offers the controls of that role; the API checks every request.
 */
async function probeRole(): Promise<void> {
  let role: "viewer" | "operator" | "admin" = "viewer";
  try {
    await gql<Q.ExportData>(Q.EXPORT_PREVIEW);
    role = "admin";
  } catch {
    try {
      await gql(Q.OPERATOR_PROBE);
      role = "operator";
    } catch (error) {
      role = error instanceof ApiError && error.code !== "FORBIDDEN" && error.code !== "UNAUTHENTICATED" && error.code !== "NETWORK" ? "operator" : "viewer";
    }
  }
  setRole(role);
  document.body.dataset.role = role;
  byId("admin-tools").hidden = role !== "admin";
  panel.admin = role === "admin";
  void panel.refreshIf(panel.openLabel ?? "");
}

// ---- live updates -----------------------------------------------------------

let connState: StreamState = "connecting";
let wasLost = false;
let retryAt = 0;

function showConnection(): void {
  const conn = byId("conn");
  const text = byId("conn-text");
  const state = connState === "unauthenticated" ? "auth" : connState === "live" ? "live" : connState === "lost" || wasLost ? "lost" : "connecting";
  conn.dataset.state = state;
  byId("retry").hidden = state !== "lost";
  const words = { live: "Live", auth: "Token needed", connecting: "Connecting…", lost: "Connection lost — reconnecting" }[state];
  // The status region is read out on change: only the words go in it; the
  // ticking seconds sit beside it (aria-hidden), or it would speak every second.
  if (text.textContent !== words) text.textContent = words;
  const seconds = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
  byId("conn-in").textContent = state !== "lost" ? "" : seconds > 0 ? ` in ${seconds}s…` : "…";
}

function onActivity({ activity }: Q.ActivityEventData): void {
  const now = Date.now();
  feed.add(activity, now);
  table.applyRun(activity, now);
  void panel.refreshIf(activity.label);
  refreshJobsSoon();
}

function onRunStarted({ runStarted }: Q.RunStartedData): void {
  table.runStarted(runStarted, Date.now());
  // The panel's run list shows the run going on (with Cancel for operators);
  // the row learns when the run becomes slow (Job.health.slowAt).
  void panel.refreshIf(runStarted.label);
  refreshJobsSoon();
}

function onJobChanged({ jobChanged }: Q.JobChangedData): void {
  if (jobChanged.job) table.upsert(jobChanged.job, Date.now());
  else table.remove(jobChanged.label);
  void panel.refreshIf(jobChanged.label);
}

const live = new Live(
  {
    subscriptions: [
      { query: Q.ACTIVITY_SUBSCRIPTION, onData: (data) => onActivity(data as Q.ActivityEventData) },
      { query: Q.JOB_CHANGED_SUBSCRIPTION, onData: (data) => onJobChanged(data as Q.JobChangedData) },
      { query: Q.RUN_STARTED_SUBSCRIPTION, onData: (data) => onRunStarted(data as Q.RunStartedData) },
    ],
    onState(state, retryInMs, transport) {
      const becameLive = state === "live" && connState !== "live";
      connState = state;
      byId("conn").dataset.transport = transport;
      if (state === "lost") {
        wasLost = true;
        retryAt = Date.now() + retryInMs;
      }
      if (becameLive) {
        // Every (re)connection: reload, since events during the gap were not replayed.
        if (wasLost) say("Reconnected: live again");
        wasLost = false;
        void loadAll();
      }
      showConnection();
    },
  },
  new URLSearchParams(location.search).get("transport") === "sse" ? "sse" : "ws",
);

byId("retry").addEventListener("click", () => live.retryNow());
window.addEventListener("online", () => live.retryNow());

// ---- token ------------------------------------------------------------------

const tokenDialog = byId<HTMLDialogElement>("token-dialog");
const tokenInput = byId<HTMLInputElement>("token-input");
const tokenError = byId("token-error");

function askToken(reason: string): void {
  byId("token-why").textContent = reason;
  byId("token-forget").hidden = getToken() === null;
  if (!tokenDialog.open) {
    tokenInput.value = "";
    tokenDialog.showModal();
  }
  tokenInput.focus();
}

onUnauthenticated((error) => {
  const had = getToken() !== null;
  askToken(had ? `The token was not accepted (${error.message}). Enter another one.` : "This tickd API needs a token. Ask its operator for one.");
});

byId<HTMLFormElement>("token-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  if (!token) return;
  setToken(token);
  tokenError.textContent = "";
  try {
    await gql<Q.SchedulerData>(Q.SCHEDULER);
  } catch (error) {
    tokenError.textContent = error instanceof ApiError && error.code === "UNAUTHENTICATED" ? "That token was not accepted." : explain(error, "Checking the token");
    tokenInput.focus();
    return;
  }
  tokenDialog.close();
  say("Token accepted");
  restart();
});
byId("token-forget").addEventListener("click", () => {
  setToken(null);
  tokenDialog.close();
  restart();
});
byId("token-button").addEventListener("click", () => askToken(getToken() ? "Replace or forget the token this tab uses." : "Enter an API token (needed when the API has tokens)."));

// ---- admin tools ------------------------------------------------------------

byId("discover").addEventListener("click", async () => {
  try {
    const { discoverJobs: d } = await gql<Q.DiscoverData>(Q.DISCOVER);
    const parts = [d.added.length && `added ${d.added.join(", ")}`, d.updated.length && `updated ${d.updated.length}`, d.missing.length && `missing ${d.missing.join(", ")}`].filter(Boolean);
    say(`Discovery done: ${parts.length ? parts.join("; ") : "nothing changed"}`);
    await loadJobs();
  } catch (error) {
    say(explain(error, "Discovery"), "error");
  }
});

byId("reload").addEventListener("click", async () => {
  try {
    const { reloadConfig: r } = await gql<Q.ReloadData>(Q.RELOAD);
    const parts = [r.added.length && `added ${r.added.join(", ")}`, r.updated.length && `updated ${r.updated.join(", ")}`, r.removed.length && `removed ${r.removed.join(", ")}`].filter(Boolean);
    const problems = r.diagnostics.map((d) => `${d.file}:${d.line}${d.label ? ` [${d.label}]` : ""} ${d.message}`);
    const summary = `Job file reloaded: ${parts.length ? parts.join("; ") : "no changes"}`;
    say(problems.length ? `${summary}. ${problems.length} problem(s): ${problems.join(" · ")}` : summary, problems.length ? "error" : "info");
    await loadAll();
  } catch (error) {
    say(explain(error, "Reloading the job file"), "error");
  }
});

byId("export").addEventListener("click", async () => {
  try {
    const { exportIni } = await gql<Q.ExportData>(Q.EXPORT_PREVIEW);
    byId<HTMLTextAreaElement>("export-text").value = exportIni.text;
    byId<HTMLDialogElement>("export-dialog").showModal();
  } catch (error) {
    say(explain(error, "Export"), "error");
  }
});

const copy = byId<HTMLButtonElement>("export-copy");
copy.hidden = !navigator.clipboard;
copy.addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(byId<HTMLTextAreaElement>("export-text").value);
    say("Copied to the clipboard");
  } catch {
    byId<HTMLTextAreaElement>("export-text").select();
  }
});

// ---- start ------------------------------------------------------------------

function restart(): void {
  // Show the data at once; the first "live" loads again, so nothing between this snapshot and the subscription is lost.
  void loadAll();
  live.start();
  void probeRole();
}

setInterval(() => {
  if (table.tick(Date.now())) refreshJobsSoon();
  if (byId("conn").dataset.state === "lost") showConnection();
}, 1000);

restart();
// A failing alert channel shows without a reload.
setInterval(() => void showChannels(), CHANNELS_EVERY_MS);
// An alert's dashboardUrl (?job=LABEL&run=…) opens the job's panel.
const linked = new URLSearchParams(location.search).get("job");
if (linked) void panel.open(linked);
