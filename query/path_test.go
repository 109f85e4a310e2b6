package query

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestParsePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		segs  []string
		canon string
	}{
		{"a", []string{"a"}, "a"},
		{"$trigger.items[0].sku", []string{"$trigger", "items", "0", "sku"}, "$trigger.items.0.sku"},
		{"items.0.sku", []string{"items", "0", "sku"}, "items.0.sku"},
		{"read_orders.0.id", []string{"read_orders", "0", "id"}, "read_orders.0.id"},
		{`headers["x-api-key"]`, []string{"headers", "x-api-key"}, "headers.x-api-key"},
		{`a['b c']`, []string{"a", "b c"}, "a.b c"},
		{`a["b.c"].d`, []string{"a", "b.c", "d"}, `a["b.c"].d`},
		{`a["say \"hi\""]`, []string{"a", `say "hi"`}, `a.say "hi"`},
		{`a["x]y"]`, []string{"a", "x]y"}, `a["x]y"]`},
		{`a['it\'s']`, []string{"a", "it's"}, "a.it's"},
		{`a["back\\slash"]`, []string{"a", `back\slash`}, `a.back\slash`},
		{`a[""]`, []string{"a", ""}, `a[""]`},
		{`a[" x "]`, []string{"a", " x "}, `a[" x "]`},
		{"a[ 1 ][2]", []string{"a", "1", "2"}, "a.1.2"},
		{"a[b]", []string{"a", "b"}, "a.b"},
		{`[0].id`, []string{"0", "id"}, "0.id"},
		{`["$x"]`, []string{"$x"}, "$x"},
		{"  a.b  ", []string{"a", "b"}, "a.b"},
		{"a.b[0][1].c", []string{"a", "b", "0", "1", "c"}, "a.b.0.1.c"},
		{"a'b.c", []string{"a'b", "c"}, "a'b.c"},
		{"é.ü", []string{"é", "ü"}, "é.ü"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			p, err := ParsePath(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p.Segments(), tt.segs) {
				t.Errorf("segments %q, want %q", p.Segments(), tt.segs)
			}
			if p.String() != tt.canon {
				t.Errorf("String() = %s, want %s", p, tt.canon)
			}
			if p.Len() != len(tt.segs) || p.Head() != tt.segs[0] {
				t.Errorf("Len %d Head %q", p.Len(), p.Head())
			}
			if !reflect.DeepEqual(p.Tail().Segments(), tt.segs[1:]) {
				t.Errorf("Tail %q", p.Tail().Segments())
			}
			back, err := ParsePath(p.String())
			if err != nil || !reflect.DeepEqual(back.Segments(), p.Segments()) {
				t.Errorf("round trip %s → %v %v", p, back.Segments(), err)
			}
		})
	}
}

func TestParsePathErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", "   ", "a..b", "a.", ".a", "a[", "a[0", `a["b`, `a["b"`, `a['b]`, "a[]", "a[ ]",
		"a]", "a[0]b", "a.[0]", "a[b[c]]", `a[b"c]`, "a[0].", "a..", "[", `[""`,
	} {
		if p, err := ParsePath(in); err == nil {
			t.Errorf("ParsePath(%q) = %q, want error", in, p.Segments())
		}
	}
}

func TestMustParsePath(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Errorf("MustParsePath did not panic")
		}
	}()
	MustParsePath("a..b")
}

func TestPathGet(t *testing.T) {
	t.Parallel()
	var doc any
	if err := json.Unmarshal([]byte(`{
		"items": [{"sku": "a", "tags": ["x", "y"]}, {"sku": "b"}],
		"headers": {"x-api-key": "k"},
		"obj": {"length": 7, "0": "zero"},
		"plain": {"a": 1},
		"name": "abc",
		"nil": null,
		"nested": [[1, 2], [3]]
	}`), &doc); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want any
		ok   bool
	}{
		{"items[0].sku", "a", true},
		{"items.1.sku", "b", true},
		{"items.length", 2.0, true},
		{"items[0].tags.length", 2.0, true},
		{"items[0].tags[1]", "y", true},
		{"items[2].sku", nil, false},
		{"items.01", nil, false},
		{"items.-1", nil, false},
		{"items.99999999999999999999", nil, false},
		{"items.x", nil, false},
		{`headers["x-api-key"]`, "k", true},
		{"headers.X-Api-Key", nil, false},
		{"obj.length", 7.0, true},
		{"plain.length", nil, false},
		{"obj.0", "zero", true},
		{"name.length", nil, false},
		{"name.0", nil, false},
		{"nil", nil, true},
		{"nil.a", nil, false},
		{"missing", nil, false},
		{"missing.a.b", nil, false},
		{"nested[0][1]", 2.0, true},
		{"nested.1.length", 1.0, true},
		{"items.length.x", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			got, ok := MustParsePath(tt.path).Get(doc)
			if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Get = %#v %v, want %#v %v", got, ok, tt.want, tt.ok)
			}
		})
	}
	if got, ok := (Path{}).Get(doc); !ok || !reflect.DeepEqual(got, doc) {
		t.Errorf("empty path does not return the value itself")
	}
	if (Path{}).Head() != "" || (Path{}).Tail().Len() != 0 || (Path{}).String() != "" {
		t.Errorf("empty path accessors")
	}
}

func TestPathGetGoValues(t *testing.T) {
	t.Parallel()
	v := map[string]any{
		"strs": []string{"a", "b"},
		"objs": []map[string]any{{"k": "v"}},
		"ms":   map[string]string{"k": "v"},
		"i":    5,
	}
	for path, want := range map[string]any{
		"strs.1": "b", "strs.length": 2.0, "objs[0].k": "v", "objs.length": 1.0, "ms.k": "v", "i": 5,
	} {
		got, ok := MustParsePath(path).Get(v)
		if !ok || got != want {
			t.Errorf("%s = %v %v, want %v", path, got, ok, want)
		}
	}
	for _, path := range []string{"strs.2", "ms.x", "i.x", "objs.1.k"} {
		if _, ok := MustParsePath(path).Get(v); ok {
			t.Errorf("%s found", path)
		}
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"a.b", "$trigger.items[0].sku", `headers["x-api-key"]`, `a['b c']`, "a..b", `a["\\"]`, "[0]", "a[ b ]"} {
		f.Add(s)
	}
	doc := map[string]any{"a": []any{map[string]any{"b": "c"}}, "length": 1.0}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			return
		}
		if p.Len() == 0 {
			t.Fatalf("%q parsed to an empty path", s)
		}
		back, err := ParsePath(p.String())
		if err != nil {
			t.Fatalf("%q → %q does not parse: %v", s, p.String(), err)
		}
		if !reflect.DeepEqual(back.Segments(), p.Segments()) {
			t.Fatalf("%q → %q → %q, want %q", s, p.String(), back.Segments(), p.Segments())
		}
		p.Get(doc)
		p.Tail().Get(doc["a"])
	})
}
