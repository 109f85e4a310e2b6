-- What several servers sharing one database need (docs/instances.md):
-- change notifications for what servers keep in memory
-- (storage/cluster_postgres.go), leased webhook deliveries and the slots
-- of the per-webhook cap (storage/webhook_claim.go), shared rate limits
-- (storage/rate_limits.go) and the lease of the elected server
-- (storage/leader.go).

-- +goose Up

-- hf_versions counts the changes of each kind of state servers keep in
-- memory: the triggers below add one per changed row in the changing
-- transaction, so a server that missed a notification sees the count move
-- at its next check.
CREATE TABLE hf_versions (
	topic text PRIMARY KEY,
	version bigint NOT NULL
);
INSERT INTO hf_versions (topic, version) VALUES ('flows', 0), ('access', 0), ('webhooks', 0);

-- hf_changed counts a change of topic TG_ARGV[0] and announces it on the
-- channel of this schema ('hookflow:' || schema) at commit, with the
-- changed row's column TG_ARGV[1] as key when given, the new count, and
-- the server that made it (the hookflow.instance setting of its
-- connections; '' for anyone else, whom every server believes).
-- +goose StatementBegin
CREATE FUNCTION hf_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v bigint;
	k text := '';
BEGIN
	IF TG_NARGS > 1 THEN
		IF TG_OP = 'DELETE' THEN
			k := to_jsonb(OLD) ->> TG_ARGV[1];
		ELSE
			k := to_jsonb(NEW) ->> TG_ARGV[1];
		END IF;
	END IF;
	UPDATE hf_versions SET version = version + 1 WHERE topic = TG_ARGV[0] RETURNING version INTO v;
	PERFORM pg_notify('hookflow:' || current_schema(), json_build_object(
		't', TG_ARGV[0], 'k', coalesce(k, ''), 'v', v,
		'o', coalesce(current_setting('hookflow.instance', true), ''))::text);
	RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER hf_flows_changed AFTER INSERT OR UPDATE OR DELETE ON flows
	FOR EACH ROW EXECUTE FUNCTION hf_changed('flows', 'id');
CREATE TRIGGER hf_operations_changed AFTER INSERT OR UPDATE OR DELETE ON operations
	FOR EACH ROW EXECUTE FUNCTION hf_changed('flows', 'flow_id');
CREATE TRIGGER hf_roles_changed AFTER INSERT OR UPDATE OR DELETE ON roles
	FOR EACH ROW EXECUTE FUNCTION hf_changed('access');
CREATE TRIGGER hf_users_changed AFTER INSERT OR UPDATE OR DELETE ON users
	FOR EACH ROW EXECUTE FUNCTION hf_changed('access');
CREATE TRIGGER hf_permissions_changed AFTER INSERT OR UPDATE OR DELETE ON permissions
	FOR EACH ROW EXECUTE FUNCTION hf_changed('access');
-- Recording attempts updates last_triggered and failing_since of a webhook
-- many times a second: those columns are left out, so that only changes
-- of what deliveries are made of reach the other servers.
CREATE TRIGGER hf_webhooks_written AFTER INSERT OR DELETE ON webhooks
	FOR EACH ROW EXECUTE FUNCTION hf_changed('webhooks', 'id');
CREATE TRIGGER hf_webhooks_changed AFTER UPDATE OF name, description, url, method, status, data, actions,
	collections, events, headers, basic_user, basic_password, secret, previous_secret,
	previous_secret_expires_at, retry_schedule, format, disabled_reason ON webhooks
	FOR EACH ROW EXECUTE FUNCTION hf_changed('webhooks', 'id');

-- A pending delivery is leased by the server attempting it until
-- lease_until (Unix ms); recording the attempt ends the lease.
ALTER TABLE webhook_deliveries ADD COLUMN lease_owner text, ADD COLUMN lease_until bigint;
CREATE INDEX idx_deliveries_lease_owner ON webhook_deliveries (lease_owner) WHERE lease_owner IS NOT NULL;

-- A webhook's attempts in flight are bounded by WEBHOOKS_CONCURRENCY over
-- all servers: each attempt needs one of the webhook's slots (rows 0 to
-- the cap less one), which a server leases until until (Unix ms), renews
-- while it has work for the webhook and gives back when it has none.
CREATE TABLE hf_webhook_slots (
	webhook_id bigint NOT NULL,
	slot integer NOT NULL,
	owner text,
	until bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (webhook_id, slot)
);
CREATE INDEX idx_webhook_slots_owner ON hf_webhook_slots (owner) WHERE owner IS NOT NULL;

