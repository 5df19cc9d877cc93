CREATE TABLE `anchors` (
	`label` text PRIMARY KEY NOT NULL,
	`grid` text NOT NULL,
	`anchor` integer NOT NULL,
	`set_at` integer NOT NULL
);
