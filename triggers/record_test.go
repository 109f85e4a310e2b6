package triggers

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/hookflow/hookflow/engine"
)

// TestStepEncodingMatchesTags checks the record writer's steps against
// encoding/json's reading of engine.StepRecord's tags: a field added to
// StepRecord without its line in recordWriter.step fails here.
func TestStepEncodingMatchesTags(t *testing.T) {
	t.Parallel()
	full := engine.StepRecord{
		Key: "k<\n>", Type: "transform", Status: "resolve", Duration: time.Millisecond, DurationMS: 1.25,
		Options:        map[string]any{"json": map[string]any{"a": []any{1.0, "b"}}},
		PlannedOptions: true,
		Result:         map[string]any{"ok": true},
	}
	v := reflect.ValueOf(full)
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).IsZero() {
			t.Fatalf("fill StepRecord.%s in this test", v.Type().Field(i).Name)
		}
	}
	for _, s := range []engine.StepRecord{full, {Key: "empty", Type: "log", Status: "reject", Options: map[string]any{}}} {
		// Planned options are written the same from the cache (the second
		// time).
		sc := recordScrubber(nil, 0)
		w := recordWriter{scrub: sc, options: newOptionsCache(sc)}
		for range 2 {
			w.buf = w.buf[:0]
			w.writeStep(&s, s.Result)
			want, _ := json.Marshal(s)
			var got, exp any
			if err := json.Unmarshal(w.buf, &got); err != nil {
				t.Fatalf("%s: %v", w.buf, err)
			}
			_ = json.Unmarshal(want, &exp)
			if !reflect.DeepEqual(got, exp) {
				t.Fatalf("\n got %s\nwant %s", w.buf, want)
			}
		}
	}
}

// TestAccountabilityEncodingMatchesTags checks the record writer's
// accountability against encoding/json's reading of its tags.
func TestAccountabilityEncodingMatchesTags(t *testing.T) {
	t.Parallel()
	system := engine.Accountability{User: "u1", Role: "editor", IP: "127.0.0.1", UserAgent: "curl/8 \"quoted\"", System: true}
	v := reflect.ValueOf(system)
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).IsZero() {
			t.Fatalf("fill Accountability.%s in this test", v.Type().Field(i).Name)
		}
	}
	caller := system
	caller.System = false
	for _, acc := range []engine.Accountability{caller, {}, system} {
		w := recordWriter{scrub: recordScrubber(nil, 0)}
		w.accountability(acc)
		want, _ := json.Marshal(acc.Value())
		if string(w.buf) != string(want) {
			t.Fatalf("\n got %s\nwant %s", w.buf, want)
		}
	}
}
