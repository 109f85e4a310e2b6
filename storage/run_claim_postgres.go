package storage

import (
	"strconv"
	"strings"
)

// postgresRunQueue is the run queue's SQL for PostgreSQL (runQueueSQL says
// what each statement takes). Both halves of a claim's selection take
// their rows FOR UPDATE SKIP LOCKED, so that servers claiming at once skip
// each other's rows instead of waiting for them. Records are bytea holding
// JSON; the statements that change a record in place read it as jsonb and
// merge the changed members, which writes it back in jsonb's spelling (a
// finished run's record is written whole again).
var postgresRunQueue = runQueueSQL{
	claim: func(int) string { return postgresClaimRuns },
	start: `UPDATE runs SET
	record = convert_to((convert_from(record, 'UTF8')::jsonb ||
		jsonb_build_object('status', 'running', 'started_at', $1::text, 'attempts', attempts))::text, 'UTF8')
WHERE id = $2 AND lease_owner = $3 AND attempts = $4 AND status = 'running'`,
	renew: func(n int) string {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = "$" + strconv.Itoa(i+3)
		}
		return `UPDATE runs SET lease_until = $1 WHERE lease_owner = $2 AND status = 'running' AND id IN (` +
			strings.Join(ids, ", ") + `) RETURNING id, attempts`
	},
	finish: `UPDATE runs SET status = $1, record = $2, input = NULL, request_body = NULL, lease_owner = NULL, lease_until = NULL
WHERE id = $3 AND lease_owner = $4 AND attempts = $5 AND status = 'running'`,
	fail: `UPDATE runs SET status = 'failed', input = NULL, request_body = NULL, lease_owner = NULL, lease_until = NULL,
	record = convert_to((convert_from(record, 'UTF8')::jsonb ||
		jsonb_build_object('status', 'failed', 'finished_at', $1::text, 'error', $2::jsonb))::text, 'UTF8')
WHERE id = $3 AND lease_owner = $4 AND attempts = $5 AND status = 'running'`,
	drop: `DELETE FROM runs WHERE id = $1 AND lease_owner = $2 AND attempts = $3 AND status = 'running'`,
	release: `UPDATE runs SET status = 'queued', lease_owner = NULL, lease_until = NULL, attempts = attempts - 1
WHERE id = $1 AND lease_owner = $2 AND attempts = $3 AND status = 'running'`,
	recover: `UPDATE runs SET status = 'queued', lease_owner = NULL, lease_until = NULL,
	record = convert_to((convert_from(record, 'UTF8')::jsonb || '{"status": "queued"}'::jsonb)::text, 'UTF8')
WHERE status = 'running'`,
	count: `SELECT (SELECT COUNT(*) FROM runs WHERE status = 'queued') + (SELECT COUNT(*) FROM runs WHERE status = 'running')`,
}

// postgresClaimRuns is postgresRunQueue.claim, with the limit a parameter.
const postgresClaimRuns = `WITH expired AS (
	SELECT id, lease_owner FROM runs WHERE status = 'running' AND (lease_until IS NULL OR lease_until < $1)
	ORDER BY lease_until NULLS FIRST LIMIT $2 FOR UPDATE SKIP LOCKED
), queued AS (
	SELECT id, created_at FROM runs WHERE status = 'queued' ORDER BY created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED
), picked AS (
	SELECT id, prev FROM (SELECT id, 0 AS half, NULL::timestamptz AS created_at, lease_owner AS prev FROM expired
		UNION ALL SELECT id, 1, created_at, NULL FROM queued) p
	ORDER BY half, created_at, id LIMIT $2
)
UPDATE runs SET status = 'running', lease_owner = $3, lease_until = $4, attempts = attempts + 1
FROM picked WHERE runs.id = picked.id
RETURNING runs.id, runs.flow_id, runs.created_at, runs.attempts, runs.input, runs.request_body, picked.prev`
