CREATE TABLE `rollups` (
	`label` text NOT NULL,
	`day` integer NOT NULL,
	`runs` integer NOT NULL,
	`statuses` text NOT NULL,
	`p50_ms` integer,
	`p95_ms` integer,
	`max_ms` integer,
	PRIMARY KEY(`label`, `day`)
);
--> statement-breakpoint
CREATE INDEX `rollups_day_idx` ON `rollups` (`day`);--> statement-breakpoint
ALTER TABLE `activity` ADD `kwargs` text;