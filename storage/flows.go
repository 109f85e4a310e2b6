package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsonnum"
	"gorm.io/gorm"
)

// flowRow is a flow's own fields; its operations live in operationRow.
type flowRow struct {
	ID             string `gorm:"primaryKey"`
	Name           string
	Icon           string
	Color          string
	Description    string
	Status         string
	Trigger        string
	Accountability *string
	Options        []byte
	Operation      *string
	DateCreated    time.Time
	DateUpdated    *time.Time
}

func (flowRow) TableName() string { return "flows" }

// operationRow is one operation; (flow_id, id) is unique because operation
// ids are unique per flow (seed-form ids such as "validate" repeat across
// flows).
type operationRow struct {
	FlowID      string `gorm:"primaryKey"`
	ID          string `gorm:"primaryKey"`
	Sort        int
	Key         string
	Type        string
	Name        string
	PositionX   int
	PositionY   int
	Options     []byte
	Resolve     *string
	Reject      *string
	DateCreated time.Time
}

func (operationRow) TableName() string { return "operations" }

// SaveFlows inserts or replaces flows and all their operations in one
// transaction.
func (s *Store) SaveFlows(ctx context.Context, fs ...*flows.Flow) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, f := range fs {
			if err := saveFlow(tx, f); err != nil {
				return err
			}
		}
		return nil
	})
}

// saveFlow writes one flow and replaces its operations.
func saveFlow(tx *gorm.DB, f *flows.Flow) error {
	row, ops, err := toRows(f)
	if err != nil {
		return err
	}
	if err := tx.Save(row).Error; err != nil {
		return fmt.Errorf("save flow %s: %w", f.ID, translate(err))
	}
	if err := tx.Where("flow_id = ?", f.ID).Delete(&operationRow{}).Error; err != nil {
		return fmt.Errorf("replace operations of flow %s: %w", f.ID, translate(err))
	}
	if len(ops) > 0 {
		// Batches keep each INSERT under SQLite's bound-variable limit.
		if err := tx.CreateInBatches(&ops, 500).Error; err != nil {
			return fmt.Errorf("save operations of flow %s: %w", f.ID, translate(err))
		}
	}
	return syncSchedule(tx, f)
}

// GetFlow reads one flow with its operations.
// The id may be written in any case (flows.CanonicalID).
func (s *Store) GetFlow(ctx context.Context, id string) (*flows.Flow, error) {
	var row flowRow
	if err := s.read.WithContext(ctx).Where("id IN ?", flowIDForms(id)).Take(&row).Error; err != nil {
		return nil, translate(err)
	}
	var ops []operationRow
	if err := s.read.WithContext(ctx).Where("flow_id = ?", row.ID).Order("sort").Find(&ops).Error; err != nil {
		return nil, translate(err)
	}
	return fromRows(&row, ops)
}