-- hf_claim_deliveries claims work on a webhook for claimer until
-- lease_end: first every free slot below cap (free: nobody's, or its
-- lease expired; the claimer's own are renewed), then, when it holds any,
-- up to lim pending deliveries that are due at now_ms and not leased (or
-- whose lease expired), oldest due first, leaving out those in skip (the
-- claimer holds them already: one whose attempt it has just recorded is
-- not leased any more, and is the claimer's to take up again once it has
-- taken the record in). Claims of one webhook take turns
-- (a transaction advisory lock). It returns the leased deliveries
-- (taken_from: the owner of an expired lease taken over) and then one row
-- whose id is NULL, with the slots the claimer holds and next_due: when
-- the first pending delivery nobody leases is due (NULL: none).
-- +goose StatementBegin
CREATE FUNCTION hf_claim_deliveries(wh bigint, now_ms bigint, lim integer, cap integer, claimer text, lease_end bigint,
	skip bigint[])
RETURNS TABLE (id bigint, message_id text, event text, message bytea, attempts bigint, next_attempt_at bigint,
	test boolean, taken_from text, next_due bigint, slots integer)
LANGUAGE plpgsql AS $$
DECLARE
	held integer;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('hookflow deliveries:' || current_schema()), (wh % 2147483647)::integer);
	IF (SELECT count(*) FROM hf_webhook_slots s WHERE s.webhook_id = wh AND s.slot < cap) < cap THEN
		INSERT INTO hf_webhook_slots (webhook_id, slot)
		SELECT wh, g FROM generate_series(0, cap - 1) g ON CONFLICT DO NOTHING;
	END IF;
	-- Locked in slot order, as renewals lock them, so that the two never
	-- deadlock.
	WITH free AS (
		SELECT s.slot FROM hf_webhook_slots s
		WHERE s.webhook_id = wh AND s.slot < cap AND (s.owner IS NULL OR s.owner = claimer OR s.until < now_ms)
		ORDER BY s.slot FOR UPDATE
	)
	UPDATE hf_webhook_slots s SET owner = claimer, until = lease_end FROM free
	WHERE s.webhook_id = wh AND s.slot = free.slot;
	GET DIAGNOSTICS held = ROW_COUNT;
	IF held > 0 THEN
		RETURN QUERY
		WITH picked AS (
			SELECT d.id, d.lease_owner AS prev FROM webhook_deliveries d
			WHERE d.webhook_id = wh AND d.status = 'pending' AND d.next_attempt_at <= now_ms
				AND (d.lease_owner IS NULL OR d.lease_until < now_ms) AND d.id <> ALL(skip)
			ORDER BY d.next_attempt_at, d.id
			LIMIT lim
			FOR UPDATE SKIP LOCKED
		)
		UPDATE webhook_deliveries d SET lease_owner = claimer, lease_until = lease_end
		FROM picked p WHERE d.id = p.id
		RETURNING d.id, d.message_id, d.event, d.message, d.attempts, d.next_attempt_at, d.test, p.prev,
			NULL::bigint, NULL::integer;
	END IF;
	RETURN QUERY
	SELECT NULL::bigint, NULL::text, NULL::text, NULL::bytea, NULL::bigint, NULL::bigint, NULL::boolean, NULL::text,
		(SELECT d.next_attempt_at FROM webhook_deliveries d
		WHERE d.webhook_id = wh AND d.status = 'pending' AND (d.lease_owner IS NULL OR d.lease_until < now_ms)
			AND d.id <> ALL(skip)
		ORDER BY d.next_attempt_at, d.id LIMIT 1),
		held;
END
$$;
-- +goose StatementEnd

-- Rate limits shared by every server: one row per bucket, a generic cell
-- rate algorithm (GCRA) whose tat (theoretical arrival time, Unix µs) a
-- call moves forward by the rule's interval when it is allowed. A row
-- whose tat has passed is a full bucket, the same as no row: the elected
-- server removes those. The table is unlogged: a call's count writes no
-- WAL and its commit waits for no flush; a crash of PostgreSQL empties
-- it, which makes every bucket full again.
CREATE UNLOGGED TABLE hf_rate_limits (
	key text PRIMARY KEY,
	tat bigint NOT NULL,
	allowed boolean NOT NULL
);
CREATE INDEX idx_rate_limits_tat ON hf_rate_limits (tat);

-- The elected server's lease: the server named owner does the work that
-- must happen once until until (the database's clock), renewing it as it
-- goes; another takes it when it has passed.
CREATE TABLE hf_leases (
	name text PRIMARY KEY,
	owner text NOT NULL,
	until timestamptz NOT NULL
);
