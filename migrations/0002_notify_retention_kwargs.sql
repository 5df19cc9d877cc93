CREATE TABLE `notification_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notification_id` integer NOT NULL,
	`channel` text NOT NULL,
	`at` integer NOT NULL,
	`ok` integer NOT NULL,
	`error` text DEFAULT '' NOT NULL,
	`duration_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notification_attempts_notification_idx` ON `notification_attempts` (`notification_id`);--> statement-breakpoint
CREATE INDEX `notification_attempts_channel_idx` ON `notification_attempts` (`channel`,`at`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`label` text NOT NULL,
	`event` text NOT NULL,
	`run_id` text NOT NULL,
	`channel` text NOT NULL,
	`payload` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_key_unique` ON `notifications` (`key`);--> statement-breakpoint
CREATE INDEX `notifications_pending_idx` ON `notifications` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `notifications_label_idx` ON `notifications` (`label`,`created_at`);--> statement-breakpoint
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