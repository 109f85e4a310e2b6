-- A SQLite database as the last release migrating with AutoMigrate left it
-- (the run queue's columns included; webhook rows left out: their
-- credentials were sealed with a key of the process that wrote them),
-- dumped statement by statement. TestUpgradeFromAutoMigrateSchema opens it
-- with the current code.
CREATE TABLE `flows` (`id` text,`name` text,`icon` text,`color` text,`description` text,`status` text,`trigger` text,`accountability` text,`options` blob,`operation` text,`date_created` datetime,`date_updated` datetime,PRIMARY KEY (`id`));
CREATE TABLE `operations` (`flow_id` text,`id` text,`sort` integer,`key` text,`type` text,`name` text,`position_x` integer,`position_y` integer,`options` blob,`resolve` text,`reject` text,`date_created` datetime,PRIMARY KEY (`flow_id`,`id`));
CREATE TABLE `runs` (`id` text,`flow_id` text,`status` text NOT NULL,`created_at` datetime,`record` blob,`input` blob,`request_body` blob,`attempts` integer NOT NULL DEFAULT 0,`lease_owner` text,`lease_until` integer,PRIMARY KEY (`id`));
CREATE INDEX `idx_runs_flow_created` ON `runs`(`flow_id`,`created_at`);
CREATE TABLE `settings` (`key` text,`value` text,PRIMARY KEY (`key`));
CREATE TABLE `collections` (`name` text,`schema` text,`indexes` text,`last_id` integer,`created_at` datetime,PRIMARY KEY (`name`));
CREATE TABLE `roles` (`id` text,`name` text NOT NULL,`description` text,`admin_access` numeric NOT NULL,`date_created` datetime,PRIMARY KEY (`id`));
CREATE TABLE `users` (`id` text,`email` text,`first_name` text,`last_name` text,`role` text,`status` text NOT NULL,`token_hash` text,`date_created` datetime,`date_updated` datetime,PRIMARY KEY (`id`));
CREATE UNIQUE INDEX `idx_users_token_hash` ON `users`(`token_hash`);
CREATE INDEX `idx_users_role` ON `users`(`role`);
CREATE UNIQUE INDEX `idx_users_email` ON `users`(`email`);
CREATE TABLE `permissions` (`id` integer PRIMARY KEY AUTOINCREMENT,`role` text NOT NULL,`collection` text NOT NULL,`action` text NOT NULL,`item` text NOT NULL DEFAULT "");
CREATE UNIQUE INDEX `idx_permissions_grant` ON `permissions`(`role`,`collection`,`action`,`item`);
CREATE TABLE `webhooks` (`id` integer PRIMARY KEY AUTOINCREMENT,`name` text,`description` text,`url` text NOT NULL,`method` text NOT NULL,`status` text NOT NULL,`data` numeric,`actions` text,`collections` text,`events` text,`headers` text,`basic_user` text,`basic_password` text,`secret` text NOT NULL,`previous_secret` text,`previous_secret_expires_at` datetime,`retry_schedule` text,`format` text NOT NULL,`created_at` datetime,`updated_at` datetime,`last_triggered` datetime,`failing_since` datetime,`disabled_reason` text);
CREATE UNIQUE INDEX `idx_webhooks_name` ON `webhooks`(`name`);
CREATE TABLE `webhook_deliveries` (`id` integer PRIMARY KEY AUTOINCREMENT,`webhook_id` integer NOT NULL,`message_id` text NOT NULL,`event` text NOT NULL,`message` blob NOT NULL,`status` text NOT NULL,`attempts` integer,`next_attempt_at` integer,`last_status` integer,`last_error` text,`last_attempt_at` datetime,`test` numeric,`created_at` datetime,`updated_at` datetime);
CREATE INDEX `idx_webhook_deliveries_webhook_id` ON `webhook_deliveries`(`webhook_id`);
CREATE TABLE `webhook_attempts` (`id` integer PRIMARY KEY AUTOINCREMENT,`delivery_id` integer NOT NULL,`webhook_id` integer NOT NULL,`number` integer,`started_at` datetime,`duration_ms` real,`request_url` text,`request_method` text,`request_headers` text,`request_body_sha256` text,`response_status` integer,`response_headers` text,`response_body` text,`error_class` text,`error` text);
CREATE INDEX `idx_webhook_attempts_delivery_id` ON `webhook_attempts`(`delivery_id`);
CREATE INDEX idx_deliveries_due ON webhook_deliveries(webhook_id, next_attempt_at, id)
		WHERE status = 'pending';
