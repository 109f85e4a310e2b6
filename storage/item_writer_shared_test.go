package storage

import (
	"context"
	"sync"
	"testing"

	"github.com/hookflow/hookflow/internal/testdb"
)

// TestBatchesOfTwoServersDoNotDeadlock: two stores on one PostgreSQL
// database write the same collections at once, each batch holding writes
// to several of them in whatever order they came. Batches lock what they
// write in one order (or are run again when PostgreSQL breaks a deadlock),
// so every write succeeds.
func TestBatchesOfTwoServersDoNotDeadlock(t *testing.T) {
	t.Parallel()
	testdb.RequirePostgres(t, "servers sharing a PostgreSQL database (a SQLite file has one writer)")
	cfg := testConfig(t)
	ctx := context.Background()
	collections := []string{"a", "b", "c", "d"}
	const writers, writes = 8, 60
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for server := range 2 {
		s, err := Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range writes {
					// The servers go through the collections in opposite
					// directions, each writer from its own start.
					k := (w + i) % len(collections)
					if server == 1 {
						k = len(collections) - 1 - k
					}
					if _, err := s.CreateItems(ctx, collections[k], []map[string]any{{"n": float64(i)}}, WriteOptions{}); err != nil {
						mu.Lock()
						failed++
						if failed <= 3 {
							t.Errorf("server %d writer %d write %d: %v", server, w, i, err)
						}
						mu.Unlock()
					}
				}
			}()
		}
	}
	wg.Wait()
	if failed > 0 {
		t.Fatalf("%d of %d writes failed", failed, 2*writers*writes)
	}
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var total int64
	for _, c := range collections {
		page, err := s.ReadItems(ctx, c, ItemQuery{Params: params(t, `{"meta": "total_count", "limit": 0}`)})
		if err != nil {
			t.Fatal(err)
		}
		total += page.Meta["total_count"].(int64)
	}
	if want := int64(2 * writers * writes); total != want {
		t.Fatalf("%d items stored, want %d", total, want)
	}
}
