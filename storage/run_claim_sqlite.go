package storage

import (
	"strconv"
	"strings"
)

// runQueueSQL is the run queue's SQL for one database engine: every
// statement of the claim protocol (run_claim.go) in one place, with its
// parameters in the order the comment gives. Records are JSON documents
// changed in place (status, started_at, attempts, error), so that a run
// reads right through the API without being decoded. A PostgreSQL version
// sits beside sqliteRunQueue: the same statements with jsonb_set, `$n`
// parameters, `id = ANY($n)` and `FOR UPDATE SKIP LOCKED` in both halves
// of the claim's selection, so that instances claiming at once skip each
// other's rows.
type runQueueSQL struct {
	// claim returns the statement claiming up to limit runs; its
	// parameters: now (Unix ms), limit, owner, lease end (Unix ms). SQLite's
	// leaves the limit parameter unused and has the count written in
	// (dialect.limit says why). Runs whose lease has expired come first,
	// then queued runs oldest first. It returns the claimedColumns and the
	// owner of an expired lease taken over (NULL: none). The record is left
	// alone: a claimed run waiting for a worker still reads as queued.
	claim func(limit int) string
	// start: start time (RFC 3339), id, owner, attempts.
	start string
	// renew returns the statement renewing the leases of n runs: lease end,
	// owner, then the n ids. It returns id and attempts of every run the
	// owner still holds.
	renew func(n int) string
	// finish: status, record, id, owner, attempts.
	finish string
	// fail: finish time (RFC 3339), error object (JSON), id, owner,
	// attempts.
	fail string
	// drop: id, owner, attempts.
	drop string
	// release: id, owner, attempts.
	release string
	// recover has no parameters.
	recover string
	// count has no parameters.
	count string
}

// claimedColumns are what a claim returns of each run, in the order
// scanClaimed reads them.
const claimedColumns = "id, flow_id, created_at, attempts, input, request_body"

// sqliteRunQueue is the run queue's SQL for SQLite. Records are stored as
// blobs, which SQLite's JSON functions would read as JSONB: they are cast to
// text for json_set and back to blobs after. Each statement is one implicit
// transaction on the single write connection.
var sqliteRunQueue = runQueueSQL{
	claim: func(limit int) string {
		n := strconv.Itoa(limit)
		return `WITH picked(id) AS (
	SELECT id FROM (SELECT id FROM runs WHERE status = 'running' AND (lease_until IS NULL OR lease_until < ?1)
		ORDER BY lease_until LIMIT ` + n + `)
	UNION ALL
	SELECT id FROM (SELECT id FROM runs WHERE status = 'queued' ORDER BY created_at, id LIMIT ` + n + `)
	LIMIT ` + n + `
)
UPDATE runs SET status = 'running', lease_owner = ?3, lease_until = ?4, attempts = attempts + 1
WHERE id IN (SELECT id FROM picked)
RETURNING ` + claimedColumns + `, NULL`
	},
	start: `UPDATE runs SET
	record = CAST(json_set(CAST(record AS TEXT), '$.status', 'running', '$.started_at', ?1, '$.attempts', attempts) AS BLOB)
WHERE id = ?2 AND lease_owner = ?3 AND attempts = ?4 AND status = 'running'`,
	renew: func(n int) string {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = "?" + strconv.Itoa(i+3)
		}
		return `UPDATE runs SET lease_until = ?1 WHERE lease_owner = ?2 AND status = 'running' AND id IN (` +
			strings.Join(ids, ", ") + `) RETURNING id, attempts`
	},
	finish: `UPDATE runs SET status = ?1, record = ?2, input = NULL, request_body = NULL, lease_owner = NULL, lease_until = NULL
WHERE id = ?3 AND lease_owner = ?4 AND attempts = ?5 AND status = 'running'`,
	fail: `UPDATE runs SET status = 'failed', input = NULL, request_body = NULL, lease_owner = NULL, lease_until = NULL,
	record = CAST(json_set(CAST(record AS TEXT), '$.status', 'failed', '$.finished_at', ?1, '$.error', json(?2)) AS BLOB)
WHERE id = ?3 AND lease_owner = ?4 AND attempts = ?5 AND status = 'running'`,
	drop: `DELETE FROM runs WHERE id = ?1 AND lease_owner = ?2 AND attempts = ?3 AND status = 'running'`,
	release: `UPDATE runs SET status = 'queued', lease_owner = NULL, lease_until = NULL, attempts = attempts - 1
WHERE id = ?1 AND lease_owner = ?2 AND attempts = ?3 AND status = 'running'`,
	recover: `UPDATE runs SET status = 'queued', lease_owner = NULL, lease_until = NULL,
	record = CAST(json_set(CAST(record AS TEXT), '$.status', 'queued') AS BLOB)
WHERE status = 'running'`,
	count: `SELECT (SELECT COUNT(*) FROM runs WHERE status = 'queued') + (SELECT COUNT(*) FROM runs WHERE status = 'running')`,
}
