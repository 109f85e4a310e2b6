package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Attempt is one HTTP request made for a delivery, as logged: what was
// sent (headers with secrets redacted, a hash of the body) and what came
// back (status, headers, the start of the body), or why nothing came back.
type Attempt struct {
	ID         int64 `gorm:"primaryKey;autoIncrement"`
	DeliveryID int64 `gorm:"not null;index"`
	// WebhookID is not indexed: attempts are found through their delivery,
	// and one index fewer is one B-tree insert fewer per attempt.
	WebhookID int64 `gorm:"not null"`
	// Number counts the delivery's attempts from 1.
	Number     int
	StartedAt  time.Time `gorm:"autoCreateTime:false"`
	DurationMS float64
	RequestURL string
	// RequestMethod, RequestHeaders (one value per name, secrets redacted)
	// and RequestBodySHA256 (hex) describe the request.
	RequestMethod     string
	RequestHeaders    map[string]string `gorm:"serializer:json"`
	RequestBodySHA256 string
	// ResponseStatus is 0 when no response arrived.
	ResponseStatus  int
	ResponseHeaders map[string]string `gorm:"serializer:json"`
	// ResponseBody is the first 64 KiB of the response body.
	ResponseBody string
	// ErrorClass is "" for a 2xx answer, else dns, connect, tls, timeout,
	// blocked (refused by the outbound policy) or status (a non-2xx answer).
	ErrorClass string
	Error      string
}

// TableName names the attempts table.
func (Attempt) TableName() string { return "webhook_attempts" }

// AttemptOutcome is a finished attempt and the state it leaves its
// delivery in.
type AttemptOutcome struct {
	Attempt *Attempt
	// Status is the delivery's new status; NextAttemptAt (Unix ms) is when
	// a pending delivery is due again.
	Status        string
	NextAttemptAt int64
	// Succeeded says whether the attempt counts as a success for the
	// subscription's failure record (a 2xx answer).
	Succeeded bool
	// Test marks an attempt of a test delivery: logged like any other, it
	// leaves the subscription's last_triggered and failure record alone
	// (a test is no delivery: neither its failure nor its success says
	// anything about the events the subscription was sent).
	Test bool
}

const (
	attemptColumnNames = `delivery_id, webhook_id, number, started_at, duration_ms, request_url,
		request_method, request_headers, request_body_sha256, response_status, response_headers, response_body, error_class, error`
	attemptColumns = 14
	// updateDeliveriesSQL sets each delivery's new state from a VALUES
	// list of (id, status, attempts, next_attempt_at, last_status,
	// last_error, last_attempt_at, updated_at).
	updateDeliveriesSQL = `UPDATE webhook_deliveries SET status = v.column2, attempts = v.column3,
		next_attempt_at = v.column4, last_status = v.column5, last_error = v.column6, last_attempt_at = v.column7,
		updated_at = v.column8 FROM (VALUES `
	updateDeliveriesEnd = `) AS v WHERE webhook_deliveries.id = v.column1`
	// updateLeasedDeliveriesSQL and updateLeasedDeliveriesEnd do the same
	// on PostgreSQL, ending the recording server's leases, and leave alone
	// a delivery another server took over (its lease had expired): the
	// last parameter names the recording server.
	updateLeasedDeliveriesSQL = `UPDATE webhook_deliveries SET status = v.column2, attempts = v.column3,
		next_attempt_at = v.column4, last_status = v.column5, last_error = v.column6, last_attempt_at = v.column7,
		updated_at = v.column8, lease_owner = NULL, lease_until = NULL FROM (VALUES `
	updateLeasedDeliveriesEnd = `) AS v WHERE webhook_deliveries.id = v.column1
		AND (webhook_deliveries.lease_owner IS NULL OR webhook_deliveries.lease_owner = ?)`
	deliveryColumns = 8
	failingSinceSQL = `SELECT failing_since FROM webhooks WHERE id = ?`
)

