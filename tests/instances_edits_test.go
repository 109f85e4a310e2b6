package tests

import (
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentEditsOnTwoServersKeepEveryChange: two servers changing
// different operations of one flow at the same moment lose neither
// change. An edit reads the flow, changes it and writes it whole, so
// without a lock across servers one server's write carried the other's
// operation as it was before, undoing the other's change.
func TestConcurrentEditsOnTwoServersKeepEveryChange(t *testing.T) {
	t.Parallel()
	s := sharedServers(t, 2)
	id := s[0].CreateFlow(t, `{"name": "edited twice", "options": {"access": "public"},
		"operations": [
			{"key": "first", "operation": "transform", "options": {"json": {"v": 0}}, "resolve": "second"},
			{"key": "second", "operation": "transform", "options": {"json": {"w": 0}}}]}`)
	opIDs := map[string]string{}
	for _, op := range s[0].Do(t, "GET", "/flows/"+id, nil).Data(t).(map[string]any)["operations"].([]any) {
		o := op.(map[string]any)
		opIDs[o["key"].(string)] = o["id"].(string)
	}
	const edits = 25
	var wg sync.WaitGroup
	for i, edit := range []struct{ key, field string }{{"first", "v"}, {"second", "w"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 1; n <= edits; n++ {
				body := fmt.Sprintf(`{"options": {"json": {%q: %d}}}`, edit.field, n)
				if r := s[i].Do(t, "PATCH", "/operations/"+opIDs[edit.key], body); r.Status != 200 {
					t.Errorf("PATCH %s on server %d: %d %s", edit.key, i, r.Status, r.Body)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, srv := range s {
		for _, op := range srv.Do(t, "GET", "/flows/"+id, nil).Data(t).(map[string]any)["operations"].([]any) {
			o := op.(map[string]any)
			got := jsonText(o["options"])
			want := map[string]string{"first": `{"json":{"v":25}}`, "second": `{"json":{"w":25}}`}[o["key"].(string)]
			if got != want {
				t.Errorf("operation %s reads %s, want %s: a concurrent edit on the other server undid a change", o["key"], got, want)
			}
		}
	}
}
