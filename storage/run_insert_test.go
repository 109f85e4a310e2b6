package storage

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestRunBatchesAcrossChunks writes one batch longer than two multi-row
// statements, whose runs mix inputs and none, small records and records
// over the size limit, and runs written twice (the later one wins), and
// reads every run back as written.
func TestRunBatchesAcrossChunks(t *testing.T) {
	t.Parallel()
	s := openTestStore(t, func(c *Config) { c.MaxRunRecordSize = 2048 })
	const n = 2*runChunk + 7
	rows := make([]*Run, 0, n+2)
	now := time.Now().UTC()
	for i := 0; i < n; i++ {
		doc := &RunRecord{
			ID: fmt.Sprintf("run-%03d", i), Flow: "f", Status: RunCompleted, CreatedAt: now.Add(time.Duration(i)),
			Result: map[string]any{"i": i},
		}
		var input any
		switch i % 3 {
		case 1:
			doc.Status, input = RunQueued, map[string]any{"n": i}
		case 2:
			doc.Result = strings.Repeat("x", 3000) // over the limit: cut
		}
		rows = append(rows, NewRun(doc, input))
	}
	// Written again in the same batch, finished: the second write wins.
	for _, i := range []int{1, runChunk + 1} {
		rows = append(rows, NewRun(&RunRecord{
			ID: fmt.Sprintf("run-%03d", i), Flow: "f", Status: RunCompleted,
			CreatedAt: now.Add(time.Duration(i)), Result: "again",
		}, nil))
	}
	// One batch, as the writer's loop hands it over (the loop is idle: no
	// record was submitted).
	batch := make([]runWrite, len(rows))
	for i, r := range rows {
		batch[i] = runWrite{run: r}
	}
	s.runs.write(batch)
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("run-%03d", i)
		run, err := s.GetRun(context.Background(), id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		doc, err := run.Doc()
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		var want any = float64(i)
		got := any(nil)
		if m, ok := doc.Result.(map[string]any); ok {
			got = m["i"]
		}
		switch {
		case i == 1 || i == runChunk+1:
			if doc.Result != "again" || run.Status != RunCompleted || len(run.Input) != 0 {
				t.Errorf("%s: the later write should win: %s %s input %q", id, run.Status, run.Record, run.Input)
			}
		case i%3 == 1:
			if got != want || run.Status != RunQueued || string(run.Input) != fmt.Sprintf(`{"n":%d}`, i) {
				t.Errorf("%s: %s %s input %q", id, run.Status, run.Record, run.Input)
			}
		case i%3 == 2:
			if len(run.Record) > 2048 || !strings.Contains(string(run.Record), `"truncated":true`) || len(run.Input) != 0 {
				t.Errorf("%s: an oversized record should be cut: %d bytes %s", id, len(run.Record), run.Record)
			}
		default:
			if got != want || len(run.Input) != 0 {
				t.Errorf("%s: %s input %q", id, run.Record, run.Input)
			}
		}
	}
}

// TestExecBoundReportsFailures checks that an INSERT run through Query
// (execBound) writes its rows and reports a failing one as Exec would.
func TestExecBoundReportsFailures(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	db, _ := s.write.DB()
	if _, err := db.ExecContext(ctx, "CREATE TABLE bound (x TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	stmt, err := db.PrepareContext(ctx, s.engine.rebind("INSERT INTO bound (x) VALUES (?), (?)"))
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	if err := execBound(ctx, stmt, []any{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if err := execBound(ctx, stmt, []any{"c", nil}); err == nil || !strings.Contains(strings.ToLower(err.Error()), "null") {
		t.Fatalf("a failing row: %v", err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM bound").Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d rows, %v", n, err)
	}
}

// TestRunWriterKeepsJournalsInMemory checks that SQLite's write connection
// keeps its statement journals in memory once run records are written.
func TestRunWriterKeepsJournalsInMemory(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if s.Dialect() != DialectSQLite {
		t.Skip("SQLite's statement journals")
	}
	s.RecordRun(NewRun(&RunRecord{ID: "r", Flow: "f", Status: RunCompleted, CreatedAt: time.Now()}, nil))
	s.runs.flush()
	db, _ := s.write.DB()
	var store int
	if err := db.QueryRowContext(context.Background(), "PRAGMA temp_store").Scan(&store); err != nil || store != 2 {
		t.Fatalf("temp_store %d (want 2, MEMORY), %v", store, err)
	}
}
