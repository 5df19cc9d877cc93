PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_claims` (
	`label` text NOT NULL,
	`scheduled_for` integer NOT NULL,
	`instance` text NOT NULL,
	`claimed_at` integer NOT NULL,
	PRIMARY KEY(`scheduled_for`, `label`)
);
--> statement-breakpoint
INSERT INTO `__new_claims`("label", "scheduled_for", "instance", "claimed_at") SELECT "label", "scheduled_for", "instance", "claimed_at" FROM `claims`;--> statement-breakpoint
DROP TABLE `claims`;--> statement-breakpoint
ALTER TABLE `__new_claims` RENAME TO `claims`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `claims_instance_idx` ON `claims` (`instance`,`scheduled_for`);