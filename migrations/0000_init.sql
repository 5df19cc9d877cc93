CREATE TABLE `activity` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` text NOT NULL,
	`label` text NOT NULL,
	`job_id` integer,
	`scheduled_for` integer NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`status` text NOT NULL,
	`message` text DEFAULT '' NOT NULL,
	`output` text DEFAULT '' NOT NULL,
	`error` text DEFAULT '' NOT NULL,
	`attempt` integer DEFAULT 1 NOT NULL,
	`trigger` text DEFAULT 'schedule' NOT NULL,
	`instance` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `activity_run_id_unique` ON `activity` (`run_id`);--> statement-breakpoint
CREATE INDEX `activity_label_started_idx` ON `activity` (`label`,`started_at`);--> statement-breakpoint
CREATE INDEX `activity_label_scheduled_idx` ON `activity` (`label`,`scheduled_for`);--> statement-breakpoint
CREATE INDEX `activity_started_idx` ON `activity` (`started_at`);--> statement-breakpoint
CREATE INDEX `activity_status_idx` ON `activity` (`status`);--> statement-breakpoint
CREATE TABLE `claims` (
	`label` text NOT NULL,
	`scheduled_for` integer NOT NULL,
	`instance` text NOT NULL,
	`claimed_at` integer NOT NULL,
	PRIMARY KEY(`label`, `scheduled_for`)
);
--> statement-breakpoint
CREATE INDEX `claims_instance_idx` ON `claims` (`instance`);--> statement-breakpoint
CREATE TABLE `instances` (
	`name` text PRIMARY KEY NOT NULL,
	`hostname` text NOT NULL,
	`pid` integer NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`label` text NOT NULL,
	`source` text NOT NULL,
	`app` text DEFAULT '' NOT NULL,
	`file` text DEFAULT '' NOT NULL,
	`target_kind` text DEFAULT 'call' NOT NULL,
	`callback` text NOT NULL,
	`method` text DEFAULT '' NOT NULL,
	`every` text,
	`at` text,
	`cron` text,
	`timezone` text,
	`until` integer,
	`options` text DEFAULT '{}' NOT NULL,
	`kwargs` text DEFAULT '{}' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`missing` integer DEFAULT false NOT NULL,
	`operator_edited` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_label_unique` ON `jobs` (`label`);