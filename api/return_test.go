package api_test

import (
	"encoding/json"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestReturnForms covers every form of the `return` trigger option through
// the server (README.md, "What a flow is").
func TestReturnForms(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	tests := []struct {
		name string
		ret  string // JSON
		want string // JSON of the response's data
	}{
		{"default is $last", ``, `{"id":7,"sku":"a"}`},
		{"$last", `"$last"`, `{"id":7,"sku":"a"}`},
		{"$trigger body field", `"$trigger.order"`, `"o-1"`},
		{"$accountability", `"$accountability.role"`, `"admin"`},
		{"operation key", `"read_orders"`, `{"id":7,"sku":"a"}`},
		{"path into an operation", `"read_orders.id"`, `7`},
		{"path with a numeric segment", `"$trigger.body.items.1"`, `"y"`},
		{"length", `"$trigger.items.length"`, `2`},
		{"template", `"order {{$trigger.order}} stored as {{read_orders.id}}"`, `"order o-1 stored as 7"`},
		{"typed template", `"{{read_orders}}"`, `{"id":7,"sku":"a"}`},
		{"literal string", `"thanks"`, `"thanks"`},
		{"literal object", `{"ok":true}`, `{"ok":true}`},
		{"literal number", `202`, `202`},
		{"null", `null`, `null`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := `{}`
			if tc.ret != "" {
				opts = `{"return":` + tc.ret + `}`
			}
			id := srv.CreateFlow(t, `{"options":`+opts+`,"operations":[
				{"id":"read_orders","operation":"transform","options":{"json":{"id":7,"sku":"a"}}}]}`)
			r := srv.Do(t, "POST", "/flows/trigger/"+id, `{"order":"o-1","items":["x","y"]}`)
			expectStatus(t, r, 200, "")
			got, _ := json.Marshal(r.Data(t))
			if string(got) != tc.want {
				t.Fatalf("data = %s, want %s", got, tc.want)
			}
		})
	}
	// $all is the whole chain without $env.
	id := srv.CreateFlow(t, `{"options":{"return":"$all"},"operations":[{"id":"a","operation":"log"}]}`)
	all := srv.Do(t, "POST", "/flows/trigger/"+id, `{}`).Data(t).(map[string]any)
	for _, k := range []string{"$trigger", "$last", "$accountability", "$flow", "$run", "a"} {
		if _, ok := all[k]; !ok {
			t.Errorf("$all lacks %s", k)
		}
	}
	if _, ok := all["$env"]; ok {
		t.Error("$all must not contain $env")
	}
}
