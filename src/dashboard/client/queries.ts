/**
 * Every GraphQL document the page sends, with the shapes it reads back.
 * Field names follow schema/schema.graphql; the dashboard uses nothing else.
 * The documents use the current fields (runs, runFinished, Duration fields);
 * aliases keep the shapes the page's code reads (`activities`, `durationMs`,
 * `timeoutMs`: milliseconds, as a Duration is).
 */

export interface RunSummary {
  runId: string;
  label: string;
  status: string;
  message: string;
  scheduledFor: string;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  trigger: string;
  attempt: number;
}

/** A run with the admin-only fields (null for other roles). */
export interface RunDetail extends RunSummary {
  output: string | null;
  error: string | null;
}

export interface JobRow {
  label: string;
  active: boolean;
  missing: boolean;
  source: string;
  kind: string;
  /** kind: EVERY, CRON or MANUAL (every = manual: runs only by hand). */
  schedule: { text: string; timezone: string; kind?: string };
  nextRunAt: string | null;
  running: number;
  lastRun: RunSummary | null;
  /** Switched off by an operator (pauseJob, or the plain switch with note ""); null otherwise. */
  pause: Pause | null;
  /** What makes the row stand out: failing, slow, missed (Job.health). */
  health: Health;
  /** The strip: newest first; only the job table's own query asks for it. */
  recentRuns?: Pick<RunSummary, "runId" | "status" | "startedAt">[];
}

export interface Pause {
  note: string;
  by: string;
  at: string | null;
  until: string | null;
}

export interface Health {
  failuresInRow: number;
  runningSince: string | null;
  /** When the run going on is or becomes slow (started + warn_after). */
  slowAt: string | null;
  lastMissedAt: string | null;
}

/** A backfill going on, or the job's last one since the service started (Job.backfill). */
export interface Backfill {
  from: string;
  to: string;
  by: string;
  count: number;
  done: number;
  skipped: number;
  state: string;
}

/** One job's day (Job.rollups). */
export interface Rollup {
  day: string;
  runs: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export interface JobDetail extends JobRow {
  description: string;
  callback: string | null;
  app: string | null;
  file: string;
  line: number;
  timezone: string | null;
  timeoutMs: number | null;
  retries: number;
  overlap: string;
  kwargs: { key: string; value: unknown }[];
  schedule: { text: string; timezone: string; kind?: string; every: string | null; at: string | null; cron: string | null };
  nextRuns: string[];
  /** The chart's runs (newest first). */
  activities: { edges: { node: RunSummary }[] };
  rollups: Rollup[];
  alerts: AlertRow[];
  backfill: Backfill | null;
}

export interface SchedulerInfo {
  version: string;
  instance: string;
  timezone: string;
  configPath: string;
}

const RUN_FIELDS = "runId label status message scheduledFor startedAt endedAt durationMs: duration trigger attempt";
const JOB_FIELDS = `label active missing source kind schedule { text timezone kind } nextRunAt running lastRun { ${RUN_FIELDS} }
  pause { note by at until } health { failuresInRow runningSince slowAt lastMissedAt }`;

/** Jobs are read a page at a time (the API caps a page); 200 keeps requests small. */
export const JOBS_PAGE = 200;

/** Runs in each job's strip in the job table. */
export const STRIP_RUNS = 20;

export const JOBS = `query Jobs($first: Int!, $after: String) {
  jobs(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${JOB_FIELDS} recentRuns(count: ${STRIP_RUNS}) { runId status startedAt } } } }
}`;
export interface JobsData {
  jobs: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: JobRow }[] };
}

export const SCHEDULER = `query Scheduler { scheduler { version instance timezone configPath } problems { file line label message } }`;
export interface SchedulerData {
  scheduler: SchedulerInfo;
  /** Jobs left out at start-up or the last reload, and why. */
  problems: { file: string; line: number; label: string | null; message: string }[];
}

/** One alert for one channel (Job.alerts); the channel is redacted. */
export interface AlertRow {
  event: string;
  channel: string;
  state: string;
  attempts: number;
  lastError: string;
  createdAt: string;
}

export const CHANNELS = `query Channels { notificationChannels { channel failing failuresInRow lastError gaveUp } }`;
export interface ChannelsData {
  notificationChannels: { channel: string; failing: boolean; failuresInRow: number; lastError: string; gaveUp: number }[];
}

export const RECENT = `query Recent($first: Int!) { activities: runs(first: $first) { edges { node { ${RUN_FIELDS} } } } }`;
export interface RecentData {
  activities: { edges: { node: RunSummary }[] };
}

export const JOB_ROW = `query JobRow($label: String!) { job(label: $label) { ${JOB_FIELDS} } }`;
export interface JobRowData {
  job: JobRow | null;
}

