package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/query"
)

// TestLongListsAgree runs every shared and hazard case holding an _in or
// _nin list again with the list padded beyond what the dialect binds value
// by value (maxBoundList) with values no item holds: a long list must mean
// what the short one does.
func TestLongListsAgree(t *testing.T) {
	t.Parallel()
	var long []query.Case
	for _, c := range append(slices.Clone(query.SharedCases), sqlHazards...) {
		raw, err := jsonnum.Decode([]byte(c.Filter))
		if err != nil {
			t.Fatal(err)
		}
		if !padLists(raw) {
			continue
		}
		text, _ := json.Marshal(raw)
		long = append(long, query.Case{Name: c.Name + " (long list)", Filter: string(text), Item: c.Item, Want: c.Want})
	}
	if len(long) < 20 {
		t.Fatalf("only %d cases hold lists", len(long))
	}
	runFilterCases(t, openTestStore(t), long)
}

// padLists appends texts, numbers and numeric texts no case item holds to
// every _in and _nin operand below v, reporting whether there was one.
func padLists(v any) bool {
	found := false
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if k != "_in" && k != "_nin" {
				found = padLists(val) || found
				continue
			}
			found = true
			var pad []any
			for i := range 3 * maxBoundList {
				pad = append(pad, fmt.Sprintf("pad-%d", i), 1e6+float64(i), fmt.Sprint(2e6+float64(i)))
			}
			switch op := val.(type) {
			case []any:
				x[k] = append(op, pad...)
			case string:
				for _, p := range pad {
					op += "," + fmt.Sprint(p)
				}
				x[k] = op
			default:
				x[k] = append([]any{op}, pad...)
			}
		}
	case []any:
		for _, e := range x {
			found = padLists(e) || found
		}
	}
	return found
}

// TestLargeSelections checks selections beyond SQLite's limits on
// expression depth (1000) and bound variables (32766): long _in lists,
// long _or lists and many keys work.
func TestLargeSelections(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	items := make([]map[string]any, 300)
	for i := range items {
		items[i] = map[string]any{"n": float64(i), "s": fmt.Sprint(i)}
	}
	if _, err := s.CreateItems(ctx, "big", items, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	numbers, texts, ors := []any{}, []any{}, []any{}
	for i := range 40000 {
		numbers = append(numbers, float64(i%150))
		texts = append(texts, fmt.Sprint(i))
	}
	for i := range query.MaxConditions {
		ors = append(ors, map[string]any{"n": map[string]any{"_eq": float64(i % 200)}})
	}
	keys := make([]any, 40000)
	for i := range keys {
		keys[i] = float64(i + 1)
	}
	for _, c := range []struct {
		name   string
		filter map[string]any
		keys   []any
		want   int
	}{
		{"_in of 40000 numbers", map[string]any{"n": map[string]any{"_in": numbers}}, nil, 150},
		{"_in of 40000 numbers on texts", map[string]any{"s": map[string]any{"_in": numbers}}, nil, 150},
		{"_in of 40000 texts", map[string]any{"s": map[string]any{"_in": texts}}, nil, 300},
		{"_nin of 40000 texts", map[string]any{"s": map[string]any{"_nin": texts}}, nil, 0},
		{"_or of the most conditions", map[string]any{"_or": ors}, nil, 200},
		{"40000 keys", nil, keys, 300},
	} {
		q := ItemQuery{Keys: c.keys, Params: &query.Params{Limit: -1, HasLimit: true}}
		if c.filter != nil {
			f, err := query.ParseFilter(c.filter, query.ParseOptions{})
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			q.Params.Filter = f
		}
		page, err := s.ReadItems(ctx, "big", q)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		} else if len(page.Data) != c.want {
			t.Errorf("%s: %d items, want %d", c.name, len(page.Data), c.want)
		}
	}
	deleted, err := s.DeleteItems(ctx, "big", ItemSelection{Keys: keys[:300]}, WriteOptions{})
	if err != nil || len(deleted) != 300 {
		t.Errorf("delete by 300 keys: %d, %v", len(deleted), err)
	}
}

// smallDialect is SQLite with room for few bound variables.
type smallDialect struct{ sqliteDialect }

func (smallDialect) maxArgs() int { return 40 }

// TestFilterTooLargeForOneStatement checks that a filter needing more bound
// variables than the database allows is a query error, not a failure.
func TestFilterTooLargeForOneStatement(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	s.dialect = smallDialect{}
	var ors []any
	for i := range 20 {
		ors = append(ors, map[string]any{"n": map[string]any{"_eq": float64(i)}})
	}
	f, err := query.ParseFilter(map[string]any{"_or": ors}, query.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ReadItems(context.Background(), "big", ItemQuery{Params: &query.Params{Filter: f}})
	var qerrs query.Errors
	if !errors.As(err, &qerrs) || !strings.Contains(err.Error(), "too large") {
		t.Errorf("got %v, want a query error", err)
	}
}
