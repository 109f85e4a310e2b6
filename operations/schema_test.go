package operations_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/internal/flowexamples"
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/operations"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// flowSchema compiles the JSON Schema of flow files.
func flowSchema(t *testing.T) (*jsonschema.Schema, map[string]any) {
	t.Helper()
	doc, err := jsonnum.DecodeObject(flows.Schema())
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("flow.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("flow.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s, doc
}

// TestFlowSchemaMatchesTheOperations: the schema names every built-in
// operation type, and for each exactly the options the type accepts, so
// an editor completes what the server takes and flags what it refuses.
func TestFlowSchemaMatchesTheOperations(t *testing.T) {
	t.Parallel()
	_, doc := flowSchema(t)
	defs := doc["$defs"].(map[string]any)
	var types []string
	for _, v := range defs["operationType"].(map[string]any)["enum"].([]any) {
		types = append(types, v.(string))
	}
	sort.Strings(types)
	registry := operations.ForChecks()
	if want := registry.Types(); !slices.Equal(types, want) {
		t.Fatalf("schema types %v, registry %v", types, want)
	}
	optionsOf := defs["optionsOf"].(map[string]any)
	for _, typ := range types {
		spec, ok := optionsOf[typ].(map[string]any)
		if !ok {
			t.Errorf("%s: no options in the schema", typ)
			continue
		}
		props := spec["then"].(map[string]any)["properties"].(map[string]any)["options"].(map[string]any)["properties"].(map[string]any)
		var inSchema []string
		for k := range props {
			inSchema = append(inSchema, k)
		}
		sort.Strings(inSchema)
		if known := knownOptions(t, registry, typ); !slices.Equal(inSchema, known) {
			t.Errorf("%s: schema options %v, the type accepts %v", typ, inSchema, known)
		}
	}
}

// knownOptions are the options typ accepts, as its finding about an
// unknown option lists them.
func knownOptions(t *testing.T, r *operations.Registry, typ string) []string {
	t.Helper()
	op, _ := r.Lookup(typ)
	_, err := op.Prepare(operations.Prepare{
		Options:       map[string]any{"zz-probe": 1},
		OperationKeys: map[string]bool{},
		Compile:       func(raw any) (operations.Value, flows.ValidationErrors) { return engine.CompileValue(raw) },
	})
	verrs, _ := err.(flows.ValidationErrors)
	for _, e := range verrs {
		if e.Path == "zz-probe" {
			_, list, found := strings.Cut(e.Message, "(known: ")
			if !found {
				break
			}
			known := strings.Split(strings.TrimSuffix(list, ")"), ", ")
			sort.Strings(known)
			return known
		}
	}
	t.Fatalf("%s: no finding lists its options: %v", typ, err)
	return nil
}

func TestFlowSchemaAcceptsTheExamples(t *testing.T) {
	t.Parallel()
	schema, _ := flowSchema(t)
	for _, ex := range flowexamples.Read(t, "../flows/testdata") {
		doc, err := jsonnum.DecodeObject(ex.Raw)
		if err != nil {
			t.Fatal(err)
		}
		doc["id"] = ex.Name
		doc["$schema"] = "https://hookflow.example.com/server/specs/flow-schema"
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s: %v", ex.Name, err)
		}
	}
}

func TestFlowSchemaRefusesMistakes(t *testing.T) {
	t.Parallel()
	schema, _ := flowSchema(t)
	for name, doc := range map[string]string{
		"unknown operation type": `{"id": "a", "operations": [{"id": "x", "operation": "transfrom", "options": {"json": 1}}]}`,
		"unknown option":         `{"id": "a", "operations": [{"id": "x", "operation": "log", "options": {"mesage": "hi"}}]}`,
		"missing option":         `{"id": "a", "operations": [{"id": "x", "type": "request", "options": {"method": "GET"}}]}`,
		"slug in upper case":     `{"id": "GitHub-Push"}`,
		"unknown flow field":     `{"id": "a", "trigers": "webhook"}`,
		"unknown webhook option": `{"id": "a", "options": {"methd": "POST"}}`,
		"no type":                `{"id": "a", "operations": [{"id": "x"}]}`,
		"schedule without cron":  `{"id": "a", "trigger": "schedule", "options": {}}`,
		"unknown event option":   `{"id": "a", "trigger": "event", "options": {"scope": ["items.create"], "colections": ["x"]}}`,
		"event without scope":    `{"id": "a", "trigger": "event", "options": {"type": "action"}}`,
		"unknown manual option":  `{"id": "a", "trigger": "manual", "options": {"asynk": true}}`,
	} {
		v, err := jsonnum.DecodeObject([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if schema.Validate(v) == nil {
			t.Errorf("%s: accepted %s", name, doc)
		}
	}
}
