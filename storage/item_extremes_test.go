package storage

import (
	"bytes"
	"context"
	"testing"

	gojson "github.com/goccy/go-json"
	"github.com/hookflow/hookflow/jsonnum"
)

// TestAggregatesAsWritten: min and max answer the extreme value as it was
// written, alone, several in one query and per group; sums beyond the
// float64 range are null rather than an encoding failure.
func TestAggregatesAsWritten(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	var items []map[string]any
	for _, doc := range []string{
		`{"g": "a", "n": 12345678901234567890, "x": 0.1000000000000000055511151231257827, "e": 1}`,
		`{"g": "a", "n": 5, "x": 0.5, "e": 1e400}`,
		`{"g": "b", "n": "7", "x": 2.50, "e": 2}`,
		`{"g": "b", "n": 98765432109876543210, "x": "zzz", "e": 3}`,
	} {
		item, err := jsonnum.DecodeObject([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, item)
	}
	if _, err := s.CreateItems(ctx, "nums", items, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ params, want string }{
		{`{"aggregate": {"max": "n"}}`, `[{"max":{"n":98765432109876543210}}]`},
		{`{"aggregate": {"min": "x"}}`, `[{"min":{"x":0.1000000000000000055511151231257827}}]`},
		{`{"aggregate": {"max": "e"}}`, `[{"max":{"e":1e400}}]`},
		{
			`{"aggregate": {"max": ["n", "x"], "min": "x"}}`,
			`[{"max":{"n":98765432109876543210,"x":"zzz"},"min":{"x":0.1000000000000000055511151231257827}}]`,
		},
		{
			`{"aggregate": {"max": "n", "min": ["n", "e"]}, "groupBy": ["g"]}`,
			`[{"g":"a","max":{"n":12345678901234567890},"min":{"e":1,"n":5}},{"g":"b","max":{"n":98765432109876543210},"min":{"e":2,"n":7}}]`,
		},
		{`{"aggregate": {"min": "x"}, "groupBy": ["g"], "sort": ["-g"]}`, `[{"g":"b","min":{"x":2.50}},{"g":"a","min":{"x":0.1000000000000000055511151231257827}}]`},
		{`{"aggregate": {"sum": "e", "max": "e"}}`, `[{"max":{"e":1e400},"sum":{"e":null}}]`},
	} {
		page, err := s.ReadItems(ctx, "nums", ItemQuery{Params: params(t, tc.params)})
		if err != nil {
			t.Fatalf("%s: %v", tc.params, err)
		}
		var buf bytes.Buffer
		if err := gojson.NewEncoder(&buf).Encode(page.Data); err != nil {
			t.Fatalf("%s: encode: %v", tc.params, err)
		}
		if got := string(bytes.TrimSpace(buf.Bytes())); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.params, got, tc.want)
		}
	}
}
