package flows

import (
	"reflect"
	"testing"
	"time"
)

// findings decodes a flow with the given trigger and options and returns
// the paths of its findings.
func findings(t *testing.T, trigger, options string) (*Flow, []string) {
	t.Helper()
	f, errs := decodeJSON(t, `{"trigger": "`+trigger+`", "options": `+options+`, "operations": [{"operation": "log"}]}`)
	var paths []string
	for _, e := range errs {
		paths = append(paths, e.Path)
	}
	return f, paths
}

func TestEventOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, options string
		paths         []string
	}{
		{"action on item events", `{"type": "action", "scope": ["items.create", "items.delete"], "collections": ["orders"]}`, nil},
		{"action is the default type", `{"scope": ["report.generated"]}`, nil},
		{"collection and custom events", `{"scope": ["collections.create", "system.alert", "billing.invoice-paid"]}`, nil},
		{"comma-separated lists", `{"scope": "items.create, items.update", "collections": "orders,customers"}`, nil},
		{"filter with a return", `{"type": "filter", "scope": ["items.update"], "return": "$last"}`, nil},
		{"scope is required", `{"type": "action"}`, []string{"options.scope"}},
		{"empty scope", `{"scope": []}`, []string{"options.scope"}},
		{"unknown type", `{"type": "hook", "scope": ["items.create"]}`, []string{"options.type"}},
		{"type of another kind", `{"type": 1, "scope": ["items.create"]}`, []string{"options.type"}},
		{"unknown item event", `{"scope": ["items.sort"]}`, []string{"options.scope[0]"}},
		{"not an event name", `{"scope": ["items.create", "Report Generated"]}`, []string{"options.scope[1]"}},
		{"filters listen to item events only", `{"type": "filter", "scope": ["items.create", "report.generated"]}`, []string{"options.scope[1]"}},
		{"a collection name", `{"scope": ["items.create"], "collections": ["or-ders", 3]}`, []string{"options.collections[1]", "options.collections[0]"}},
		{"unknown option", `{"scope": ["items.create"], "filter": {}}`, []string{"options.filter"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, paths := findings(t, TriggerEvent, tc.options)
			if !reflect.DeepEqual(paths, tc.paths) {
				t.Fatalf("findings %v, want %v", paths, tc.paths)
			}
			if tc.paths == nil && (f.Event == nil || len(f.Event.Scope) == 0) {
				t.Fatalf("options not decoded: %+v", f.Event)
			}
		})
	}
}

func TestEventOptionsListens(t *testing.T) {
	t.Parallel()
	f, paths := findings(t, TriggerEvent, `{"scope": ["items.create", "collections.create", "report.generated"], "collections": ["orders"]}`)
	if paths != nil {
		t.Fatal(paths)
	}
	cases := []struct {
		event, collection string
		want              bool
	}{
		{"items.create", "orders", true},
		{"items.create", "customers", false},
		{"items.update", "orders", false},
		{"collections.create", "customers", true}, // collections narrows item events only
		{"report.generated", "", true},
	}
	for _, c := range cases {
		if got := f.Event.Listens(c.event, c.collection); got != c.want {
			t.Errorf("Listens(%s, %s) = %v, want %v", c.event, c.collection, got, c.want)
		}
	}
}

func TestScheduleOptions(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	good := map[string]time.Time{
		"*/15 * * * *":                 time.Date(2030, 1, 2, 3, 15, 0, 0, time.UTC),
		"*/10 * * * * *":               time.Date(2030, 1, 2, 3, 4, 10, 0, time.UTC),
		"0 0 * * 1":                    time.Date(2030, 1, 7, 0, 0, 0, 0, time.UTC),
		"@every 30s":                   time.Date(2030, 1, 2, 3, 4, 35, 0, time.UTC),
		"@hourly":                      time.Date(2030, 1, 2, 4, 0, 0, 0, time.UTC),
		" @daily ":                     time.Date(2030, 1, 3, 0, 0, 0, 0, time.UTC),
		"CRON_TZ=Asia/Tokyo 0 9 * * *": time.Date(2030, 1, 3, 0, 0, 0, 0, time.UTC),
	}
	for expr, want := range good {
		f, paths := findings(t, TriggerSchedule, `{"cron": "`+expr+`"}`)
		if paths != nil {
			t.Errorf("%q: findings %v", expr, paths)
			continue
		}
		if got := f.Schedule.Next(at); !got.Equal(want) {
			t.Errorf("%q: next tick after %s is %s, want %s", expr, at, got, want)
		}
	}
	bad := []string{
		`{}`, `{"cron": ""}`, `{"cron": 5}`, `{"cron": "61 * * * *"}`, `{"cron": "* * *"}`,
		`{"cron": "0 0 30 2 *"}`, `{"cron": "@every soon"}`, `{"cron": "TZ="}`, `{"cron": "CRON_TZ=Nowhere/City * * * * *"}`,
	}
	for _, opts := range bad {
		if _, paths := findings(t, TriggerSchedule, opts); !reflect.DeepEqual(paths, []string{"options.cron"}) {
			t.Errorf("%s: findings %v, want options.cron", opts, paths)
		}
	}
	if _, paths := findings(t, TriggerSchedule, `{"cron": "@hourly", "every": 1}`); !reflect.DeepEqual(paths, []string{"options.every"}) {
		t.Errorf("unknown option: %v", paths)
	}
}

func TestManualOptions(t *testing.T) {
	t.Parallel()
	f, paths := findings(t, TriggerManual, `{"collections": ["orders"], "async": true, "location": "item",
	  "requireConfirmation": true, "confirmationDescription": "Sure?", "confirmationInputFields": []}`)
	if paths != nil {
		t.Fatal(paths)
	}
	if !f.Manual.Async || !f.Manual.Accepts("orders") || f.Manual.Accepts("customers") {
		t.Fatalf("%+v", f.Manual)
	}
	f, _ = findings(t, TriggerManual, `{}`)
	if !f.Manual.Accepts("anything") || f.Manual.Async {
		t.Fatalf("a manual flow without collections: %+v", f.Manual)
	}
	if _, paths := findings(t, TriggerManual, `{"collections": [""], "async": "yes", "button": 1}`); !reflect.DeepEqual(paths,
		[]string{"options.button", "options.collections[0]", "options.async"}) {
		t.Fatalf("findings %v", paths)
	}
}
