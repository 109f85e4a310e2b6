package tests

import (
	"net/url"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestItemIDsInURLs checks that every item is found, changed and deleted
// under its id escaped as clients escape it (url.PathEscape), ids made of
// the characters URLs treat specially included; an id never decodes twice.
func TestItemIDsInURLs(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	ids := []string{"100%", "a%41", "50%/off", "a b/é", "?#&=+", "%2F", "..x", "x;y", "ü"}
	for _, id := range ids {
		check(t, srv.Do(t, "POST", "/items/odd", map[string]any{"id": id}), 200, "")
	}
	for _, id := range ids {
		path := "/items/odd/" + url.PathEscape(id)
		want := jsonText(map[string]any{"data": map[string]any{"id": id}})
		check(t, srv.Do(t, "GET", path, nil), 200, want)
		check(t, srv.Do(t, "PATCH", path, `{"seen": true}`), 200, jsonText(map[string]any{"data": map[string]any{"id": id, "seen": true}}))
		check(t, srv.Do(t, "DELETE", path, nil), 204, "")
		check(t, srv.Do(t, "GET", path, nil), 404, "")
	}
	check(t, srv.Do(t, "GET", "/items/odd/A", nil), 404, "") // "a%41" is not "aA"
}