// CompleteAttempts records finished attempts in one transaction (setting
// their ids): the attempt log, each delivery's new state, and each subscription's
// last_triggered and failure record (test attempts excepted). It returns, for every subscription
// whose last attempt in the batch failed, since when it has been failing.
func (s *Store) CompleteAttempts(ctx context.Context, outcomes []*AttemptOutcome) (map[int64]time.Time, error) {
	e := s.engine
	e.leaseOwner = s.instance
	sqlDB, err := s.write.DB()
	if err != nil {
		return nil, err
	}
	var queries []string
	for _, n := range chunkSizes(len(outcomes)) {
		queries = append(queries, attemptStatements(e, n)...)
	}
	if err := s.stmts.prepare(ctx, queries...); err != nil {
		return nil, fmt.Errorf("record attempts: %w", err)
	}
	tx, err := sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("record attempts: %w", err)
	}
	failing, err := completeAttempts(ctx, tx, s.stmts, e, outcomes)
	if err != nil {
		_ = tx.Rollback()
		return nil, fmt.Errorf("record attempts: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("record attempts: %w", err)
	}
	return failing, nil
}

// subscriptionRecord is what a batch of attempts does to one subscription.
type subscriptionRecord struct {
	last time.Time
	// succeeded: some attempt succeeded; failingSince is then the first
	// failure after the last success (zero: none).
	succeeded    bool
	failingSince time.Time
}

// attemptChunks are the row counts of the statements attempts are written
// with: a batch is cut greedily into them, so a few statement texts serve
// every batch size and stay prepared.
var attemptChunks = []int{32, 8, 1}

// chunkSizes cuts n rows greedily into attemptChunks.
func chunkSizes(n int) []int {
	var out []int
	for n > 0 {
		for _, size := range attemptChunks {
			if n >= size {
				out = append(out, size)
				n -= size
				break
			}
		}
	}
	return out
}

// attemptStatements are the insert and update texts for n outcomes.
func attemptStatements(e engine, n int) []string {
	insert := e.insertAttempts(n)
	update := []byte(e.updateDeliveries)
	for i := 0; i < n; i++ {
		if i > 0 {
			update = append(update, ", "...)
		}
		update = append(update, e.deliveryStateRow...)
	}
	update = append(update, e.updateDeliveriesEnd...)
	return []string{insert, string(update)}
}

