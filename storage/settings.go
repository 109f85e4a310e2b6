package storage

import (
	"context"

	"gorm.io/gorm/clause"
)

// setting is one server-wide value, such as the admin token's hash.
type setting struct {
	Key   string `gorm:"primaryKey"`
	Value string
}

// GetSetting reads a setting; ErrNotFound when it was never written.
func (s *Store) GetSetting(ctx context.Context, key string) (string, error) {
	var row setting
	if err := s.write.WithContext(ctx).Where("key = ?", key).Take(&row).Error; err != nil {
		return "", translate(err)
	}
	return row.Value, nil
}

// PutSetting writes a setting.
func (s *Store) PutSetting(ctx context.Context, key, value string) error {
	row := setting{Key: key, Value: value}
	return translate(s.write.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error)
}
