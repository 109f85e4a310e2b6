package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Role is a named set of permissions that users hold; a role with
// AdminAccess may do everything.
type Role struct {
	ID          string    `json:"id" gorm:"primaryKey"`
	Name        string    `json:"name" gorm:"not null"`
	Description string    `json:"description"`
	AdminAccess bool      `json:"admin_access" gorm:"not null"`
	DateCreated time.Time `json:"date_created"`
}

// TableName is the roles table.
func (Role) TableName() string { return "roles" }

// ListRoles reads every role, oldest first.
func (s *Store) ListRoles(ctx context.Context) ([]Role, error) {
	roles := []Role{}
	err := s.read.WithContext(ctx).Order("date_created, id").Find(&roles).Error
	return roles, translate(err)
}

// GetRole reads one role.
func (s *Store) GetRole(ctx context.Context, id string) (*Role, error) {
	var r Role
	if err := s.read.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, fmt.Errorf("role %s: %w", id, translate(err))
	}
	return &r, nil
}

// CreateRoles inserts roles in one transaction; ErrConflict when an id is
// taken.
func (s *Store) CreateRoles(ctx context.Context, roles []Role) error {
	return translate(s.write.WithContext(ctx).Create(&roles).Error)
}

// EnsureRoles inserts the roles that do not exist yet and leaves the others
// as they are (built-in roles on every start).
func (s *Store) EnsureRoles(ctx context.Context, roles ...Role) error {
	return translate(s.write.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&roles).Error)
}

// UpdateRole replaces a role's fields.
func (s *Store) UpdateRole(ctx context.Context, r Role) error {
	res := s.write.WithContext(ctx).Model(&Role{}).Where("id = ?", r.ID).
		Select("name", "description", "admin_access").Updates(&r)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("role %s: %w", r.ID, ErrNotFound)
	}
	return nil
}

// DeleteRole removes a role with its permissions; its users keep their
// accounts without a role.
func (s *Store) DeleteRole(ctx context.Context, id string) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Where("id = ?", id).Delete(&Role{})
		if res.Error != nil {
			return translate(res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("role %s: %w", id, ErrNotFound)
		}
		if err := tx.Where("role = ?", id).Delete(&permissionRow{}).Error; err != nil {
			return translate(err)
		}
		return translate(tx.Model(&User{}).Where("role = ?", id).Update("role", nil).Error)
	})
}
