package flows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/internal/flowexamples"
	"github.com/hookflow/hookflow/jsonnum"
)

// roundTrip exports f, decodes the export and exports that again: the
// flow must come back with the same graph and the same bytes.
func roundTrip(t *testing.T, f *Flow) []byte {
	t.Helper()
	first, err := Export(f)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonnum.DecodeObject(first)
	if err != nil {
		t.Fatalf("the export is not JSON: %v\n%s", err, first)
	}
	back, errs := Decode(doc)
	if len(errs) > 0 {
		t.Fatalf("the export does not decode: %v\n%s", errs, first)
	}
	if got, want := graphOf(back), graphOf(f); got != want {
		t.Fatalf("the graph changed:\n got %s\nwant %s\nfile:\n%s", got, want, first)
	}
	if !reflect.DeepEqual(back.Options, f.Options) && (len(back.Options) != 0 || len(f.Options) != 0) {
		t.Fatalf("options changed: %v, want %v", back.Options, f.Options)
	}
	second, err := Export(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("export → apply → export differs:\n%s\n---\n%s", first, second)
	}
	return first
}

// graphOf describes what a run follows: ids, keys, types, edges, entry,
// and the flow's own fields.
func graphOf(f *Flow) string {
	var b strings.Builder
	str := func(p *string) string {
		if p == nil {
			return "∅"
		}
		return *p
	}
	acc := "null"
	if f.Accountability != nil {
		acc = *f.Accountability
	}
	fmt.Fprintf(&b, "%s|%s|%s|%s|%s|entry=%s;", f.ID, f.Name, f.Status, f.Trigger, acc, str(f.Operation))
	for _, op := range f.Operations {
		fmt.Fprintf(&b, " %s/%s:%s→%s/%s %v", op.ID, op.Key, op.Type, str(op.Resolve), str(op.Reject), op.Options)
	}
	return b.String()
}

func TestCanonicalRoundTripOfTheExamples(t *testing.T) {
	t.Parallel()
	for _, ex := range flowexamples.Read(t, "testdata") {
		doc, err := jsonnum.DecodeObject(ex.Raw)
		if err != nil {
			t.Fatal(err)
		}
		doc["id"] = ex.Name
		f, errs := Decode(doc)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", ex.Name, errs)
		}
		roundTrip(t, f)
	}
}

func TestCanonicalForm(t *testing.T) {
	t.Parallel()
	f, errs := Decode(map[string]any{
		"id": "orders", "name": "Orders", "status": "active", "trigger": "webhook", "accountability": "all",
		"date_created": "2030-01-01T00:00:00Z", "user_created": "someone", "$schema": "https://example.com/flow-schema",
		"options": map[string]any{"method": "POST"},
		"operations": []any{
			map[string]any{
				"id": "check", "key": "check", "operation": "condition", "date_created": "x", "flow": "orders",
				"options": map[string]any{"filter": map[string]any{"type": map[string]any{"_eq": "order"}}},
				"resolve": "save", "reject": "refuse",
			},
			map[string]any{"id": "save", "type": "log", "options": map[string]any{"message": "<b> & {{x}}", "n": json.Number("12345678901234567890")}},
			map[string]any{"operation": "log", "options": map[string]any{"message": "generated"}, "resolve": nil},
			map[string]any{"id": "refuse", "operation": "throw-error", "options": map[string]any{"status": 422}},
		},
	})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := string(roundTrip(t, f))
	want := `{
  "id": "orders",
  "name": "Orders",
  "operations": [
    {
      "id": "check",
      "operation": "condition",
      "options": {
        "filter": {
          "type": {
            "_eq": "order"
          }
        }
      },
      "reject": "refuse",
      "resolve": "save"
    },
    {
      "id": "save",
      "operation": "log",
      "options": {
        "message": "<b> & {{x}}",
        "n": 12345678901234567890
      }
    },
    {
      "operation": "log",
      "options": {
        "message": "generated"
      }
    },
    {
      "id": "refuse",
      "operation": "throw-error",
      "options": {
        "status": 422
      }
    }
  ],
  "options": {
    "method": "POST"
  }
}
`
	if got != want {
		t.Fatalf("canonical form:\n%s\nwant:\n%s", got, want)
	}
}

// TestCanonicalRoundTripOfRandomGraphs: any graph a flow can hold —
// edges anywhere, entries anywhere, keys that differ from ids, generated
// names, ids that look generated but are not — survives export and
// decoding, byte for byte.
func TestCanonicalRoundTripOfRandomGraphs(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		roundTrip(t, randomFlow(rng))
	}
}

// randomFlow builds a flow as the /operations API may leave it.
func randomFlow(rng *rand.Rand) *Flow {
	n := rng.IntN(6)
	types := []string{"log", "transform"}
	f := &Flow{ID: "random", Status: StatusActive, Trigger: TriggerWebhook, Options: map[string]any{}}
	if rng.IntN(4) == 0 {
		f.Accountability = ptr(AccountabilityActivity)
	} else if rng.IntN(4) > 0 {
		f.Accountability = ptr(AccountabilityAll)
	}
	for i := range n {
		typ := types[rng.IntN(len(types))]
		id := fmt.Sprintf("op%d", i)
		switch rng.IntN(4) {
		case 0:
			id = fmt.Sprintf("%s_%d", typ, 1+rng.IntN(3)) // looks generated
		case 1:
			id = fmt.Sprintf("%s_%d", types[rng.IntN(len(types))], 1+rng.IntN(3))
		}
		key := id
		if rng.IntN(4) == 0 {
			key = fmt.Sprintf("key%d", i)
		}
		f.Operations = append(f.Operations, &Operation{ID: id, Key: key, Type: typ, Options: map[string]any{"n": float64(i)}})
	}
	// Ids and keys must be unique, as decoding requires.
	seen := map[string]bool{}
	kept := f.Operations[:0]
	for _, op := range f.Operations {
		if seen[op.ID] || seen[op.Key] {
			continue
		}
		seen[op.ID], seen[op.Key] = true, true
		kept = append(kept, op)
	}
	f.Operations = kept
	pick := func() *string {
		if len(f.Operations) == 0 || rng.IntN(3) == 0 {
			return nil
		}
		return ptr(f.Operations[rng.IntN(len(f.Operations))].ID)
	}
	for _, op := range f.Operations {
		op.Resolve, op.Reject = pick(), pick()
	}
	if len(f.Operations) > 0 {
		f.Operation = ptr(f.Operations[rng.IntN(len(f.Operations))].ID)
	}
	return f
}