CREATE INDEX idx_runs_queued ON runs(created_at, id) WHERE status = 'queued';
CREATE INDEX idx_runs_leases ON runs(lease_until) WHERE status = 'running';
CREATE TABLE items (
	seq INTEGER PRIMARY KEY,
	collection TEXT NOT NULL,
	key TEXT NOT NULL,
	data TEXT NOT NULL
);
CREATE UNIQUE INDEX items_collection_key ON items(collection, key);
CREATE INDEX items_collection ON items(collection);
CREATE INDEX items_ix_f17806d4626098c0 ON items(collection, json_extract(data, '$."status"'), json_extract(data, '$."created"'));
INSERT INTO `flows` VALUES ('11111111-1111-4111-8111-111111111111','orders','','','','active','webhook',NULL,X'7B226D6574686F64223A22504F5354227D','a','2026-11-20 10:30:00+00:00',NULL);
INSERT INTO `operations` VALUES ('11111111-1111-4111-8111-111111111111','a',0,'a','log','',0,0,X'7B226D657373616765223A226869227D',NULL,NULL,'2026-11-20 10:30:00+00:00');
INSERT INTO `runs` VALUES ('run-1','11111111-1111-4111-8111-111111111111','completed','2026-11-20 10:30:00+00:00',X'7B226964223A2272756E2D31222C22666C6F77223A2231313131313131312D313131312D343131312D383131312D313131313131313131313131222C22737461747573223A22636F6D706C65746564222C226173796E63223A66616C73652C2272656A6563746564223A66616C73652C2274726967676572223A6E756C6C2C226163636F756E746162696C697479223A6E756C6C2C22726573756C74223A7B226F6B223A747275657D2C226572726F72223A6E756C6C2C227374657073223A6E756C6C2C22637265617465645F6174223A22323032362D31312D32305431303A33303A30305A222C22737461727465645F6174223A6E756C6C2C2266696E69736865645F6174223A6E756C6C2C226475726174696F6E5F6D73223A6E756C6C2C22617474656D707473223A307D',NULL,NULL,0,NULL,NULL);
INSERT INTO `runs` VALUES ('run-2','11111111-1111-4111-8111-111111111111','queued','2026-11-20 10:30:01+00:00',X'7B226964223A2272756E2D32222C22666C6F77223A2231313131313131312D313131312D343131312D383131312D313131313131313131313131222C22737461747573223A22717565756564222C226173796E63223A747275652C2272656A6563746564223A66616C73652C2274726967676572223A6E756C6C2C226163636F756E746162696C697479223A6E756C6C2C22726573756C74223A6E756C6C2C226572726F72223A6E756C6C2C227374657073223A6E756C6C2C22637265617465645F6174223A22323032362D31312D32305431303A33303A30315A222C22737461727465645F6174223A6E756C6C2C2266696E69736865645F6174223A6E756C6C2C226475726174696F6E5F6D73223A6E756C6C2C22617474656D707473223A307D',X'7B22626F6479223A2278227D',NULL,0,NULL,NULL);
INSERT INTO `settings` VALUES ('admin_token_hash','abc');
INSERT INTO `collections` VALUES ('orders','{"type":"object"}','[["status","created"]]',2,'2026-12-07 19:45:38.065425238+00:00');
INSERT INTO `roles` VALUES ('editors','Editors','',0,'2026-11-20 10:30:00+00:00');
INSERT INTO `users` VALUES ('u1','ada@example.com','','','editors','active','tokhash','2026-11-20 10:30:00+00:00',NULL);
INSERT INTO `permissions` VALUES (1,'editors','orders','read','');
INSERT INTO `items` VALUES (1,'orders','1','{"id":1,"status":"paid","created":"2026-11-20T10:30:00.000Z","total":12.5}');
INSERT INTO `items` VALUES (2,'orders','2','{"id":2,"status":"open","total":3}');
INSERT INTO `items` VALUES (3,'orders','k-7','{"id":"k-7","status":"paid"}');
