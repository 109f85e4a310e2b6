package storage

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// seedRuns stores n finished runs of a flow, one a minute up to end, and
// one queued run older than all of them.
func seedRuns(t *testing.T, s *Store, flow string, n int, end time.Time) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		doc := &RunRecord{
			ID: fmt.Sprintf("%s-%04d", flow, i), Flow: flow, Status: RunCompleted,
			CreatedAt: end.Add(-time.Duration(n-1-i) * time.Minute),
		}
		s.RecordRun(NewRun(doc, nil))
	}
	queued := &RunRecord{ID: flow + "-queued", Flow: flow, Status: RunQueued, CreatedAt: end.Add(-24 * time.Hour)}
	if err := s.RecordRunDurably(ctx, NewRun(queued, map[string]any{})); err != nil {
		t.Fatal(err)
	}
}

func runIDs(t *testing.T, s *Store, flow string) []string {
	t.Helper()
	runs, err := s.ListRuns(context.Background(), RunFilter{FlowID: flow})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	return ids
}

func TestPruneRuns(t *testing.T) {
	t.Parallel()
	// In a zone east of UTC, so that local and stored times differ.
	end := time.Date(2026, 3, 1, 12, 0, 0, 0, time.FixedZone("X", 5*3600))
	tests := []struct {
		name    string
		policy  RunRetention
		keepA   int // newest runs of flow a (of 1200) that stay
		keepB   int // of flow b (of 30)
		removed int
	}{
		{"by age", RunRetention{MaxAge: 10*time.Minute + time.Second}, 11, 11, 1189 + 19},
		{"by count", RunRetention{MaxPerFlow: 25}, 25, 25, 1175 + 5},
		{"both: the stricter wins", RunRetention{MaxAge: 20 * time.Minute, MaxPerFlow: 5}, 5, 5, 1195 + 25},
		{"off", RunRetention{}, 1200, 30, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := openTestStore(t)
			seedRuns(t, s, "a", 1200, end) // more than two delete batches
			seedRuns(t, s, "b", 30, end)
			tc.policy.Now = func() time.Time { return end }
			n, err := s.PruneRuns(context.Background(), tc.policy)
			if err != nil || n != tc.removed {
				t.Fatalf("removed %d (%v), want %d", n, err, tc.removed)
			}
			for flow, keep := range map[string]int{"a": tc.keepA, "b": tc.keepB} {
				ids := runIDs(t, s, flow)
				// The newest runs stay, and so does the queued one.
				if len(ids) != keep+1 || ids[0] != fmt.Sprintf("%s-%04d", flow, map[string]int{"a": 1199, "b": 29}[flow]) ||
					ids[len(ids)-1] != flow+"-queued" {
					t.Fatalf("flow %s keeps %d runs (%v…), want the %d newest and the queued one", flow, len(ids), ids[:min(3, len(ids))], keep)
				}
			}
		})
	}
}

func TestRunJanitorPrunesInTheBackground(t *testing.T) {
	t.Parallel()
	end := time.Now()
	s := openTestStore(t, func(c *Config) {
		c.RunRetention = RunRetention{MaxPerFlow: 3, Interval: 50 * time.Millisecond}
	})
	seedRuns(t, s, "a", 10, end)
	deadline := time.Now().Add(5 * time.Second)
	for len(runIDs(t, s, "a")) != 4 {
		if time.Now().After(deadline) {
			t.Fatalf("the janitor did not prune: %d runs left", len(runIDs(t, s, "a")))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
