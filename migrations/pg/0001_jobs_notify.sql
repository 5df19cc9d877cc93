-- Operator changes reach every instance (src/store/jobs-watch.ts): each statement that changes the jobs table notifies channel tickd_jobs.
CREATE OR REPLACE FUNCTION tickd_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tickd_jobs', '');
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER jobs_notify AFTER INSERT OR UPDATE OR DELETE ON "jobs" FOR EACH STATEMENT EXECUTE FUNCTION tickd_jobs_notify();
