package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"gorm.io/gorm"
)

// benchOrder is the load workload's 307-byte order (see bench_test.go).
const benchOrder = `{"type":"order","customer_id":"c_123","items":[{"sku":"a","qty":2},{"sku":"b","qty":1},{"sku":"c","qty":5}],"total":99.99,"email":"x@example.com","currency":"EUR","created_at":"2025-01-15T10:30:00Z","shipping":{"name":"Ada Lovelace","street":"12 Example Road","city":"London","zip":"N1 9GU","country":"GB"}}`

// bareRow is a row shaped like an item, written with plain GORM: the
// yardstick the item writer is compared with.
type bareRow struct {
	Seq        int64  `gorm:"primaryKey"`
	Collection string `gorm:"uniqueIndex:bare_collection_key,priority:1"`
	Key        string `gorm:"uniqueIndex:bare_collection_key,priority:2"`
	Data       string
}

func (bareRow) TableName() string { return "bare_items" }

func bareStore(b *testing.B) *gorm.DB {
	s := openTestStore(b)
	if err := s.write.AutoMigrate(&bareRow{}); err != nil {
		b.Fatal(err)
	}
	return s.write
}

// BenchmarkBareInsertOnePerTx inserts the order JSON with plain GORM, one
// row per transaction, on the same write connection and settings as the
// store: what a writer without batching can do.
func BenchmarkBareInsertOnePerTx(b *testing.B) {
	db := bareStore(b)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		row := bareRow{Collection: "orders", Key: fmt.Sprint(n), Data: benchOrder}
		if err := db.Transaction(func(tx *gorm.DB) error { return tx.Create(&row).Error }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareInsertBatch100 inserts the same rows 100 per transaction
// (one multi-row INSERT); ns/op is per row.
func BenchmarkBareInsertBatch100(b *testing.B) {
	db := bareStore(b)
	b.ReportAllocs()
	n := 0
	rows := make([]bareRow, 0, 100)
	flush := func() {
		if len(rows) == 0 {
			return
		}
		if err := db.Transaction(func(tx *gorm.DB) error { return tx.Create(&rows).Error }); err != nil {
			b.Fatal(err)
		}
		rows = rows[:0]
	}
	for b.Loop() {
		n++
		rows = append(rows, bareRow{Collection: "orders", Key: fmt.Sprint(n), Data: benchOrder})
		if len(rows) == 100 {
			flush()
		}
	}
	flush()
}

// BenchmarkCreateItem creates one item per call from one goroutine: every
// write is its own commit.
func BenchmarkCreateItem(b *testing.B) {
	s := openTestStore(b)
	ctx := context.Background()
	var item map[string]any
	_ = json.Unmarshal([]byte(benchOrder), &item)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.CreateItems(ctx, "orders", []map[string]any{item}, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateItemConcurrent creates one item per call from 50
// goroutines, as 50 webhook connections do: writes that queue up share a
// commit.
func BenchmarkCreateItemConcurrent(b *testing.B) {
	s := openTestStore(b)
	ctx := context.Background()
	var item map[string]any
	_ = json.Unmarshal([]byte(benchOrder), &item)
	b.ReportAllocs()
	b.SetParallelism(concurrency())
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.CreateItems(ctx, "orders", []map[string]any{item}, WriteOptions{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// concurrency is the goroutines-per-CPU factor giving about 50 writers.
func concurrency() int { return max(1, 50/runtime.GOMAXPROCS(0)) }
