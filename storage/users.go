package storage

import (
	"context"
	"fmt"
	"time"
)

// User is someone who calls the API with a static token. TokenHash is the
// token's stored form; the token itself is never stored.
type User struct {
	ID          string     `json:"id" gorm:"primaryKey"`
	Email       *string    `json:"email" gorm:"uniqueIndex"`
	FirstName   string     `json:"first_name"`
	LastName    string     `json:"last_name"`
	Role        *string    `json:"role" gorm:"index"`
	Status      string     `json:"status" gorm:"not null"`
	TokenHash   *string    `json:"-" gorm:"uniqueIndex"`
	DateCreated time.Time  `json:"date_created"`
	DateUpdated *time.Time `json:"date_updated"`
}

// TableName is the users table.
func (User) TableName() string { return "users" }

// ListUsers reads every user, oldest first.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	users := []User{}
	err := s.read.WithContext(ctx).Order("date_created, id").Find(&users).Error
	return users, translate(err)
}

// GetUser reads one user.
func (s *Store) GetUser(ctx context.Context, id string) (*User, error) {
	var u User
	if err := s.read.WithContext(ctx).Where("id = ?", id).Take(&u).Error; err != nil {
		return nil, fmt.Errorf("user %s: %w", id, translate(err))
	}
	return &u, nil
}

// UserByTokenHash finds the user whose token hashes to hash: one indexed
// read.
func (s *Store) UserByTokenHash(ctx context.Context, hash string) (*User, error) {
	var u User
	if err := s.read.WithContext(ctx).Where("token_hash = ?", hash).Take(&u).Error; err != nil {
		return nil, translate(err)
	}
	return &u, nil
}

// CreateUsers inserts users in one transaction; ErrConflict when an id or
// an email is taken.
func (s *Store) CreateUsers(ctx context.Context, users []User) error {
	return translate(s.write.WithContext(ctx).Create(&users).Error)
}

// UpdateUser replaces a user's fields, its token hash included.
func (s *Store) UpdateUser(ctx context.Context, u User) error {
	res := s.write.WithContext(ctx).Model(&User{}).Where("id = ?", u.ID).
		Select("email", "first_name", "last_name", "role", "status", "token_hash", "date_updated").Updates(&u)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("user %s: %w", u.ID, ErrNotFound)
	}
	return nil
}

// DeleteUser removes a user (and so its token).
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	res := s.write.WithContext(ctx).Where("id = ?", id).Delete(&User{})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("user %s: %w", id, ErrNotFound)
	}
	return nil
}
