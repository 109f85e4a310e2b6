package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Delivery statuses.
const (
	// DeliveryPending waits for its next attempt (NextAttemptAt).
	DeliveryPending = "pending"
	// DeliverySucceeded got a 2xx answer.
	DeliverySucceeded = "succeeded"
	// DeliveryFailed gave up: attempts exhausted, 410 Gone, or the
	// subscription was disabled.
	DeliveryFailed = "failed"
)

// Delivery is one message owed to one subscription: the durable queue
// entry and, once attempted, the head of its attempt log. It is written
// before any attempt is made (inside the item write's own transaction for
// item events), so an acknowledged event is never lost.
type Delivery struct {
	ID        int64 `gorm:"primaryKey;autoIncrement"`
	WebhookID int64 `gorm:"not null;index"`
	// MessageID ("evt_…") is sent as webhook-id on every attempt, so
	// receivers can recognise a retry.
	MessageID string `gorm:"not null"`
	// Event is the event's name ("orders.created", "report.generated").
	Event string `gorm:"not null"`
	// Message is the event document the request body is rendered from.
	Message json.RawMessage `gorm:"not null"`
	Status  string          `gorm:"not null"`
	// Attempts counts the attempts made.
	Attempts int
	// NextAttemptAt is when a pending delivery is due (Unix milliseconds;
	// an integer so that the due-order index compares numbers).
	NextAttemptAt int64
	// LastStatus and LastError summarise the latest attempt.
	LastStatus    int
	LastError     string
	LastAttemptAt *time.Time
	// Test marks the synchronous deliveries of the test endpoints.
	Test bool
	// TakenFrom names the server whose expired lease a claim took the
	// delivery over from (PostgreSQL; not stored).
	TakenFrom string    `gorm:"-"`
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
}

// TableName names the deliveries table.
func (Delivery) TableName() string { return "webhook_deliveries" }

// deliveryInsert begins an INSERT of new deliveries.
const deliveryInsert = "INSERT INTO webhook_deliveries (webhook_id, message_id, event, message, status, attempts, next_attempt_at, last_status, last_error, test, created_at, updated_at) VALUES "

// insertDeliveries inserts rows in multi-row statements inside tx and sets
// their ids. RETURNING promises no order, so ids are matched back by
// (subscription, message), which is unique within one call.
func insertDeliveries(tx *gorm.DB, rows []*Delivery) error {
	const perRow = 12
	type rowKey struct {
		webhook int64
		message string
	}
	for start := 0; start < len(rows); start += maxInsertRows {
		chunk := rows[start:min(start+maxInsertRows, len(rows))]
		stmt := appendRows([]byte(deliveryInsert), len(chunk), perRow)
		stmt = append(stmt, " RETURNING id, webhook_id, message_id"...)
		args := make([]any, 0, perRow*len(chunk))
		byKey := make(map[rowKey]*Delivery, len(chunk))
		for _, d := range chunk {
			if d.Status == "" {
				d.Status = DeliveryPending
			}
			args = append(args, d.WebhookID, d.MessageID, d.Event, []byte(d.Message), d.Status, d.Attempts,
				d.NextAttemptAt, d.LastStatus, d.LastError, d.Test, d.CreatedAt, d.UpdatedAt)
			byKey[rowKey{d.WebhookID, d.MessageID}] = d
		}
		rs, err := tx.Raw(string(stmt), args...).Rows()
		if err != nil {
			return fmt.Errorf("queue deliveries: %w", translate(err))
		}
		for rs.Next() {
			var k rowKey
			var id int64
			if err := rs.Scan(&id, &k.webhook, &k.message); err != nil {
				rs.Close()
				return fmt.Errorf("queue deliveries: %w", err)
			}
			if d := byKey[k]; d != nil {
				d.ID = id
			}
		}
		if err := rs.Err(); err != nil {
			rs.Close()
			return fmt.Errorf("queue deliveries: %w", err)
		}
		if err := rs.Close(); err != nil {
			return fmt.Errorf("queue deliveries: %w", err)
		}
	}
	return nil
}

