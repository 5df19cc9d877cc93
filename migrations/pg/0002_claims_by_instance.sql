DROP INDEX "claims_instance_idx";--> statement-breakpoint
CREATE INDEX "claims_instance_idx" ON "claims" USING btree ("instance","scheduled_for");