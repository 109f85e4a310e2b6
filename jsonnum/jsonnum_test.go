package jsonnum

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"testing"

	gojson "github.com/goccy/go-json"
)

func TestDecodeKeepsDigits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text  string
		float bool // decoded as float64
	}{
		{"0", true},
		{"-0", true},
		{"42", true},
		{"99.99", true},
		{"-0.5", true},
		{"123456789012345", true},
		{"0.000001", true},
		{"1e+21", true},
		{"1e-7", true},
		{"0.30000000000000004", true},
		{"9007199254740992", true},
		{"5e-324", true},
		{"1.7976931348623157e+308", true},
		{"100000000000000000000", true},
		{"12345678901234567890", false},
		{"9007199254740993", false},
		{"0.1000000000000000055511151231257827", false},
		{"1.0", false},
		{"1.50", false},
		{"1E2", false},
		{"1e2", false},
		{"1e21", false},
		{"0.0000001", false},
		{"0.0", false},
		{"1e400", false},
		{"-1e400", false},
		{"1e-400", false},
		{"-0.0", false},
		{"123456789012345678901234567890.123456789", false},
	}
	for _, c := range cases {
		doc := `{"n":` + c.text + `,"list":[` + c.text + `,"` + c.text + `"]}`
		v, err := Decode([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", c.text, err)
		}
		m := v.(map[string]any)
		for _, got := range []any{m["n"], m["list"].([]any)[0]} {
			if _, isFloat := got.(float64); isFloat != c.float {
				t.Errorf("%s decoded as %T, want float64: %v", c.text, got, c.float)
			}
			if text, ok := Text(got); !ok || text != c.text {
				t.Errorf("%s: Text = %q, %v", c.text, text, ok)
			}
		}
		if s := m["list"].([]any)[1]; s != c.text {
			t.Errorf("%s: the string became %#v", c.text, s)
		}
		var buf bytes.Buffer
		enc := gojson.NewEncoder(&buf)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		want := `{"list":[` + c.text + `,"` + c.text + `"],"n":` + c.text + `}`
		if got := string(bytes.TrimSpace(buf.Bytes())); got != want {
			t.Errorf("re-encoded %s, want %s", got, want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{``, `{`, `{"a":1} x`, `{"a":12345678901234567890} x`, `[1e400,]`, `{"a":01}`, `{"a":-}`, `"\"`} {
		if v, err := Decode([]byte(doc)); err == nil {
			t.Errorf("Decode(%q) = %#v, want an error", doc, v)
		}
	}
	for _, doc := range []string{` {"a": 1e400} `, `"a\\"`, `["\"1.0\"", 2]`, `null`, `1.0`} {
		if _, err := Decode([]byte(doc)); err != nil {
			t.Errorf("Decode(%q): %v", doc, err)
		}
	}
}

func TestStringsAreSkipped(t *testing.T) {
	t.Parallel()
	// Numbers inside strings (escaped quotes included) do not count.
	for _, doc := range []string{`{"a":"1.0"}`, `{"a\"1.0":"\\\"1.0"}`, `["x\\\\", 1]`} {
		if !floatsOnly([]byte(doc)) {
			t.Errorf("floatsOnly(%s) = false", doc)
		}
	}
	for _, doc := range []string{`{"a\"":1.0}`, `["\\\\",1.0]`} {
		if floatsOnly([]byte(doc)) {
			t.Errorf("floatsOnly(%s) = true", doc)
		}
	}
}

func TestFloatAndText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		v    any
		f    float64
		text string
	}{
		{json.Number("12345678901234567890"), 12345678901234567890, "12345678901234567890"},
		{json.Number("1e400"), math.Inf(1), "1e400"},
		{json.Number("-1e400"), math.Inf(-1), "-1e400"},
		{json.Number("1e-400"), 0, "1e-400"},
		{2.5, 2.5, "2.5"},
		{1e21, 1e21, "1e+21"},
		{int64(9007199254740993), 9007199254740992, "9007199254740993"},
		{7, 7, "7"},
	}
	for _, c := range cases {
		if f, ok := Float(c.v); !ok || f != c.f {
			t.Errorf("Float(%#v) = %v, %v", c.v, f, ok)
		}
		if text, ok := Text(c.v); !ok || text != c.text {
			t.Errorf("Text(%#v) = %q, %v", c.v, text, ok)
		}
	}
	for _, v := range []any{"5", nil, true, math.NaN(), math.Inf(1)} {
		if _, ok := Text(v); ok {
			t.Errorf("Text(%#v) is ok", v)
		}
	}
}

// jsonNumber is the grammar of a JSON number.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// FuzzIsFloatText checks the shape shortcut of isFloatText against its
// definition: the text is what AppendFloat writes for its float64.
func FuzzIsFloatText(f *testing.F) {
	for _, s := range []string{
		"0", "-0", "1.5", "1.50", "0.000001", "0.0000001", "123456789012345",
		"1234567890123456", "9007199254740993", "1e21", "1e+21", "0.1000000000000000055511151231257827",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !jsonNumber.MatchString(s) {
			return
		}
		x, err := strconv.ParseFloat(s, 64)
		want := err == nil && string(AppendFloat(nil, x)) == s
		if got := isFloatText(s); got != want {
			t.Fatalf("isFloatText(%q) = %v, want %v", s, got, want)
		}
		v, err := Decode([]byte("[" + s + "]"))
		if err != nil {
			t.Fatalf("Decode(%q): %v", s, err)
		}
		if text, ok := Text(v.([]any)[0]); !ok || text != s {
			t.Fatalf("%q came back as %q", s, text)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	body := []byte(`{"type":"order","customer_id":"c_123","items":[{"sku":"a","qty":2},{"sku":"b","qty":1},{"sku":"c","qty":5}],"total":99.99,"email":"x@example.com","currency":"EUR","created_at":"2025-01-15T10:30:00Z","shipping":{"name":"Ada Lovelace","street":"12 Example Road","city":"London","zip":"N1 9GU","country":"GB"}}`)
	exotic := bytes.Replace(body, []byte("99.99"), []byte("12345678901234567890"), 1)
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := gojson.Unmarshal(body, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Decode(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Decode/exotic", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Decode(exotic); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UseNumber", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			dec := gojson.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("scan", func(b *testing.B) {
		for b.Loop() {
			if !floatsOnly(body) {
				b.Fatal("exotic")
			}
		}
	})
}

func TestUnmarshalSettlesInterfaces(t *testing.T) {
	t.Parallel()
	type record struct {
		Trigger any             `json:"trigger"`
		Steps   []any           `json:"steps"`
		Named   map[string]any  `json:"named"`
		Raw     json.RawMessage `json:"raw"`
		Count   int             `json:"count"`
		Ptr     *struct {
			V any `json:"v"`
		} `json:"ptr"`
	}
	doc := `{"trigger":{"a":12345678901234567890,"b":2},"steps":[1.5,1.50],"named":{"x":3,"y":1e400},` +
		`"raw":[1.0],"count":4,"ptr":{"v":7}}`
	var r record
	if err := Unmarshal([]byte(doc), &r); err != nil {
		t.Fatal(err)
	}
	tr := r.Trigger.(map[string]any)
	checks := []struct {
		got  any
		want any
	}{
		{tr["a"], json.Number("12345678901234567890")},
		{tr["b"], 2.0},
		{r.Steps[0], 1.5},
		{r.Steps[1], json.Number("1.50")},
		{r.Named["x"], 3.0},
		{r.Named["y"], json.Number("1e400")},
		{string(r.Raw), "[1.0]"},
		{r.Count, 4},
		{r.Ptr.V, 7.0},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("%d: got %#v, want %#v", i, c.got, c.want)
		}
	}
	if err := Unmarshal([]byte(`{"trigger":1.0} {}`), &r); err == nil {
		t.Error("text after the document was accepted")
	}
}

func TestInt(t *testing.T) {
	t.Parallel()
	ints := map[string]int64{
		"42": 42, "-7": -7, "0": 0, "-0": 0, "1.0": 1, "1e2": 100, "2.50e1": 25, "0.0": 0,
		"9007199254740993": 9007199254740993, "9223372036854775807": math.MaxInt64,
		"-9223372036854775808": math.MinInt64, "1E+18": 1e18, "12300e-2": 123,
	}
	for text, want := range ints {
		v, err := Decode([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := Int(v); !ok || n != want {
			t.Errorf("Int(%s) = %d, %v; want %d", text, n, ok, want)
		}
	}
	for _, text := range []string{"1.5", "1.0000000000000001", "9223372036854775808", "1e19", "1e400", "1e-400", "12345678901234567890"} {
		v, err := Decode([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := Int(v); ok {
			t.Errorf("Int(%s) = %d, want no integer", text, n)
		}
	}
	if _, ok := Int("5"); ok {
		t.Error("a string is an integer")
	}
}
