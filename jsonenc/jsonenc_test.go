package jsonenc

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// stdJSON is encoding/json's compact encoding without HTML escaping, the
// reference every output must equal.
func stdJSON(t testing.TB, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

func TestAppendMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	values := []any{
		nil, true, false, "", "plain", `quote " backslash \ slash /`, "<html> & </html>",
		"\x00\x01\x08\x0c\n\r\t\x1f\x7f", "é ü 日本 🙂", "bad \xff utf-8 \xc3", "line\u2028sep\u2029",
		0.0, 1.0, -1.5, 99.99, 1e20, 1e21, 1e-6, 1e-7, 123456789.0, math.MaxFloat64, math.SmallestNonzeroFloat64,
		json.Number("12345678901234567890"), json.Number("-0.5e-3"), json.Number(""), 42, int64(-7),
		[]any{},
		[]any(nil),
		map[string]any{},
		map[string]any(nil),
		[]any{1.0, "a", []any{map[string]any{"k": nil}}},
		map[string]any{"only": []any{true, "x\ny"}},
		json.RawMessage(`{"a" : [1, 2],
			"b": "x y"}`),
		[]string{"typed", "slice"},
		map[string]int{"n": 1},
		struct {
			A string `json:"a"`
			B any    `json:"b,omitempty"`
		}{A: "s"},
		time.Date(2026, 12, 7, 19, 44, 32, 737210453, time.UTC),
	}
	for _, v := range values {
		got, err := Marshal(v)
		if err != nil {
			t.Errorf("%#v: %v", v, err)
			continue
		}
		if want := stdJSON(t, v); string(got) != want {
			t.Errorf("%#v:\n got %s\nwant %s", v, got, want)
		}
	}
}

func TestAppendObjects(t *testing.T) {
	t.Parallel()
	v := map[string]any{"a": 1.0, "b": []any{"x", map[string]any{"c": nil, "é\n": true}}, "<": ">"}
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var back any
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	if !reflect.DeepEqual(back, v) {
		t.Fatalf("%s reads as %v", got, back)
	}
}

func TestAppendRefusesWhatJSONCannotHold(t *testing.T) {
	t.Parallel()
	for _, v := range []any{
		math.NaN(), math.Inf(1),
		[]any{1.0, math.Inf(-1)},
		map[string]any{"n": math.NaN()},
		json.Number("12a"), json.Number("-"), json.Number("01"), json.RawMessage(`{"a":`), json.RawMessage(``),
		make(chan int),
	} {
		dst := []byte("kept")
		out, err := Append(dst, v)
		if !errors.Is(err, ErrUnsupportedValue) {
			t.Errorf("%#v: error %v", v, err)
		}
		if string(out) != "kept" {
			t.Errorf("%#v: dst became %q", v, out)
		}
	}
}

func TestEncodedAndAppenders(t *testing.T) {
	t.Parallel()
	got, err := Marshal([]any{Encoded(`{"ready":1}`), appender{}})
	if err != nil || string(got) != `[{"ready":1},"mine"]` {
		t.Fatalf("%s %v", got, err)
	}
}

type appender struct{}

func (appender) AppendJSON(dst []byte) ([]byte, error) { return AppendString(dst, "mine"), nil }

func TestAppendValid(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		`{ "a" : [ 1 , 2 ] }`:                      `{"a":[1,2]}`,
		"{\n\t\"s\": \"keeps  spaces \\\" \"\r\n}": `{"s":"keeps  spaces \" "}`,
		`"x"`: `"x"`,
	} {
		if got := AppendValid(nil, raw); string(got) != want {
			t.Errorf("%q: %s, want %s", raw, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00\u2028", "\xff\xfe", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendString(nil, s)), stdJSON(t, s); got != want {
			t.Fatalf("%q: %s, want %s", s, got, want)
		}
	})
}

func FuzzValidNumber(f *testing.F) {
	for _, s := range []string{"0", "-1.5e+10", "01", "1.", ".5", "1e", "-", "12345678901234567890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		std := json.Valid([]byte(s)) && s != "" && (s[0] == '-' || isDigit(s[0])) && !bytes.ContainsAny([]byte(s), " \t\r\n")
		if validNumber(s) != std {
			t.Fatalf("%q: valid %v, encoding/json reads a number: %v", s, validNumber(s), std)
		}
	})
}

func TestStringEnd(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw     string
		end     int
		escaped bool
	}{
		{`"abc" x`, 4, false},
		{`"a\"b" x`, 5, true},
		{`"a\\" x`, 4, true},
		{`"a\\\"" x`, 6, true},
		{`"open`, 5, false},
		{`"open\`, 6, true},
		{`"` + strings.Repeat("x", 40) + `" x`, 41, false},
		{`"` + strings.Repeat("x", 22) + `\"` + strings.Repeat("y", 20) + `" x`, 45, true},
		{`"` + strings.Repeat("x", 23) + `\\` + `" x`, 26, true},
		{`"` + strings.Repeat("x", 30) + `\"` + strings.Repeat("y", 20) + `" x`, 53, true},
		{`"` + strings.Repeat("x", 30) + `\\` + `" x`, 33, true},
		{`"` + strings.Repeat("x", 30), 31, false},
	} {
		end, escaped := StringEnd(tc.raw, 1)
		if end != tc.end || escaped != tc.escaped {
			t.Errorf("%s: %d %v, want %d %v", tc.raw, end, escaped, tc.end, tc.escaped)
		}
	}
}
