-- The schema of the releases that created their tables at start with GORM's
-- AutoMigrate, statement for statement: applied to a database such a
-- release created, every statement finds its object in place and the
-- database is recorded at version 1 with its data untouched.

-- +goose Up
CREATE TABLE IF NOT EXISTS `flows` (`id` text,`name` text,`icon` text,`color` text,`description` text,`status` text,`trigger` text,`accountability` text,`options` blob,`operation` text,`date_created` datetime,`date_updated` datetime,PRIMARY KEY (`id`));
CREATE TABLE IF NOT EXISTS `operations` (`flow_id` text,`id` text,`sort` integer,`key` text,`type` text,`name` text,`position_x` integer,`position_y` integer,`options` blob,`resolve` text,`reject` text,`date_created` datetime,PRIMARY KEY (`flow_id`,`id`));

CREATE TABLE IF NOT EXISTS `runs` (`id` text,`flow_id` text,`status` text NOT NULL,`created_at` datetime,`record` blob,`input` blob,PRIMARY KEY (`id`));
CREATE INDEX IF NOT EXISTS `idx_runs_flow_created` ON `runs`(`flow_id`,`created_at`);
-- Only unfinished runs are ever looked up by status (to resume them at
-- start), so a partial index over those few rows replaces a full index that
-- every run record would have to update.
DROP INDEX IF EXISTS idx_runs_status;
CREATE INDEX IF NOT EXISTS idx_runs_unfinished ON runs(created_at) WHERE status IN ('queued', 'running');

CREATE TABLE IF NOT EXISTS `settings` (`key` text,`value` text,PRIMARY KEY (`key`));
CREATE TABLE IF NOT EXISTS `collections` (`name` text,`schema` text,`indexes` text,`last_id` integer,`created_at` datetime,PRIMARY KEY (`name`));

CREATE TABLE IF NOT EXISTS `roles` (`id` text,`name` text NOT NULL,`description` text,`admin_access` numeric NOT NULL,`date_created` datetime,PRIMARY KEY (`id`));
CREATE TABLE IF NOT EXISTS `users` (`id` text,`email` text,`first_name` text,`last_name` text,`role` text,`status` text NOT NULL,`token_hash` text,`date_created` datetime,`date_updated` datetime,PRIMARY KEY (`id`));
CREATE UNIQUE INDEX IF NOT EXISTS `idx_users_token_hash` ON `users`(`token_hash`);
CREATE INDEX IF NOT EXISTS `idx_users_role` ON `users`(`role`);
CREATE UNIQUE INDEX IF NOT EXISTS `idx_users_email` ON `users`(`email`);
CREATE TABLE IF NOT EXISTS `permissions` (`id` integer PRIMARY KEY AUTOINCREMENT,`role` text NOT NULL,`collection` text NOT NULL,`action` text NOT NULL,`item` text NOT NULL DEFAULT "");
CREATE UNIQUE INDEX IF NOT EXISTS `idx_permissions_grant` ON `permissions`(`role`,`collection`,`action`,`item`);

CREATE TABLE IF NOT EXISTS `webhooks` (`id` integer PRIMARY KEY AUTOINCREMENT,`name` text,`description` text,`url` text NOT NULL,`method` text NOT NULL,`status` text NOT NULL,`data` numeric,`actions` text,`collections` text,`events` text,`headers` text,`basic_user` text,`basic_password` text,`secret` text NOT NULL,`previous_secret` text,`previous_secret_expires_at` datetime,`retry_schedule` text,`format` text NOT NULL,`created_at` datetime,`updated_at` datetime,`last_triggered` datetime,`failing_since` datetime,`disabled_reason` text);
CREATE UNIQUE INDEX IF NOT EXISTS `idx_webhooks_name` ON `webhooks`(`name`);
CREATE TABLE IF NOT EXISTS `webhook_deliveries` (`id` integer PRIMARY KEY AUTOINCREMENT,`webhook_id` integer NOT NULL,`message_id` text NOT NULL,`event` text NOT NULL,`message` blob NOT NULL,`status` text NOT NULL,`attempts` integer,`next_attempt_at` integer,`last_status` integer,`last_error` text,`last_attempt_at` datetime,`test` numeric,`created_at` datetime,`updated_at` datetime);
CREATE INDEX IF NOT EXISTS `idx_webhook_deliveries_webhook_id` ON `webhook_deliveries`(`webhook_id`);
-- What claims read: pending deliveries of one subscription in due order.
-- Partial, so finished deliveries (the bulk of the table) cost it nothing.
CREATE INDEX IF NOT EXISTS idx_deliveries_due ON webhook_deliveries(webhook_id, next_attempt_at, id)
		WHERE status = 'pending';
CREATE TABLE IF NOT EXISTS `webhook_attempts` (`id` integer PRIMARY KEY AUTOINCREMENT,`delivery_id` integer NOT NULL,`webhook_id` integer NOT NULL,`number` integer,`started_at` datetime,`duration_ms` real,`request_url` text,`request_method` text,`request_headers` text,`request_body_sha256` text,`response_status` integer,`response_headers` text,`response_body` text,`error_class` text,`error` text);
CREATE INDEX IF NOT EXISTS `idx_webhook_attempts_delivery_id` ON `webhook_attempts`(`delivery_id`);

-- Items of every collection (storage/items.go says why one table). seq is
-- the rowid: insertion order, the default order and the tie-breaker of
-- every sort; an index on collection alone is ordered by it.
CREATE TABLE IF NOT EXISTS items (
	seq INTEGER PRIMARY KEY,
	collection TEXT NOT NULL,
	key TEXT NOT NULL,
	data TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS items_collection_key ON items(collection, key);
CREATE INDEX IF NOT EXISTS items_collection ON items(collection);
