package storage

import (
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write collides with an existing record.
var ErrConflict = errors.New("conflict")

// translate maps gorm's and the databases' errors to the package's
// sentinels.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return ErrConflict
	case postgresNUL(err):
		return fmt.Errorf("%w: the text holds the character U+0000, which PostgreSQL cannot store", ErrInvalidPayload)
	default:
		return err
	}
}
