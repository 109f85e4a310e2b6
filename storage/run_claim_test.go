package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// queueRuns stores n queued runs, a millisecond apart, with an input and a
// request body each, and returns their ids oldest first.
func queueRuns(t testing.TB, s *Store, n int, start time.Time) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("run-%05d", i)
		doc := &RunRecord{
			ID: ids[i], Flow: "f", Status: RunQueued, Async: true, CreatedAt: start.Add(time.Duration(i) * time.Millisecond),
			Trigger: map[string]any{"n": i},
		}
		run := NewRun(doc, map[string]any{"n": i})
		run.RequestBody = []byte(fmt.Sprintf(`{"n":%d}`, i))
		s.RecordRun(run)
	}
	s.runs.flush()
	return ids
}

// storedDoc reads a run's record as the API shows it.
func storedDoc(t *testing.T, s *Store, id string) map[string]any {
	t.Helper()
	run, err := s.GetRun(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(run.Record, &doc); err != nil {
		t.Fatalf("record %s: %v", run.Record, err)
	}
	return doc
}

func claimIDs(runs []*ClaimedRun) []string {
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	return ids
}

func TestClaimLeaseProtocol(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := queueRuns(t, s, 5, now)
	const lease = 30 * time.Second

	a, err := s.ClaimRuns(ctx, "A", 2, now, lease)
	if err != nil {
		t.Fatal(err)
	}
	if got := claimIDs(a); strings.Join(got, ",") != ids[0]+","+ids[1] {
		t.Fatalf("A claimed %v, want the two oldest", got)
	}
	if c := a[0]; c.Attempt != 1 || c.Owner != "A" || c.FlowID != "f" || !c.CreatedAt.Equal(now) ||
		string(c.Input) != `{"n":0}` || string(c.RequestBody) != `{"n":0}` {
		t.Fatalf("claimed run %+v", c)
	}
	if doc := storedDoc(t, s, ids[0]); doc["status"] != RunQueued || doc["started_at"] != nil {
		t.Fatalf("a claimed run waiting for its worker reads as queued: %v", doc)
	}
	if ok, err := s.StartRun(ctx, a[0], now); !ok || err != nil {
		t.Fatalf("start: %v %v", ok, err)
	}
	doc := storedDoc(t, s, ids[0])
	if doc["status"] != RunRunning || doc["attempts"] != 1.0 || doc["started_at"] == nil || doc["trigger"] == nil {
		t.Fatalf("a started run reads as running: %v", doc)
	}

	// B claims what is left; A's runs are held.
	b, err := s.ClaimRuns(ctx, "B", 10, now, lease)
	if err != nil || len(b) != 3 || b[0].ID != ids[2] {
		t.Fatalf("B claimed %v, %v", claimIDs(b), err)
	}
	if more, _ := s.ClaimRuns(ctx, "B", 10, now.Add(lease-time.Millisecond), lease); len(more) != 0 {
		t.Fatalf("held leases were claimed again: %v", claimIDs(more))
	}
	if n, _ := s.CountUnfinishedRuns(ctx); n != 5 {
		t.Fatalf("%d unfinished runs, want 5", n)
	}

	// A renews one lease only (B all of its own); the other expires and B
	// takes it over.
	if lost, err := s.RenewRunLeases(ctx, "A", a[:1], now.Add(2*lease)); err != nil || len(lost) != 0 {
		t.Fatalf("renew: lost %v, %v", claimIDs(lost), err)
	}
	if lost, err := s.RenewRunLeases(ctx, "B", b, now.Add(2*lease)); err != nil || len(lost) != 0 {
		t.Fatalf("renew: lost %v, %v", claimIDs(lost), err)
	}
	later := now.Add(lease + time.Millisecond)
	taken, err := s.ClaimRuns(ctx, "B", 10, later, lease)
	if err != nil || len(taken) != 1 || taken[0].ID != ids[1] || taken[0].Attempt != 2 {
		t.Fatalf("B took over %v (%v), want %s on attempt 2", claimIDs(taken), err, ids[1])
	}
	// PostgreSQL says whose lease was taken over (logged at warn); SQLite's
	// single server has no one to name.
	if want := map[Dialect]string{DialectPostgres: "A"}[s.Dialect()]; taken[0].TakenFrom != want {
		t.Errorf("taken from %q, want %q", taken[0].TakenFrom, want)
	}
	if lost, _ := s.RenewRunLeases(ctx, "A", a, later.Add(lease)); len(lost) != 1 || lost[0].ID != ids[1] {
		t.Fatalf("A should learn it lost %s: lost %v", ids[1], claimIDs(lost))
	}
	// The expired claim's outcome is refused; the live one's is kept.
	if ok, err := s.StartRun(ctx, a[1], later); ok || err != nil {
		t.Fatalf("an expired claim started the run: %v %v", ok, err)
	}
	if ok, err := s.FinishRun(ctx, a[1], &RunRecord{ID: ids[1], Flow: "f", Status: RunCompleted, Result: "A"}); ok || err != nil {
		t.Fatalf("an expired claim finished the run: %v %v", ok, err)
	}
	if ok, err := s.FinishRun(ctx, taken[0], &RunRecord{ID: ids[1], Flow: "f", Status: RunCompleted, Result: "B"}); !ok || err != nil {
		t.Fatalf("the live claim could not finish: %v %v", ok, err)
	}
	if doc := storedDoc(t, s, ids[1]); doc["result"] != "B" || doc["status"] != RunCompleted {
		t.Fatalf("finished record %v", doc)
	}
	run, _ := s.GetRun(ctx, ids[1])
	if run.Status != RunCompleted || run.Input != nil || run.LeaseOwner != nil {
		t.Fatalf("a finished run keeps no input or lease: %+v", run)
	}

	// Failing, dropping and releasing end claims too.
	if ok, err := s.FailRun(ctx, a[0], map[string]any{"code": "RUN_ABANDONED", "message": "m"}, later); !ok || err != nil {
		t.Fatalf("fail: %v %v", ok, err)
	}
	if doc := storedDoc(t, s, ids[0]); doc["status"] != RunFailed || doc["attempts"] != 1.0 || doc["finished_at"] == nil ||
		doc["error"].(map[string]any)["code"] != "RUN_ABANDONED" || doc["trigger"] == nil {
		t.Fatalf("failed record %v", doc)
	}
	if ok, _ := s.FinishRun(ctx, b[0], nil); !ok {
		t.Fatal("drop failed")
	}
	if _, err := s.GetRun(ctx, ids[2]); err != ErrNotFound {
		t.Fatalf("a dropped run is gone: %v", err)
	}
	if ok, _ := s.ReleaseRun(ctx, b[1]); !ok {
		t.Fatal("release failed")
	}
	if ok, _ := s.ReleaseRun(ctx, b[1]); ok {
		t.Fatal("a claim was released twice")
	}
	if doc := storedDoc(t, s, ids[3]); doc["status"] != RunQueued || doc["attempts"] != 0.0 || doc["started_at"] != nil {
		t.Fatalf("released record %v", doc)
	}
	again, _ := s.ClaimRuns(ctx, "C", 10, later, lease)
	if len(again) != 1 || again[0].ID != ids[3] || again[0].Attempt != 1 {
		t.Fatalf("a released run is claimed again as a first attempt: %v", again)
	}
	if n, _ := s.CountUnfinishedRuns(ctx); n != 2 {
		t.Fatalf("%d unfinished runs, want 2", n)
	}

	// A stopped server's runs are queued again at once, attempts kept.
	if ok, _ := s.StartRun(ctx, b[2], later); !ok {
		t.Fatal("start failed")
	}
	if n, err := s.ReleaseDeadRuns(ctx); n != 2 || err != nil {
		t.Fatalf("released %d runs, %v", n, err)
	}
	if doc := storedDoc(t, s, ids[4]); doc["status"] != RunQueued {
		t.Fatalf("released record %v", doc)
	}
	back, _ := s.ClaimRuns(ctx, "D", 10, later, lease)
	if len(back) != 2 || back[0].ID != ids[3] || back[0].Attempt != 2 || back[1].Attempt != 2 {
		t.Fatalf("claimed after release: %+v", back)
	}
}

// TestClaimReadsIndexesOnly checks the plans of the claim protocol's
// statements: none may scan the runs table, whose queued backlog may hold
// 100 000 runs.
func TestClaimReadsIndexesOnly(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if s.Dialect() != DialectSQLite {
		t.Skip("SQLite's plans (EXPLAIN QUERY PLAN); PostgreSQL's claims are the multi-instance queue's")
	}
	queueRuns(t, s, 20, time.Now())
	for name, stmt := range map[string]string{
		"claim":   s.runQueue.claim(4),
		"recover": s.runQueue.recover,
		"count":   s.runQueue.count,
		"renew":   s.runQueue.renew(3),
		"finish":  s.runQueue.finish,
		"start":   s.runQueue.start,
	} {
		plan := explainPlan(t, s, stmt)
		for _, line := range strings.Split(plan, "\n") {
			if strings.Contains(line, "SCAN runs") && !strings.Contains(line, "USING") {
				t.Errorf("%s scans the runs table:\n%s", name, plan)
			}
			if strings.Contains(line, "TEMP B-TREE") {
				t.Errorf("%s sorts:\n%s", name, plan)
			}
		}
		if name == "claim" && (!strings.Contains(plan, "idx_runs_queued") || !strings.Contains(plan, "idx_runs_leases")) {
			t.Errorf("the claim should read idx_runs_queued and idx_runs_leases:\n%s", plan)
		}
	}
}

// explainPlan is SQLite's query plan of a statement, one step a line.
func explainPlan(t *testing.T, s *Store, stmt string) string {
	t.Helper()
	db, err := s.write.DB()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range regexp.MustCompile(`\?(\d+)`).FindAllStringSubmatch(stmt, -1) {
		if i, _ := strconv.Atoi(m[1]); i > n {
			n = i
		}
	}
	args := make([]any, 0, n)
	for i := 0; i < n; i++ {
		args = append(args, int64(i))
	}
	rows, err := db.Query("EXPLAIN QUERY PLAN "+stmt, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", stmt, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n")
}
