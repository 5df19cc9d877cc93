/** acme's CRM app registers a job for discovery: `tickd discover --config tenants/acme/config/scheduler.ini --apps tenants/acme/apps/crm`. */
import { Result, STATUS, schedule } from "tickd";

/** Syncs acme's contacts with the CRM. */
export function sync_contacts() {
  return Result(STATUS.success, { message: "acme contacts synced" });
}

schedule.register("crm", sync_contacts, { every: "15 minutes", active: true });
