package flows

import (
	"encoding/json"
	"strings"
	"testing"
)

func decodeJSON(t *testing.T, doc string) (*Flow, ValidationErrors) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("bad test document: %v", err)
	}
	return Decode(m)
}

func edges(f *Flow) map[string][2]string {
	out := map[string][2]string{}
	for _, op := range f.Operations {
		var e [2]string
		if op.Resolve != nil {
			e[0] = *op.Resolve
		}
		if op.Reject != nil {
			e[1] = *op.Reject
		}
		out[op.ID] = e
	}
	return out
}

func TestImplicitSequence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		doc   string
		entry string
		want  map[string][2]string
	}{
		{
			name:  "a sequence without edges runs in order",
			doc:   `{"operations":[{"id":"a","operation":"log"},{"id":"b","operation":"log"},{"id":"c","operation":"log"}]}`,
			entry: "a",
			want:  map[string][2]string{"a": {"b", ""}, "b": {"c", ""}, "c": {"", ""}},
		},
		{
			name: "branches named by edges do not fall into each other",
			doc: `{"operations":[
				{"id":"check","operation":"condition","resolve":"yes","reject":"no"},
				{"id":"yes","operation":"log"},
				{"id":"no","operation":"log"}]}`,
			entry: "check",
			want:  map[string][2]string{"check": {"yes", "no"}, "yes": {"", ""}, "no": {"", ""}},
		},
		{
			name:  "explicit null resolve ends the run",
			doc:   `{"operations":[{"id":"a","operation":"log","resolve":null},{"id":"b","operation":"log"}]}`,
			entry: "a",
			want:  map[string][2]string{"a": {"", ""}, "b": {"", ""}},
		},
		{
			name: "a resolve chain continues after the branch into the next element",
			doc: `{"operations":[
				{"id":"v","operation":"condition","resolve":"p","reject":"e"},
				{"id":"p","operation":"log","resolve":"s"},
				{"id":"s","operation":"log"},
				{"id":"e","operation":"log"}]}`,
			entry: "v",
			want:  map[string][2]string{"v": {"p", "e"}, "p": {"s", ""}, "s": {"", ""}, "e": {"", ""}},
		},
		{
			name: "edges may name keys and are stored as ids",
			doc: `{"operations":[
				{"id":"op-1","key":"first","operation":"log","resolve":"second"},
				{"id":"op-2","key":"second","operation":"log"}]}`,
			entry: "op-1",
			want:  map[string][2]string{"op-1": {"op-2", ""}, "op-2": {"", ""}},
		},
		{
			name: "the Directus root operation picks the entry",
			doc: `{"operation":"b","operations":[
				{"key":"a","type":"log","resolve":null},
				{"key":"b","type":"log","resolve":"a"}]}`,
			entry: "b",
			want:  map[string][2]string{"a": {"", ""}, "b": {"a", ""}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, errs := decodeJSON(t, tc.doc)
			if len(errs) > 0 {
				t.Fatalf("unexpected findings: %v", errs)
			}
			if f.Operation == nil || *f.Operation != tc.entry {
				t.Fatalf("entry = %v, want %s", f.Operation, tc.entry)
			}
			got := edges(f)
			for id, want := range tc.want {
				if got[id] != want {
					t.Errorf("%s: edges %v, want %v", id, got[id], want)
				}
			}
		})
	}
}

