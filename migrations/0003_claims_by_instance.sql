DROP INDEX `claims_instance_idx`;--> statement-breakpoint
CREATE INDEX `claims_instance_idx` ON `claims` (`instance`,`scheduled_for`);