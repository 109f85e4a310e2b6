package jsonenc

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// TestLayoutAsEncodingJSON checks a layout against encoding/json on the
// members records have or may gain: omitempty strings, numbers and lists
// of structs, times and pointers, values of any type, skipped and
// untagged fields, empty and filled.
func TestLayoutAsEncodingJSON(t *testing.T) {
	t.Parallel()
	type stopped struct {
		Event string `json:"event"`
		Count int    `json:"count"`
	}
	type record struct {
		ID        string         `json:"id"`
		Async     bool           `json:"async"`
		StartedBy string         `json:"started_by,omitempty"`
		Depth     int            `json:"event_depth,omitempty"`
		Stopped   []stopped      `json:"stopped_events,omitempty"`
		Created   time.Time      `json:"created_at"`
		At        *time.Time     `json:"at"`
		Took      *float64       `json:"took_ms"`
		Value     any            `json:"value"`
		Options   map[string]any `json:"options,omitempty"`
		Skipped   string         `json:"-"`
		Untagged  bool
	}
	now := time.Date(2026, 12, 7, 1, 2, 3, 4000, time.FixedZone("X", 3600))
	took := 0.018
	layout := LayoutOf[record]()
	for _, v := range []record{
		{ID: "a"},
		{
			ID: "b\n", Async: true, StartedBy: "event", Depth: 2, Stopped: []stopped{{"items.create", 3}}, Created: now, At: &now,
			Took: &took, Value: map[string]any{"k": []any{1.5, "x"}}, Options: map[string]any{"o": nil}, Skipped: "x", Untagged: true,
		},
		{ID: "c", Stopped: []stopped{}, Options: map[string]any{}},
	} {
		got, err := layout.Append([]byte("prefix "), &v, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := json.Marshal(v); string(got) != "prefix "+string(want) {
			t.Errorf("\n got %s\nwant prefix %s", got, want)
		}
	}
	if _, err := layout.Append(nil, stopped{}, nil); !errors.Is(err, ErrUnsupportedValue) {
		t.Fatalf("another type: %v", err)
	}
}

// TestLayoutMemberWriter checks that members of interface and map type go
// through the writer, with their names.
func TestLayoutMemberWriter(t *testing.T) {
	t.Parallel()
	type step struct {
		Key     string         `json:"key"`
		Options map[string]any `json:"options,omitempty"`
		Result  any            `json:"result,omitempty"`
	}
	var names []string
	write := func(dst []byte, name string, v any) ([]byte, error) {
		names = append(names, name)
		return AppendString(dst, "<"+name+">"), nil
	}
	got, err := LayoutOf[step]().Append(nil, &step{Key: "k", Options: map[string]any{"a": 1.0}, Result: 2.0}, write)
	if err != nil || string(got) != `{"key":"k","options":"<options>","result":"<result>"}` || len(names) != 2 {
		t.Fatalf("%s %v %v", got, names, err)
	}
}