func TestIdentityAssignment(t *testing.T) {
	t.Parallel()
	f, errs := decodeJSON(t, `{"operations":[
		{"operation":"log"},
		{"id":"named","operation":"log"},
		{"key":"keyed","type":"log"},
		{"operation":"log"},
		{"id":"log_3","operation":"log"}]}`)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := []struct{ id, key string }{{"log_1", "log_1"}, {"named", "named"}, {"keyed", "keyed"}, {"log_2", "log_2"}, {"log_3", "log_3"}}
	for i, w := range want {
		op := f.Operations[i]
		if op.ID != w.id || op.Key != w.key {
			t.Errorf("operations[%d] = (%s, %s), want (%s, %s)", i, op.ID, op.Key, w.id, w.key)
		}
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	f, errs := decodeJSON(t, `{"name":"x","operations":[]}`)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if f.Status != StatusActive || f.Trigger != TriggerWebhook {
		t.Errorf("status/trigger = %s/%s", f.Status, f.Trigger)
	}
	if f.Accountability == nil || *f.Accountability != AccountabilityAll {
		t.Errorf("accountability = %v, want all", f.Accountability)
	}
	if w := f.Webhook; w == nil || w.Method != "POST" || w.Async || w.Access != AccessPrivate || w.Return != "$last" {
		t.Errorf("webhook options = %+v", f.Webhook)
	}
	f, _ = decodeJSON(t, `{"accountability":null}`)
	if f.Accountability != nil {
		t.Errorf("explicit null accountability must record nothing, got %v", *f.Accountability)
	}
}

func TestEveryFindingIsReportedWithItsPath(t *testing.T) {
	t.Parallel()
	_, errs := decodeJSON(t, `{
		"status":"paused", "trigger":"webhook", "accountability":"some", "colour":"red",
		"options":{"method":"FETCH","async":"yes","asnyc":true,"cacheEnabled":true},
		"operations":[
			{"id":"a","operation":"log","resolve":"nowhere"},
			{"id":"a","operation":"log"},
			{"key":"bad key!","operation":"log"},
			{"id":"c"},
			"not an object"
		]}`)
	want := []string{
		"status", "accountability", "colour", "options.method", "options.async", "options.asnyc",
		"operations[1].id", "operations[2].key", "operations[3].type", "operations[4]",
	}
	paths := map[string]bool{}
	for _, e := range errs {
		paths[e.Path] = true
	}
	for _, p := range want {
		if !paths[p] {
			t.Errorf("no finding at %s; findings: %v", p, errs)
		}
	}
}

func TestUnknownEdgeIsAFinding(t *testing.T) {
	t.Parallel()
	_, errs := decodeJSON(t, `{"operations":[{"id":"a","operation":"log","reject":"ghost"}]}`)
	if len(errs) != 1 || errs[0].Path != "operations[0].reject" || !strings.Contains(errs[0].Message, "ghost") {
		t.Fatalf("findings = %v", errs)
	}
}

func TestCheckGraphDoesNotChainImplicitly(t *testing.T) {
	t.Parallel()
	f := &Flow{Status: StatusActive, Trigger: TriggerWebhook, Options: map[string]any{}, Operations: []*Operation{
		{ID: "x", Key: "x", Type: "log"}, {ID: "y", Key: "y", Type: "log", Resolve: ptr("missing")},
	}}
	errs := CheckGraph(f)
	if len(errs) != 1 || errs[0].Path != "operations[1].resolve" {
		t.Fatalf("findings = %v", errs)
	}
	if f.Operations[0].Resolve != nil {
		t.Fatal("CheckGraph must not add edges")
	}
}

func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"operations":[{"id":"a","operation":"log","resolve":"b"},{"id":"b","operation":"log"}]}`,
		`{"operation":"x","operations":[{"key":"x","type":"condition","options":{"filter":{}}}]}`,
		`{"options":{"method":"GET","cacheEnabled":true},"operations":[{}]}`,
		`[]`, `{"operations":{"a":1}}`, `{"operations":[{"id":"","key":""}]}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		var m map[string]any
		if json.Unmarshal([]byte(doc), &m) != nil {
			return
		}
		flow, errs := Decode(m)
		if len(errs) == 0 {
			// A valid flow's edges all name existing operations.
			if graphErrs := CheckGraph(flow); len(graphErrs) > 0 {
				t.Fatalf("decoded flow fails CheckGraph: %v", graphErrs)
			}
		}
	})
}
