package webhooks

import (
	"slices"
	"testing"

	"github.com/hookflow/hookflow/flows"
)

func TestPattern(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"orders.created", "orders.created", true},
		{"orders.created", "orders.updated", false},
		{"orders.*", "orders.created", true},
		{"orders.*", "orders", false},
		{"*", "anything.at.all", true},
		{"*.created", "orders.created", true},
		{"*.created", "orders.updated", false},
		{"user.*.done", "user.signup.done", true},
		{"user.*.done", "user.done", false},
		{"report*", "report.generated", true},
		{"items.*", "items.create", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "acb", false},
	}
	for _, tc := range tests {
		if got := compilePattern(tc.pattern).match(tc.name); got != tc.want {
			t.Errorf("%q matching %q = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
}

// dato is a DatoCMS event object.
func dato(entity string, types []any, filters ...map[string]any) map[string]any {
	m := map[string]any{"entity_type": entity, "event_types": types}
	if len(filters) == 1 {
		m["filter"] = filters[0]
	} else if len(filters) > 1 {
		list := make([]any, len(filters))
		for i, f := range filters {
			list[i] = f
		}
		m["filters"] = list
	}
	return m
}

func TestMatcherItemEvents(t *testing.T) {
	t.Parallel()
	items := func(ids ...any) map[string]any { return map[string]any{"entity_type": "item", "entity_ids": ids} }
	types := func(ids ...any) map[string]any { return map[string]any{"entity_type": "item_type", "entity_ids": ids} }
	tests := []struct {
		name        string
		actions     []string
		collections []string
		events      []any
		action      string
		collection  string
		key         string // "" tests the whole event, whose keys are 1 and 2
		want        bool
	}{
		{"directus", []string{"create", "update"}, []string{"articles"}, nil, "create", "articles", "", true},
		{"directus other action", []string{"create"}, []string{"articles"}, nil, "delete", "articles", "", false},
		{"directus other collection", []string{"create"}, []string{"articles"}, nil, "create", "pages", "", false},
		{"directus all collections", []string{"*"}, []string{"*"}, nil, "delete", "pages", "", true},
		{"name", nil, nil, []any{"orders.created"}, "create", "orders", "", true},
		{"directus name", nil, nil, []any{"items.update"}, "update", "orders", "", true},
		{"wildcard", nil, nil, []any{"orders.*"}, "delete", "orders", "", true},
		{"wildcard other collection", nil, nil, []any{"orders.*"}, "delete", "order_lines", "", false},
		{"dato any item", nil, nil, []any{dato("item", []any{"create"})}, "create", "x", "", true},
		{"dato event type", nil, nil, []any{dato("item", []any{"update"})}, "create", "x", "", false},
		{"dato item type filter", nil, nil, []any{dato("item", []any{"create"}, types("articles"))}, "create", "articles", "", true},
		{"dato item type filter misses", nil, nil, []any{dato("item", []any{"create"}, types("articles"))}, "create", "pages", "", false},
		{"dato item filter, some key", nil, nil, []any{dato("item", []any{"update"}, items("2", "9"))}, "update", "a", "", true},
		{"dato item filter, no key", nil, nil, []any{dato("item", []any{"update"}, items("7"))}, "update", "a", "", false},
		{"dato item filter, this key", nil, nil, []any{dato("item", []any{"update"}, items(2.0))}, "update", "a", "2", true},
		{"dato item filter, other key", nil, nil, []any{dato("item", []any{"update"}, items("2"))}, "update", "a", "1", false},
		{"dato both filters", nil, nil, []any{dato("item", []any{"delete"}, types("a"), items("1"))}, "delete", "a", "1", true},
		{"dato item_type events never fire", nil, nil, []any{dato("item_type", []any{"create"}, types("a"))}, "create", "a", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var errs flows.ValidationErrors
			m := compileMatcher(tc.actions, tc.collections, tc.events, &errs)
			if len(errs) > 0 {
				t.Fatalf("compile: %v", errs)
			}
			e := newItemEvent(tc.action, tc.collection)
			keyIn := func(ids map[string]bool) bool { return ids["1"] || ids["2"] }
			if got := m.item(&e, tc.key, keyIn); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMatcherCustomEventsAndIndex(t *testing.T) {
	t.Parallel()
	var errs flows.ValidationErrors
	m := compileMatcher([]string{"create"}, []string{"orders"}, []any{"report.*", "system.alert"}, &errs)
	if !m.custom("report.generated") || !m.custom("system.alert") || m.custom("orders.created") || m.custom("user.created") {
		t.Fatal("custom matching")
	}
	names, anyCollection := m.boundCollections()
	slices.Sort(names)
	if anyCollection || !slices.Equal(names, []string{"orders", "report", "system"}) {
		t.Fatalf("bound to %v (any: %v)", names, anyCollection)
	}
	for _, events := range [][]any{{"*"}, {"*.created"}, {"items.create"}, {dato("item", []any{"create"})}} {
		m := compileMatcher(nil, nil, events, &errs)
		if _, anyCollection := m.boundCollections(); !anyCollection {
			t.Errorf("%v should match any collection", events)
		}
	}
}

func TestMatcherValidation(t *testing.T) {
	t.Parallel()
	var errs flows.ValidationErrors
	compileMatcher([]string{"create", "publish"}, []string{"ok", "not ok"}, []any{
		"bad name!", 42.0,
		dato("widget", []any{}), dato("item", []any{"explode"}, map[string]any{"entity_type": "nope", "entity_ids": "x"}),
	}, &errs)
	got := map[string]bool{}
	for _, e := range errs {
		got[e.Path] = true
	}
	for _, path := range []string{
		"actions[1]", "collections[1]", "events[0]", "events[1]", "events[2].entity_type",
		"events[2].event_types", "events[3].event_types[0]", "events[3].filters[0].entity_type", "events[3].filters[0].entity_ids",
	} {
		if !got[path] {
			t.Errorf("no finding at %s: %v", path, errs)
		}
	}
}
