package query

import (
	"encoding/json"
	"testing"
)

func TestSelect(t *testing.T) {
	t.Parallel()
	records := []map[string]any{
		{"id": 1.0, "name": "Build Website", "status": "active", "created": "2030-01-02T00:00:00Z"},
		{"id": 2.0, "name": "audit", "status": "inactive", "created": "2030-01-01T00:00:00Z"},
		{"id": 3.0, "name": "Example", "status": "active"},
		{"id": 10.0, "name": "zeta", "status": "active", "created": "2030-01-03T00:00:00Z"},
	}
	tests := []struct {
		name   string
		params map[string]any
		ids    string
		counts Counts
	}{
		{"all, in order", map[string]any{}, "[1,2,3,10]", Counts{4, 4}},
		{"filter", map[string]any{"filter": map[string]any{"status": map[string]any{"_eq": "active"}}}, "[1,3,10]", Counts{4, 3}},
		{"search, case-insensitive", map[string]any{"search": "AUDIT"}, "[2]", Counts{4, 1}},
		{"numeric sort, descending", map[string]any{"sort": "-id"}, "[10,3,2,1]", Counts{4, 4}},
		{"string sort", map[string]any{"sort": "name"}, "[1,3,2,10]", Counts{4, 4}},
		{"dates sort, missing first", map[string]any{"sort": "created"}, "[3,2,1,10]", Counts{4, 4}},
		{"two keys", map[string]any{"sort": []any{"status", "-id"}}, "[10,3,1,2]", Counts{4, 4}},
		{"limit and page", map[string]any{"limit": 2.0, "page": 2.0}, "[3,10]", Counts{4, 4}},
		{"offset past the end", map[string]any{"offset": 9.0}, "[]", Counts{4, 4}},
		{"no limit", map[string]any{"limit": -1.0, "offset": 1.0}, "[2,3,10]", Counts{4, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseParams(tc.params, ParamOptions{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			page, counts := p.Select(records, Env{})
			ids := make([]any, len(page))
			for i, r := range page {
				ids[i] = r["id"]
			}
			raw, _ := json.Marshal(ids)
			if string(raw) != tc.ids || counts != tc.counts {
				t.Fatalf("got %s %+v, want %s %+v", raw, counts, tc.ids, tc.counts)
			}
		})
	}
}
