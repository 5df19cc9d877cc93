/**
 * The seam between the service and the GraphQL API: the service only needs
 * "start it, get a URL, stop it". Tests pass their own starter.
 */
import { createApiDeps, loadTokens, startApi } from "../api/index.ts";
import type { Clock } from "../clock.ts";
import type { Engine } from "../engine/engine.ts";
import type { JobCatalog } from "../jobs/index.ts";
import type { Sender } from "../notify/index.ts";
import type { Store } from "../store/index.ts";
import type { JobHealth } from "../store/activity.ts";
import { VERSION } from "../version.ts";
import { dashboardHandler } from "../dashboard/index.ts";
import type { ServiceLogger } from "./logger.ts";
import type { ServiceSettings } from "./service.ts";

export interface ApiHandle {
  readonly url: string;
  stop(): Promise<void>;
}

export type ApiStarter = (input: {
  settings: ServiceSettings;
  engine: Engine;
  store: Store;
  catalog: JobCatalog;
  logger: ServiceLogger;
  clock: Clock;
  sender?: Sender;
  /** Each job's recorded history, as the service read it at start (shared with the notifier): where /metrics starts from. */
  health?: ReadonlyMap<string, JobHealth>;
}) => Promise<ApiHandle>;

export const startServiceApi: ApiStarter = async ({ settings, engine, store, catalog, logger, clock, sender, health }) => {
  const tokens = settings.tokensPath ? await loadTokens(settings.tokensPath) : null;
  const deps = createApiDeps({ scheduler: engine, store, catalog, version: VERSION, ...(sender !== undefined && { sender }), ...(health !== undefined && { health }) });
  // --public-url comes with the instance settings (src/cli/args.ts); ServiceSettings does not declare it yet.
  const { publicUrl } = settings;
  return startApi({
    listen: settings.listen,
    deps,
    tokens,
    publicUrl,
    clock,
    dashboard: dashboardHandler,
    logger: {
      info: (message, fields) => logger.info("api", { message, ...fields }),
      warn: (message, fields) => logger.warn("api", { message, ...fields }),
      error: (message, fields) => logger.error("api", { message, ...fields }),
    },
  });
};
