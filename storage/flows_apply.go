package storage

import (
	"context"
	"fmt"

	"github.com/hookflow/hookflow/flows"
	"gorm.io/gorm"
)

// ApplyFlows saves flows (inserted or replaced with all their operations)
// and deletes the flows named by remove, in one transaction: all of it
// happens or none (`hookflow flows apply`). An id in remove that names no
// flow is ErrNotFound, and nothing changes.
func (s *Store) ApplyFlows(ctx context.Context, save []*flows.Flow, remove []string) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, f := range save {
			if err := saveFlow(tx, f); err != nil {
				return err
			}
		}
		for _, id := range remove {
			res := tx.Where("id IN ?", flowIDForms(id)).Delete(&flowRow{})
			if res.Error != nil {
				return fmt.Errorf("delete flow %s: %w", id, translate(res.Error))
			}
			if res.RowsAffected == 0 {
				return fmt.Errorf("delete flow %s: %w", id, ErrNotFound)
			}
			if err := tx.Where("flow_id IN ?", flowIDForms(id)).Delete(&operationRow{}).Error; err != nil {
				return fmt.Errorf("delete operations of flow %s: %w", id, translate(err))
			}
		}
		return nil
	})
}
