package api

import (
	_ "embed"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"sigs.k8s.io/yaml"
)

// openAPIYAML is the OpenAPI 3.1 description of every route, written by
// hand beside the handlers it describes; the scenario tests validate real
// requests and answers against it (hookflowtest), so a route that drifts
// from it fails them.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPI returns the OpenAPI document as JSON, as GET /server/specs/oas
// serves it.
func OpenAPI() ([]byte, error) {
	doc, err := yaml.YAMLToJSON(openAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("the embedded OpenAPI document: %w", err)
	}
	return doc, nil
}

// openAPISpec serves the OpenAPI document (GET /server/specs/oas), as
// Directus serves its own; it describes routes only, so anyone may read it.
func (s *server) openAPISpec(c echo.Context) error {
	if s.openAPIErr != nil {
		return s.openAPIErr
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, s.openAPI)
}
