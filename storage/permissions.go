package storage

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Permission lets a role perform an action on a collection: create, read,
// update or delete on items, or on one of the system collections; trigger
// on "flows", where Item narrows it to one flow (nil: every flow).
type Permission struct {
	ID         int64   `json:"id"`
	Role       string  `json:"role"`
	Collection string  `json:"collection"`
	Action     string  `json:"action"`
	Item       *string `json:"item"`
}

// permissionRow stores a Permission; "no item" is the empty string rather
// than NULL so that the unique index sees two grants of a whole collection
// as the same grant (SQL unique indexes never collide on NULL).
type permissionRow struct {
	ID         int64  `gorm:"primaryKey;autoIncrement"`
	Role       string `gorm:"not null;uniqueIndex:idx_permissions_grant,priority:1"`
	Collection string `gorm:"not null;uniqueIndex:idx_permissions_grant,priority:2"`
	Action     string `gorm:"not null;uniqueIndex:idx_permissions_grant,priority:3"`
	Item       string `gorm:"not null;default:'';uniqueIndex:idx_permissions_grant,priority:4"`
}

func (permissionRow) TableName() string { return "permissions" }

func (r permissionRow) permission() Permission {
	p := Permission{
		ID:         r.ID,
		Role:       r.Role,
		Collection: r.Collection,
		Action:     r.Action,
	}
	if r.Item != "" {
		item := r.Item
		p.Item = &item
	}
	return p
}

func rowOf(p Permission) permissionRow {
	r := permissionRow{
		ID:         p.ID,
		Role:       p.Role,
		Collection: p.Collection,
		Action:     p.Action,
	}
	if p.Item != nil {
		r.Item = *p.Item
	}
	return r
}

// ListPermissions reads every permission, or those of one role when role is
// not empty, in creation order.
func (s *Store) ListPermissions(ctx context.Context, role string) ([]Permission, error) {
	var rows []permissionRow
	q := s.read.WithContext(ctx).Order("id")
	if role != "" {
		q = q.Where("role = ?", role)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]Permission, len(rows))
	for i, r := range rows {
		out[i] = r.permission()
	}
	return out, nil
}

// GetPermission reads one permission.
func (s *Store) GetPermission(ctx context.Context, id int64) (*Permission, error) {
	var r permissionRow
	if err := s.read.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, fmt.Errorf("permission %d: %w", id, translate(err))
	}
	p := r.permission()
	return &p, nil
}

// CreatePermissions inserts permissions in one transaction and sets their
// ids; ErrConflict when one repeats an existing grant.
func (s *Store) CreatePermissions(ctx context.Context, ps []Permission) error {
	rows := make([]permissionRow, len(ps))
	for i, p := range ps {
		rows[i] = rowOf(p)
	}
	if err := s.write.WithContext(ctx).Create(&rows).Error; err != nil {
		return translate(err)
	}
	for i := range ps {
		ps[i].ID = rows[i].ID
	}
	return nil
}

// UpdatePermission replaces a permission's fields.
func (s *Store) UpdatePermission(ctx context.Context, p Permission) error {
	r := rowOf(p)
	res := s.write.WithContext(ctx).Model(&permissionRow{}).Where("id = ?", p.ID).
		Select("role", "collection", "action", "item").Updates(&r)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("permission %d: %w", p.ID, ErrNotFound)
	}
	return nil
}

// DeletePermissions removes permissions by id in one transaction;
// ErrNotFound (and nothing removed) when one does not exist.
func (s *Store) DeletePermissions(ctx context.Context, ids []int64) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Where("id IN ?", ids).Delete(&permissionRow{})
		if res.Error != nil {
			return translate(res.Error)
		}
		if int(res.RowsAffected) != len(ids) {
			return fmt.Errorf("permission: %w", ErrNotFound)
		}
		return nil
	})
}
