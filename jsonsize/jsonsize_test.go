package jsonsize

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestSizesMatchTheEncoding(t *testing.T) {
	t.Parallel()
	values := []any{
		nil, true, false, "", "plain", "quote \" and \\ and \n\t\b\f\r", "\x00\x01\x1f", "é ü 😀",
		0.0, 1.0, -1.0, 99.99, 0.1, 1e-6, 1.5e-7, 123456789012345678.0, 1e20, 1e21, 1e300, -2.5e-9, math.MaxInt64 * 1.0,
		json.Number("12345678901234567890"), 7, int64(-42), int64(math.MinInt64),
		map[string]any{},
		[]any{},
		map[string]any{"a": 1.0, "b": []any{"x", nil, map[string]any{"c\n": true}}},
		[]any{[]any{[]any{}}, map[string]any{"k": map[string]any{}}},
		map[string]string{"x-api-key": "k", "b": "\"q\""},
		[]string{"a", "b\n"},
		[]map[string]any{{"id": 1.0}, {}},
		struct {
			A int `json:"a"`
		}{A: 3},
	}
	for _, v := range values {
		compact, err := marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := Compact(v, math.MaxInt); got != len(compact) {
			t.Errorf("Compact(%#v) = %d, want %d (%s)", v, got, len(compact), compact)
		}
		indented, _ := json.MarshalIndent(v, "", "  ")
		if got := Indented(v, math.MaxInt); got != len(indented) {
			t.Errorf("Indented(%#v) = %d, want %d (%s)", v, got, len(indented), indented)
		}
	}
}

func TestWalkStopsAtTheLimit(t *testing.T) {
	t.Parallel()
	payload := map[string]any{"s": strings.Repeat("x", 1000)}
	shared := make([]any, 100_000)
	for i := range shared {
		shared[i] = payload
	}
	// A hundred thousand references to one kilobyte: 100 MB encoded. The
	// walk must stop after about 100 elements.
	got := Compact(shared, 200_000)
	if got <= 200_000 || got > 210_000 {
		t.Fatalf("Compact = %d, want just past the limit", got)
	}
}

// marshal encodes as hookflow's encoders do: without HTML escaping.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

func TestStringCountsEscapes(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "a", `"`, `\`, "\n", "\x00", "<&>"} {
		raw, _ := marshal(s)
		if got := String(s); got != len(raw) {
			t.Errorf("String(%q) = %d, want %d", s, got, len(raw))
		}
	}
}