// InsertDeliveries stores deliveries in one transaction and sets their
// ids (deliveries of events that are not item writes: emitted events and
// alerts).
func (s *Store) InsertDeliveries(ctx context.Context, rows []*Delivery) error {
	if len(rows) == 0 {
		return nil
	}
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return insertDeliveries(tx, rows) })
}

// CreateDelivery stores one delivery and sets its id (a test delivery,
// recorded as it is attempted).
func (s *Store) CreateDelivery(ctx context.Context, d *Delivery) error {
	if err := s.write.WithContext(ctx).Create(d).Error; err != nil {
		return fmt.Errorf("record delivery: %w", translate(err))
	}
	return nil
}

// PendingDue returns, per subscription with pending deliveries, when the
// first of them is due (Unix ms).
func (s *Store) PendingDue(ctx context.Context) (map[int64]int64, error) {
	var rows []struct {
		WebhookID int64
		Due       int64
	}
	err := s.read.WithContext(ctx).Model(&Delivery{}).Select("webhook_id, MIN(next_attempt_at) AS due").
		Where("status = ?", DeliveryPending).Group("webhook_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read pending deliveries: %w", translate(err))
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.WebhookID] = r.Due
	}
	return out, nil
}

// GetDelivery reads one delivery. A delivery of a deleted subscription,
// waiting for PurgeDeliveries, is not found.
func (s *Store) GetDelivery(ctx context.Context, id int64) (*Delivery, error) {
	var d Delivery
	if err := s.read.WithContext(ctx).Where("id = ? AND NOT "+orphanDelivery, id).Take(&d).Error; err != nil {
		return nil, fmt.Errorf("delivery %d: %w", id, translate(err))
	}
	return &d, nil
}

// DeliveryFilter narrows a delivery listing; zero fields do not filter.
type DeliveryFilter struct {
	WebhookID int64
	IDs       []int64
	Status    string
	Event     string
	// Attempted, when set, keeps deliveries with (true) or without (false)
	// attempts.
	Attempted *bool
	// Desc lists newest first.
	Desc   bool
	Limit  int
	Offset int
}

// ListDeliveries lists deliveries (by id) and counts all that match,
// leaving out those of deleted subscriptions (waiting for
// PurgeDeliveries).
func (s *Store) ListDeliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, int64, error) {
	q := s.read.WithContext(ctx).Model(&Delivery{}).Where("NOT " + orphanDelivery)
	if f.WebhookID != 0 {
		q = q.Where("webhook_id = ?", f.WebhookID)
	}
	if f.IDs != nil {
		q = q.Where("id IN ?", f.IDs)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Event != "" {
		q = q.Where("event = ?", f.Event)
	}
	if f.Attempted != nil {
		if *f.Attempted {
			q = q.Where("attempts > 0")
		} else {
			q = q.Where("attempts = 0")
		}
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count deliveries: %w", translate(err))
	}
	order := "id"
	if f.Desc {
		order = "id DESC"
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var rows []*Delivery
	if err := q.Order(order).Offset(f.Offset).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("list deliveries: %w", translate(err))
	}
	return rows, total, nil
}

// RequeueDelivery makes a delivery pending again, due at once (a manual
// resend); its attempt log is kept and continues.
func (s *Store) RequeueDelivery(ctx context.Context, id int64, now time.Time) (*Delivery, error) {
	res := s.write.WithContext(ctx).Model(&Delivery{}).Where("id = ?", id).
		Updates(map[string]any{"status": DeliveryPending, "next_attempt_at": now.UnixMilli(), "updated_at": now})
	if res.Error != nil {
		return nil, fmt.Errorf("resend delivery %d: %w", id, translate(res.Error))
	}
	if res.RowsAffected == 0 {
		return nil, fmt.Errorf("delivery %d: %w", id, ErrNotFound)
	}
	var d Delivery
	if err := s.write.WithContext(ctx).Where("id = ?", id).Take(&d).Error; err != nil {
		return nil, translate(err)
	}
	return &d, nil
}