// completeAttempts writes the attempts in chunks; then, per subscription, a
// failure keeps the first failure's time and a success clears it.
func completeAttempts(ctx context.Context, tx *sql.Tx, stmts *stmtCache, e engine, outcomes []*AttemptOutcome) (map[int64]time.Time, error) {
	rest := outcomes
	for _, n := range chunkSizes(len(outcomes)) {
		if err := writeAttempts(ctx, tx, stmts, e, rest[:n]); err != nil {
			return nil, err
		}
		rest = rest[n:]
	}
	records := map[int64]*subscriptionRecord{}
	var order []int64
	for _, o := range outcomes {
		if o.Test {
			continue
		}
		a := o.Attempt
		r := records[a.WebhookID]
		if r == nil {
			r = &subscriptionRecord{}
			records[a.WebhookID] = r
			order = append(order, a.WebhookID)
		}
		if a.StartedAt.After(r.last) {
			r.last = a.StartedAt
		}
		switch {
		case o.Succeeded:
			r.succeeded, r.failingSince = true, time.Time{}
		case r.failingSince.IsZero():
			r.failingSince = a.StartedAt
		}
	}
	failing := map[int64]time.Time{}
	for _, id := range order {
		r := records[id]
		if r.succeeded {
			var since any
			if !r.failingSince.IsZero() {
				since, failing[id] = r.failingSince, r.failingSince
			}
			if _, err := tx.ExecContext(ctx, e.rebind(e.subscriptionSucceeded), r.last, since, id); err != nil {
				return nil, fmt.Errorf("webhook %d: %w", id, err)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, e.rebind(e.subscriptionFailed), r.last, r.failingSince, id); err != nil {
			return nil, fmt.Errorf("webhook %d: %w", id, err)
		}
		var since sql.NullTime
		err := tx.QueryRowContext(ctx, e.rebind(failingSinceSQL), id).Scan(&since)
		if err == sql.ErrNoRows {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("webhook %d: %w", id, err)
		}
		if since.Valid {
			failing[id] = since.Time
		}
	}
	return failing, nil
}

// writeAttempts inserts a chunk of attempts and updates their deliveries,
// one statement each: the per-statement cost, not the rows, dominates
// small writes.
func writeAttempts(ctx context.Context, tx *sql.Tx, stmts *stmtCache, e engine, chunk []*AttemptOutcome) error {
	texts := attemptStatements(e, len(chunk))
	attemptArgs := make([]any, 0, attemptColumns*len(chunk))
	deliveryArgs := make([]any, 0, deliveryColumns*len(chunk))
	for _, o := range chunk {
		a := o.Attempt
		reqHeaders, err := marshalJSON(a.RequestHeaders)
		if err != nil {
			return err
		}
		respHeaders, err := marshalJSON(a.ResponseHeaders)
		if err != nil {
			return err
		}
		attemptArgs = append(attemptArgs, a.DeliveryID, a.WebhookID, a.Number, a.StartedAt, a.DurationMS, a.RequestURL,
			a.RequestMethod, string(reqHeaders), a.RequestBodySHA256, a.ResponseStatus, string(respHeaders),
			e.logText(a.ResponseBody), a.ErrorClass, e.logText(a.Error))
		finished := a.StartedAt.Add(time.Duration(a.DurationMS * float64(time.Millisecond)))
		deliveryArgs = append(deliveryArgs, a.DeliveryID, o.Status, a.Number, o.NextAttemptAt, a.ResponseStatus, e.logText(a.Error),
			a.StartedAt, finished)
	}
	ins, err := stmts.in(ctx, tx, texts[0])
	if err != nil {
		return fmt.Errorf("insert attempts: %w", err)
	}
	if err := insertReturningIDs(ctx, ins, attemptArgs, chunk); err != nil {
		return fmt.Errorf("insert attempts: %w", err)
	}
	if e.leasedDeliveries {
		deliveryArgs = append(deliveryArgs, e.leaseOwner)
	}
	upd, err := stmts.in(ctx, tx, texts[1])
	if err != nil {
		return fmt.Errorf("update deliveries: %w", err)
	}
	if _, err := upd.ExecContext(ctx, deliveryArgs...); err != nil {
		return fmt.Errorf("update deliveries: %w", err)
	}
	return nil
}

// insertReturningIDs runs an insert of attempts that returns their ids,
// and gives each attempt its own: RETURNING promises no order, so they are
// matched by delivery and number, unique among the attempts of a batch.
func insertReturningIDs(ctx context.Context, ins *sql.Stmt, args []any, chunk []*AttemptOutcome) error {
	type attemptKey struct {
		delivery int64
		number   int
	}
	byKey := make(map[attemptKey]*Attempt, len(chunk))
	for _, o := range chunk {
		byKey[attemptKey{o.Attempt.DeliveryID, o.Attempt.Number}] = o.Attempt
	}
	rows, err := ins.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k attemptKey
		if err := rows.Scan(&id, &k.delivery, &k.number); err != nil {
			return err
		}
		if a := byKey[k]; a != nil {
			a.ID = id
		}
	}
	return rows.Err()
}

// ListAttempts returns a delivery's attempts, first first.
func (s *Store) ListAttempts(ctx context.Context, deliveryID int64) ([]*Attempt, error) {
	var rows []*Attempt
	err := s.read.WithContext(ctx).Where("delivery_id = ?", deliveryID).Order("number, id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("attempts of delivery %d: %w", deliveryID, translate(err))
	}
	return rows, nil
}

// LastAttempts returns the latest attempt of each of the given deliveries
// that has one, by delivery id.
func (s *Store) LastAttempts(ctx context.Context, deliveryIDs []int64) (map[int64]*Attempt, error) {
	out := make(map[int64]*Attempt, len(deliveryIDs))
	if len(deliveryIDs) == 0 {
		return out, nil
	}
	var rows []*Attempt
	err := s.read.WithContext(ctx).Where(`id IN (SELECT MAX(id) FROM webhook_attempts WHERE delivery_id IN ? GROUP BY delivery_id)`,
		deliveryIDs).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("last attempts: %w", translate(err))
	}
	for _, a := range rows {
		out[a.DeliveryID] = a
	}
	return out, nil
}