export const JOB_DETAIL = `query JobDetail($label: String!, $since: DateTime!) {
  job(label: $label) {
    ${JOB_FIELDS} description callback app file line timezone timeoutMs: timeout retries overlap schedule { text timezone every at cron }
    kwargs { key value } nextRuns(count: 5)
    activities: runs(first: 200, since: $since) { edges { node { ${RUN_FIELDS} } } }
    rollups(since: $since) { day runs successRate p50Ms: p50 p95Ms: p95 maxMs: max }
    alerts(first: 10) { event channel state attempts lastError createdAt }
    backfill { from to by count done skipped state }
  }
}`;
export interface JobDetailData {
  job: JobDetail | null;
}

/** Filters of a run list: the job panel's and the activity page's (RunFilter). */
export interface RunFilter {
  label?: string;
  app?: string;
  statuses?: string[];
  triggers?: string[];
  since?: string;
  until?: string;
  search?: string;
}

export const RUNS = `query Runs($filter: RunFilter, $first: Int!, $after: String) {
  activities: runs(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${RUN_FIELDS} output error } } }
}`;
export interface RunsData {
  activities: { totalCount: number | null; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: RunDetail }[] };
}

export const ACTIVATE = `mutation Activate($label: String!) { activateJob(label: $label) { ${JOB_FIELDS} } }`;
export const DEACTIVATE = `mutation Deactivate($label: String!) { deactivateJob(label: $label) { ${JOB_FIELDS} } }`;
export interface ActivateData {
  activateJob?: JobRow;
  deactivateJob?: JobRow;
}

export const RUN_NOW = `mutation RunNow($label: String!) { runJobNow(label: $label) { ${RUN_FIELDS} } }`;
export interface RunNowData {
  runJobNow: RunSummary;
}

export const PAUSE = `mutation Pause($label: String!, $note: String!, $until: DateTime) { pauseJob(label: $label, note: $note, until: $until) { ${JOB_FIELDS} } }`;
export const RESUME = `mutation Resume($label: String!) { resumeJob(label: $label) { ${JOB_FIELDS} } }`;
export interface PauseData {
  pauseJob?: JobRow;
  resumeJob?: JobRow;
}

export const CANCEL_RUN = `mutation CancelRun($runId: String!) { cancelRun(runId: $runId) { ${RUN_FIELDS} } }`;
export interface CancelRunData {
  cancelRun: RunSummary;
}

/** Admin: runJobNow with parameters, returning once the run has started. */
export const RUN_WITH = `mutation RunWith($label: String!, $kwargs: JSON) { runJobNow(label: $label, kwargs: $kwargs, wait: false) { ${RUN_FIELDS} } }`;

export const BACKFILL = `mutation Backfill($label: String!, $from: DateTime!, $to: DateTime!, $dryRun: Boolean, $again: Boolean) {
  backfillJob(label: $label, from: $from, to: $to, dryRun: $dryRun, again: $again) { from to by count done skipped state }
}`;
export interface BackfillData {
  backfillJob: Backfill;
}
export const CANCEL_BACKFILL = `mutation CancelBackfill($label: String!) { cancelBackfill(label: $label) }`;

/**
 * Operator-only and side-effect free: cancelling a run id that cannot exist.
 * An operator (or admin) gets "not found", a viewer "forbidden": how the page
 * learns whether to offer pause, resume and cancel (the API has no "who am I").
 */
export const OPERATOR_PROBE = `mutation OperatorProbe { cancelRun(runId: "") { runId } }`;

export const RELOAD = `mutation Reload { reloadConfig { added removed updated unchanged diagnostics { file line label message } } }`;
export interface ReloadData {
  reloadConfig: { added: string[]; removed: string[]; updated: string[]; unchanged: number; diagnostics: { file: string; line: number; label: string | null; message: string }[] };
}

export const UPDATE_SCHEDULE = `mutation UpdateSchedule($label: String!, $every: String, $at: String, $cron: String, $timezone: String) {
  updateJobSchedule(label: $label, every: $every, at: $at, cron: $cron, timezone: $timezone) { label }
}`;

export const DISCOVER = `mutation Discover { discoverJobs { added updated missing } }`;
export interface DiscoverData {
  discoverJobs: { added: string[]; updated: string[]; missing: string[] };
}

/**
 * Admin-only and side-effect free (preview writes nothing): the page asks it
 * to learn whether to offer the admin tools, as the API has no "who am I".
 */
export const EXPORT_PREVIEW = `mutation ExportPreview { exportIni(preview: true) { text } }`;
export interface ExportData {
  exportIni: { text: string };
}

export const ACTIVITY_SUBSCRIPTION = `subscription RunFinished { activity: runFinished { ${RUN_FIELDS} } }`;
export interface ActivityEventData {
  activity: RunSummary;
}

export const RUN_STARTED_SUBSCRIPTION = `subscription RunStarted { runStarted { runId label startedAt } }`;
export interface RunStartedData {
  runStarted: { runId: string; label: string; startedAt: string };
}

export const JOB_CHANGED_SUBSCRIPTION = `subscription JobChanged { jobChanged { label change job { ${JOB_FIELDS} } } }`;
export interface JobChangedData {
  jobChanged: { label: string; change: string; job: JobRow | null };
}
