package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// obj decodes a JSON object literal for test documents.
func obj(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad test JSON: %v\n%s", err, s)
	}
	return m
}

// errorPaths lists extensions.path of every entry of an error envelope.
func errorPaths(t *testing.T, r *hookflowtest.Response) []string {
	t.Helper()
	var out []string
	for _, e := range r.JSON(t)["errors"].([]any) {
		ext := e.(map[string]any)["extensions"].(map[string]any)
		p, _ := ext["path"].(string)
		out = append(out, p)
	}
	return out
}

func expectStatus(t *testing.T, r *hookflowtest.Response, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if code != "" {
		if got := r.ErrorCode(t); got != code {
			t.Fatalf("code %s, want %s: %s", got, code, r.Body)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasPrefix(list []string, prefix string) bool {
	for _, x := range list {
		if strings.HasPrefix(x, prefix) {
			return true
		}
	}
	return false
}
