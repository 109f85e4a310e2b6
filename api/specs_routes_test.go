package api

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/telemetry"
	"github.com/labstack/echo/v4"
	"sigs.k8s.io/yaml"
)

// documentedMethods are the methods the OpenAPI document describes; the
// webhook trigger answers every other one with 405.
var documentedMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete,
}

// TestOpenAPIDocumentsEveryRoute: the document and the router list the
// same routes, so one added to either alone fails here (the scenario tests
// then check what each answers, through hookflowtest).
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	e := echo.New()
	s := &server{Deps: Deps{Metrics: telemetry.NewMetrics(), MaxPayload: 1 << 20}}
	s.routes(e)
	param := regexp.MustCompile(`:([a-z_]+)`)
	served := map[string]bool{}
	for _, r := range e.Routes() {
		if !slices.Contains(documentedMethods, r.Method) {
			continue
		}
		served[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	raw, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		if ref, ok := item["$ref"].(string); ok {
			// "#/paths/~1flows~1trigger~1{id}": the same operations.
			item = doc.Paths[strings.ReplaceAll(strings.TrimPrefix(ref, "#/paths/"), "~1", "/")]
		}
		for method := range item {
			if m := strings.ToUpper(method); slices.Contains(documentedMethods, m) {
				documented[m+" "+path] = true
			}
		}
	}
	for route := range served {
		if !documented[route] {
			t.Errorf("%s is served but not in api/openapi.yaml", route)
		}
	}
	for route := range documented {
		if !served[route] {
			t.Errorf("%s is in api/openapi.yaml but not served", route)
		}
	}
}
