package storage

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// seedOrders stores n orders in collection c: status cycles through three
// values, created walks back a minute per order, total 0–999.
func seedOrders(b testing.TB, s *Store, c string, n int) {
	b.Helper()
	ctx := context.Background()
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	statuses := []string{"active", "draft", "archived"}
	batch := make([]map[string]any, 0, 1000)
	for i := 0; i < n; i++ {
		batch = append(batch, map[string]any{
			"status": statuses[i%3], "created": start.Add(-time.Duration(i) * time.Minute).Format("2006-01-02T15:04:05.000Z"),
			"total": float64(i % 1000), "customer": fmt.Sprintf("c_%d", i%5000), "email": fmt.Sprintf("user%d@example.com", i),
		})
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := s.CreateItems(ctx, c, batch, WriteOptions{Quiet: true}); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}

// BenchmarkReadFilterSort100k reads 100 orders out of 100 000 with a
// filter and a sort, with the collection's declared index and without.
// The plans are logged (go test -bench ReadFilterSort100k -v).
func BenchmarkReadFilterSort100k(b *testing.B) {
	queries := []struct{ name, params string }{
		{"status=active sort -created", `{"filter": {"status": {"_eq": "active"}}, "sort": "-created", "limit": 100}`},
		{"total>900 sort -total", `{"filter": {"total": {"_gt": 900}}, "sort": "-total", "limit": 100}`},
		{"count status=active last week", `{"filter": {"status": {"_eq": "active"}, "created": {"_gte": "2024-12-25"}}, "aggregate": {"count": "*"}}`},
	}
	for _, indexed := range []bool{true, false} {
		s := openTestStore(b)
		name := "no_index"
		if indexed {
			name = "indexed"
			if _, err := s.CreateCollection(context.Background(), Collection{
				Name:    "orders",
				Indexes: [][]string{{"status", "created"}, {"total"}},
			}); err != nil {
				b.Fatal(err)
			}
		}
		seedOrders(b, s, "orders", 100_000)
		seedOrders(b, s, "other", 10_000) // another collection in the same table
		if s.Dialect() == DialectPostgres {
			// What autovacuum does shortly after a bulk load: statistics,
			// those of the expression indexes included, for the planner.
			if err := s.write.Exec("ANALYZE items").Error; err != nil {
				b.Fatal(err)
			}
		}
		for _, q := range queries {
			b.Run(name+"/"+q.name, func(b *testing.B) {
				p := params(b, q.params)
				b.Logf("plan:\n%s", explainRead(b, s, "orders", p))
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					page, err := s.ReadItems(ctx, "orders", ItemQuery{Params: p})
					if err != nil || len(page.Data) == 0 {
						b.Fatalf("read: %v, %d rows", err, len(page.Data))
					}
				}
			})
		}
	}
}
