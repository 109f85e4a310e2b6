package storage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// How deliveries are claimed. The dispatcher of each server claims a
// webhook's due deliveries a batch at a time (ClaimDue) and attempts them,
// at most the webhook's cap at once. On SQLite one server owns the
// database: a claim is a read, and what the server holds lives in its
// memory. On PostgreSQL several servers claim from one table: a claim
// leases the deliveries it returns to this store (lease_owner,
// lease_until), so that no other server attempts them until the lease
// expires; the owner renews its leases while it works
// (RenewDeliveryLeases) and recording an attempt ends its lease
// (CompleteAttempts). The cap holds over all servers through the
// webhook's slots (hf_webhook_slots): a claim takes every free one, a
// server runs as many attempts at once as it holds slots, renews them with
// its leases and gives them back when it has no work for the webhook
// (ReleaseSlots). The SQL is hf_claim_deliveries (migration 00005).

// DeliveryClaim asks for a webhook's due deliveries.
type DeliveryClaim struct {
	WebhookID int64
	// Now is the claim's time (Unix ms): due deliveries are due by then.
	Now int64
	// Limit bounds the deliveries returned.
	Limit int
	// Skip are deliveries this server holds already: queued, in flight,
	// or recorded but not yet handed back to the dispatcher (on
	// PostgreSQL such a delivery's lease has ended with its record).
	Skip []int64
	// Cap is the webhook's slots: how many attempts of it may be in flight
	// over all servers.
	Cap int
	// LeaseUntil ends the leases the claim takes (Unix ms; PostgreSQL).
	LeaseUntil int64
}

// ClaimedDeliveries is what a claim got.
type ClaimedDeliveries struct {
	// Due are the deliveries claimed, oldest due first.
	Due []*Delivery
	// Next is when the first pending delivery not claimed is due (Unix
	// ms): Now or earlier when more are due already, 0 when none is known
	// (on PostgreSQL, deliveries other servers lease are not counted).
	Next int64
	// Slots is how many attempts of the webhook this server may run at
	// once: the cap on SQLite, the slots it holds on PostgreSQL (0: others
	// hold them all).
	Slots int
}

// ClaimDue claims up to c.Limit due deliveries of a webhook. It is the
// delivery queue's hottest read, so it scans rows by hand rather than
// through gorm.
func (s *Store) ClaimDue(ctx context.Context, c DeliveryClaim) (*ClaimedDeliveries, error) {
	if s.kind == DialectPostgres {
		return s.claimLeased(ctx, c)
	}
	return s.claimRead(ctx, c)
}

// claimColumns are the columns a claim reads: what an attempt needs.
const claimColumns = "id, webhook_id, message_id, event, message, attempts, next_attempt_at, test"

// claimRead reads due deliveries (SQLite), oldest due first, leaving out
// the ones held.
func (s *Store) claimRead(ctx context.Context, c DeliveryClaim) (*ClaimedDeliveries, error) {
	sqlDB, err := s.read.DB()
	if err != nil {
		return nil, err
	}
	query := make([]byte, 0, 200+2*len(c.Skip))
	query = append(query, "SELECT "+claimColumns+" FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending'"...)
	args := make([]any, 0, len(c.Skip)+2)
	args = append(args, c.WebhookID)
	if len(c.Skip) > 0 {
		query = append(query, " AND id NOT IN (?"...)
		query = append(query, strings.Repeat(", ?", len(c.Skip)-1)...)
		query = append(query, ')')
		for _, id := range c.Skip {
			args = append(args, id)
		}
	}
	// The count is written into the statement (dialect.limit).
	query = append(query, " ORDER BY next_attempt_at, id LIMIT "...)
	query = strconv.AppendInt(query, int64(c.Limit+1), 10)
	rows, err := sqlDB.QueryContext(ctx, s.engine.rebind(string(query)), args...)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries of webhook %d: %w", c.WebhookID, err)
	}
	defer rows.Close()
	out := &ClaimedDeliveries{Slots: c.Cap}
	for rows.Next() {
		d := &Delivery{Status: DeliveryPending}
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.MessageID, &d.Event, &d.Message, &d.Attempts, &d.NextAttemptAt, &d.Test); err != nil {
			return nil, fmt.Errorf("claim deliveries of webhook %d: %w", c.WebhookID, err)
		}
		if d.NextAttemptAt > c.Now || len(out.Due) == c.Limit {
			out.Next = max(d.NextAttemptAt, c.Now)
			return out, nil
		}
		out.Due = append(out.Due, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim deliveries of webhook %d: %w", c.WebhookID, err)
	}
	return out, nil
}

// claimLeasedSQL calls hf_claim_deliveries: webhook, now, limit, cap,
// this store, lease end, deliveries to skip.
const claimLeasedSQL = `SELECT id, message_id, event, message, attempts, next_attempt_at, test, taken_from, next_due, slots
FROM hf_claim_deliveries($1, $2, $3, $4, $5, $6, $7)`

// claimLeased leases due deliveries and the webhook's free slots
// (PostgreSQL).
func (s *Store) claimLeased(ctx context.Context, c DeliveryClaim) (*ClaimedDeliveries, error) {
	sqlDB, err := s.write.DB()
	if err != nil {
		return nil, err
	}
	skip := c.Skip
	if skip == nil {
		skip = []int64{} // an empty array, not NULL: <> ALL(NULL) holds for no row
	}
	rows, err := sqlDB.QueryContext(ctx, claimLeasedSQL, c.WebhookID, c.Now, c.Limit, c.Cap, s.instance, c.LeaseUntil, skip)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries of webhook %d: %w", c.WebhookID, err)
	}
	defer rows.Close()
	out := &ClaimedDeliveries{}
	for rows.Next() {
		var (
			id, attempts, due, next sql.NullInt64
			messageID, event, from  sql.NullString
			message                 []byte
			test                    sql.NullBool
			slots                   sql.NullInt32
		)
		if err := rows.Scan(&id, &messageID, &event, &message, &attempts, &due, &test, &from, &next, &slots); err != nil {
			return nil, fmt.Errorf("claim deliveries of webhook %d: %w", c.WebhookID, err)
		}
		if !id.Valid { // the summary row
			out.Next, out.Slots = next.Int64, int(slots.Int32)
			continue
		}
		out.Due = append(out.Due, &Delivery{
			ID:            id.Int64,
			WebhookID:     c.WebhookID,
			MessageID:     messageID.String,
			Event:         event.String,
			Message:       message,
			Status:        DeliveryPending,
			Attempts:      int(attempts.Int64),
			NextAttemptAt: due.Int64,
			Test:          test.Bool,
			TakenFrom:     from.String,
		})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim deliveries of webhook %d: %w", c.WebhookID, err)
	}
	// RETURNING promises no order.
	sortDue(out.Due)
	return out, nil
}

// sortDue orders deliveries as a claim returns them: due first, then by
// id.
func sortDue(ds []*Delivery) {
	slices.SortFunc(ds, func(a, b *Delivery) int {
		if c := cmp.Compare(a.NextAttemptAt, b.NextAttemptAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
