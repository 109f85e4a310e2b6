package storage

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestOversizedRunRecordsLoseTheirLargestValues(t *testing.T) {
	t.Parallel()
	s := openTestStore(t, func(c *Config) { c.MaxRunRecordSize = 4096 })
	big := strings.Repeat("x", 3000)
	doc := &RunRecord{
		ID: "r1", Flow: "f", Status: RunCompleted, CreatedAt: time.Now(),
		Trigger: map[string]any{"method": "POST", "headers": map[string]any{"a": "b"}, "body": map[string]any{"big": big}},
		Result:  map[string]any{"ok": true},
		Steps: []map[string]any{
			{"key": "one", "options": map[string]any{"text": big}, "result": "small <&>"},
			{"key": "two", "options": map[string]any{"n": 1}, "result": big},
		},
	}
	s.RecordRun(NewRun(doc, nil))
	for _, read := range []string{"pending", "stored"} {
		var run *Run
		var err error
		if read == "pending" {
			run, err = s.GetRun(context.Background(), "r1")
		} else {
			var runs []*Run
			runs, err = s.ListRuns(context.Background(), RunFilter{FlowID: "f"})
			if len(runs) == 1 {
				run = runs[0]
			}
		}
		if err != nil || run == nil {
			t.Fatalf("%s: %v", read, err)
		}
		if len(run.Record) > 4096 {
			t.Fatalf("%s: record of %d bytes", read, len(run.Record))
		}
		var got struct {
			Truncated bool             `json:"truncated"`
			Trigger   map[string]any   `json:"trigger"`
			Result    map[string]any   `json:"result"`
			Steps     []map[string]any `json:"steps"`
		}
		if err := json.Unmarshal(run.Record, &got); err != nil {
			t.Fatalf("%s: %v: %s", read, err, run.Record)
		}
		marker := `[truncated: 3010 bytes]` // {"big":"x…"} as sent
		if !got.Truncated || got.Trigger["method"] != "POST" || got.Result["ok"] != true || len(got.Steps) != 2 ||
			got.Steps[1]["key"] != "two" || got.Steps[0]["result"] != "small <&>" {
			t.Fatalf("%s: the record keeps its shape and small values: %s", read, run.Record)
		}
		// Two of the three big values go, biggest first; the last one fits.
		dropped := 0
		for _, v := range []any{got.Trigger["body"], got.Steps[0]["options"], got.Steps[1]["result"]} {
			if s, ok := v.(string); ok && strings.HasPrefix(s, "[truncated: ") {
				dropped++
			}
		}
		if dropped != 2 || got.Trigger["body"] != marker {
			t.Fatalf("%s: dropped %d values: %s", read, dropped, run.Record)
		}
	}
}

func TestSmallRecordsAreStoredAsEncoded(t *testing.T) {
	t.Parallel()
	raw := []byte(`{"id":"r","steps":[]}`)
	if got := capRecord(raw, 100); &got[0] != &raw[0] {
		t.Fatal("a record under the limit must not be copied")
	}
}

func TestCollectionWritesAreReported(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	changed := make(chan string, 16)
	s := openTestStore(t, func(c *Config) { c.OnCollectionWrite = func(name string) { changed <- name } })
	expect := func(want string) {
		t.Helper()
		select {
		case got := <-changed:
			if got != want {
				t.Fatalf("changed %q, want %q", got, want)
			}
		default:
			t.Fatalf("no change reported for %q before the write returned", want)
		}
	}
	if _, err := s.CreateItems(ctx, "a", objs(t, `[{"id": 1}]`), WriteOptions{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	expect("a")
	if _, err := s.UpdateItems(ctx, "a", ItemSelection{Keys: []any{1}}, obj(t, `{"x": 1}`), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	expect("a")
	if _, err := s.CreateCollection(ctx, Collection{Name: "b"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCollection(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	expect("a") // creating b changed no items
	if _, err := s.CreateItems(ctx, "a", objs(t, `[{"id": 1}, {"id": 1}]`), WriteOptions{}); err == nil {
		t.Fatal("a duplicate id must fail")
	}
	if len(changed) != 0 {
		t.Fatal("a failed write changes nothing")
	}
}

func TestSystemCollectionNamesAreReserved(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"flows", "runs", "collections", "webhooks"} {
		if err := CheckCollectionName(name); err == nil {
			t.Errorf("%s must be reserved", name)
		}
	}
	if err := CheckCollectionName("webhook_calls"); err != nil {
		t.Error(err)
	}
}
