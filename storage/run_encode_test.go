package storage

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/jsonenc"
)

// TestRecordEncodingMatchesTags fills every field of a RunRecord and
// checks the hand-written encoder against encoding/json: the same members
// in the same order with the same values. A field added to RunRecord
// without its line in appendRecord fails here.
func TestRecordEncodingMatchesTags(t *testing.T) {
	t.Parallel()
	var d RunRecord
	v := reflect.ValueOf(&d).Elem()
	start := time.Date(2026, 12, 7, 19, 44, 32, 737210453, time.FixedZone("X", 3600))
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("s<" + v.Type().Field(i).Name + ">\u2028")
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int:
			f.SetInt(int64(i))
		case reflect.Interface:
			f.Set(reflect.ValueOf(map[string]any{"field": v.Type().Field(i).Name, "n": []any{1.5, nil}}))
		case reflect.Pointer:
			p := reflect.New(f.Type().Elem())
			switch p.Elem().Interface().(type) {
			case time.Time:
				p.Elem().Set(reflect.ValueOf(start.Add(time.Duration(i) * time.Second)))
			case float64:
				p.Elem().SetFloat(0.018)
			default:
				t.Fatalf("field %s: fill it", v.Type().Field(i).Name)
			}
			f.Set(p)
		case reflect.Struct:
			f.Set(reflect.ValueOf(start))
		case reflect.Slice:
			// A list of objects (the stopped events), filled from JSON.
			list := `[{"event":"items.create","collection":"orders","flows":["f<1>"],"count":2},{"event":"custom","flows":[],"count":1}]`
			if err := json.Unmarshal([]byte(list), f.Addr().Interface()); err != nil {
				t.Fatalf("field %s: %v", v.Type().Field(i).Name, err)
			}
		default:
			t.Fatalf("field %s of kind %s: fill it", v.Type().Field(i).Name, f.Kind())
		}
	}
	got, err := appendRecord(nil, &d)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(&d)
	if memberNames(t, got) != memberNames(t, want) || !sameJSON(t, got, want) {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	// Values handed over encoded are written as they are; nil pointers are null.
	d = RunRecord{ID: "r", Trigger: jsonenc.Encoded(`{"body":{"a":1}}`)}
	got, _ = appendRecord(nil, &d)
	want, _ = json.Marshal(&RunRecord{ID: "r", Trigger: json.RawMessage(`{"body":{"a":1}}`)})
	if string(got) != string(want) {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
}

// memberNames lists the top-level members of an encoded object in order.
func memberNames(t *testing.T, raw []byte) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	var names []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return strings.Join(names, ",")
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}
