package flows

import (
	"strings"
	"testing"
)

func TestFlowIDs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id        string
		valid     bool
		canonical string
	}{
		{"github-push", true, "github-push"},
		{"a", true, "a"},
		{"0_x-9", true, "0_x-9"},
		{strings.Repeat("a", 64), true, strings.Repeat("a", 64)},
		{strings.Repeat("a", 65), false, strings.Repeat("a", 65)},
		{"6D1F0C2E-9B8A-4C7D-8E6F-5A4B3C2D1E0F", true, "6d1f0c2e-9b8a-4c7d-8e6f-5a4b3c2d1e0f"},
		{"GitHub-Push", false, "github-push"},
		{"-leading", false, "-leading"},
		{"_leading", false, "_leading"},
		{"with space", false, "with space"},
		{"dot.ted", false, "dot.ted"},
		{"ünïcode", false, "ünïcode"},
		{"", false, ""},
	} {
		if got := ValidID(tc.id); got != tc.valid {
			t.Errorf("ValidID(%q) = %v", tc.id, got)
		}
		if got := IDFinding(tc.id); (got == "") != tc.valid {
			t.Errorf("IDFinding(%q) = %q", tc.id, got)
		}
		if got := CanonicalID(tc.id); got != tc.canonical {
			t.Errorf("CanonicalID(%q) = %q, want %q", tc.id, got, tc.canonical)
		}
	}
	if got := IDFinding("GitHub-Push"); !strings.Contains(got, "github-push") {
		t.Errorf("the finding for an upper-case slug does not show the lower-case one: %q", got)
	}
}

// TestDecodeAcceptsWhatUsersPaste: a "$schema" line, server fields, and a
// whole GET answer ({"data": …}) decode as the flow they hold.
func TestDecodeAcceptsWhatUsersPaste(t *testing.T) {
	t.Parallel()
	answer := map[string]any{"data": map[string]any{
		"id": "pasted", "$schema": "https://example.com/server/specs/flow-schema", "date_created": "2030-01-01T00:00:00Z",
		"date_updated": nil, "user_created": "u", "user_updated": "u",
		"operations": []any{map[string]any{
			"id": "a", "key": "a", "type": "log", "flow": "pasted",
			"date_created": "2030-01-01T00:00:00Z", "user_created": "u", "options": map[string]any{"message": "x"},
		}},
	}}
	f, errs := Decode(answer)
	if len(errs) > 0 || f.ID != "pasted" || len(f.Operations) != 1 {
		t.Fatalf("decoded %+v with %v", f, errs)
	}
	if _, errs := Decode(map[string]any{"data": map[string]any{}, "name": "x"}); len(errs) == 0 {
		t.Fatal("a document with data beside other fields is not unwrapped")
	}
}