// ListFlows reads every flow with its operations, oldest first.
func (s *Store) ListFlows(ctx context.Context) ([]*flows.Flow, error) {
	var rows []flowRow
	if err := s.read.WithContext(ctx).Order("date_created, id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	var ops []operationRow
	if err := s.read.WithContext(ctx).Order("flow_id, sort").Find(&ops).Error; err != nil {
		return nil, translate(err)
	}
	byFlow := map[string][]operationRow{}
	for _, op := range ops {
		byFlow[op.FlowID] = append(byFlow[op.FlowID], op)
	}
	out := make([]*flows.Flow, 0, len(rows))
	for i := range rows {
		f, err := fromRows(&rows[i], byFlow[rows[i].ID])
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// DeleteFlow removes a flow and its operations.
// The id may be written in any case (flows.CanonicalID).
func (s *Store) DeleteFlow(ctx context.Context, id string) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Where("id IN ?", flowIDForms(id)).Delete(&flowRow{})
		if res.Error != nil {
			return translate(res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		if err := dropSchedule(tx, flowIDForms(id)...); err != nil {
			return err
		}
		return translate(tx.Where("flow_id IN ?", flowIDForms(id)).Delete(&operationRow{}).Error)
	})
}

// flowIDForms are the stored ids a flow id given by a caller may name: its
// canonical form, and the id as written (flows saved before ids were kept
// in canonical form).
func flowIDForms(id string) []string {
	if c := flows.CanonicalID(id); c != id {
		return []string{c, id}
	}
	return []string{id}
}

// FlowIDsOfOperation returns the flows that hold an operation with that id
// (several when seed-form ids repeat across flows).
func (s *Store) FlowIDsOfOperation(ctx context.Context, opID string) ([]string, error) {
	var ids []string
	err := s.read.WithContext(ctx).Model(&operationRow{}).Where("id = ?", opID).Order("flow_id").Pluck("flow_id", &ids).Error
	return ids, translate(err)
}

func toRows(f *flows.Flow) (*flowRow, []operationRow, error) {
	opts, err := json.Marshal(f.Options)
	if err != nil {
		return nil, nil, fmt.Errorf("encode flow options: %w", err)
	}
	row := &flowRow{
		ID:             f.ID,
		Name:           f.Name,
		Icon:           f.Icon,
		Color:          f.Color,
		Description:    f.Description,
		Status:         f.Status,
		Trigger:        f.Trigger,
		Accountability: f.Accountability,
		Options:        opts,
		Operation:      f.Operation,
		DateCreated:    f.DateCreated,
		DateUpdated:    f.DateUpdated,
	}
	ops := make([]operationRow, len(f.Operations))
	for i, op := range f.Operations {
		o, err := json.Marshal(op.Options)
		if err != nil {
			return nil, nil, fmt.Errorf("encode options of operation %s: %w", op.Key, err)
		}
		ops[i] = operationRow{
			FlowID:      f.ID,
			ID:          op.ID,
			Sort:        i,
			Key:         op.Key,
			Type:        op.Type,
			Name:        op.Name,
			PositionX:   op.PositionX,
			PositionY:   op.PositionY,
			Options:     o,
			Resolve:     op.Resolve,
			Reject:      op.Reject,
			DateCreated: op.DateCreated,
		}
	}
	return row, ops, nil
}

func fromRows(row *flowRow, ops []operationRow) (*flows.Flow, error) {
	options, err := decodeOptions(row.Options)
	if err != nil {
		return nil, fmt.Errorf("decode options of flow %s: %w", row.ID, err)
	}
	f := &flows.Flow{
		ID:             row.ID,
		Name:           row.Name,
		Icon:           row.Icon,
		Color:          row.Color,
		Description:    row.Description,
		Status:         row.Status,
		Trigger:        row.Trigger,
		Accountability: row.Accountability,
		Operation:      row.Operation,
		DateCreated:    row.DateCreated,
		DateUpdated:    row.DateUpdated,
		Options:        options,
	}
	for _, r := range ops {
		opOptions, err := decodeOptions(r.Options)
		if err != nil {
			return nil, fmt.Errorf("decode options of operation %s/%s: %w", r.FlowID, r.ID, err)
		}
		f.Operations = append(f.Operations, &flows.Operation{
			ID:          r.ID,
			Key:         r.Key,
			Type:        r.Type,
			Name:        r.Name,
			PositionX:   r.PositionX,
			PositionY:   r.PositionY,
			Resolve:     r.Resolve,
			Reject:      r.Reject,
			Flow:        r.FlowID,
			DateCreated: r.DateCreated,
			Options:     opOptions,
		})
	}
	return f, nil
}

// decodeOptions decodes a flow's or an operation's stored options; none
// stored is an empty object.
func decodeOptions(raw []byte) (map[string]any, error) {
	options := map[string]any{}
	if len(raw) > 0 {
		if err := jsonnum.Unmarshal(raw, &options); err != nil {
			return nil, err
		}
	}
	return options, nil
}
