package triggers

import (
	"strings"
	"testing"

	"github.com/hookflow/hookflow/redact"
)

// TestPlannedOptionsAreScrubbedOnce checks the options cache: planned
// options are written scrubbed, the same from the cache; a run whose
// request carried credentials writes them itself (they are hidden there
// too); the cache starts again empty at its bound.
func TestPlannedOptionsAreScrubbedOnce(t *testing.T) {
	t.Parallel()
	sc := recordScrubber(redact.EnvSecrets(map[string]any{"API_KEY": "env-secret-value"}), 0)
	cache := newOptionsCache(sc)
	options := map[string]any{
		"url":      "https://example.com/?key=env-secret-value&user=request-credential",
		"password": "hunter2",
	}
	var written []string
	for range 2 {
		out, ok := cache.appendOptions(nil, options, sc)
		if !ok {
			t.Fatal("not encoded")
		}
		written = append(written, string(out))
	}
	if written[0] != written[1] {
		t.Fatalf("from the cache %s, first %s", written[1], written[0])
	}
	for _, leak := range []string{"env-secret-value", "hunter2"} {
		if strings.Contains(written[0], leak) {
			t.Fatalf("planned options leak %s: %s", leak, written[0])
		}
	}
	if !strings.Contains(written[0], "request-credential") {
		t.Fatalf("the runner's scrubber hides only its own secrets: %s", written[0])
	}
	// A run whose request carried the credential hides it in its options.
	run := sc.WithCredentials([]string{"request-credential"})
	out, _ := cache.appendOptions(nil, options, run)
	if strings.Contains(string(out), "request-credential") {
		t.Fatalf("a request's credential in planned options: %s", out)
	}
	// Bounded: full, it starts again.
	for range maxPlannedOptions {
		cache.appendOptions(nil, map[string]any{"n": 1.0}, sc)
	}
	if n := len(cache.entries); n > maxPlannedOptions || n == 0 {
		t.Fatalf("%d entries", n)
	}
}
