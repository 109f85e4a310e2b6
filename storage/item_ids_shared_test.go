package storage

import (
	"context"
	"sync"
	"testing"

	"github.com/hookflow/hookflow/internal/testdb"
)

// TestAssignedIDsAcrossServers: two stores on one PostgreSQL database (two
// servers) write the same collection at once. Every assigned id is given
// once, each writer sees its ids increase, and together they leave no gap.
func TestAssignedIDsAcrossServers(t *testing.T) {
	t.Parallel()
	testdb.RequirePostgres(t, "servers sharing a PostgreSQL database (a SQLite file has one writer)")
	cfg := testConfig(t)
	ctx := context.Background()
	const servers, writers, writes = 2, 3, 40
	var mu sync.Mutex
	seen := map[float64]int{}
	var wg sync.WaitGroup
	for range servers {
		s, err := Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				last := 0.0
				for range writes {
					out, err := s.CreateItems(ctx, "orders", []map[string]any{{"n": 1.0}, {"n": 2.0}}, WriteOptions{})
					if err != nil {
						t.Error(err)
						return
					}
					for _, it := range out {
						id := it["id"].(float64)
						if id <= last {
							t.Errorf("id %v after %v", id, last)
						}
						last = id
						mu.Lock()
						seen[id]++
						mu.Unlock()
					}
				}
			}()
		}
	}
	wg.Wait()
	want := servers * writers * writes * 2
	for id := 1; id <= want; id++ {
		if n := seen[float64(id)]; n != 1 {
			t.Errorf("id %d given %d times", id, n)
		}
	}
	if len(seen) != want {
		t.Errorf("%d ids, want %d", len(seen), want)
	}
}
