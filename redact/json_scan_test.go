package redact

import "testing"

func TestCleanJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw   string
		clean bool
	}{
		{`{"type":"order","items":[{"sku":"a"}],"total":9.5}`, true},
		{`{"a": {"b" : {"password": "x"}}}`, false},
		{`{"a": ["password", "token"]}`, true}, // values, not keys
		{`{"note": "a \"token\": b"}`, true},
		{`{"API-Key"  :  1}`, false},
		{`{"pass\u0077ord": "x"}`, false}, // an escaped key is not trusted
		{`{"text": "0123456789abcdefghijKLMN"}`, false},
		{`{"text": "0123456789abcdefghij"}`, true},
		{`"just a string"`, true},
		{`[]`, true},
		{`[[[1]]]`, true},                      // three levels
		{`[[[[1]]]]`, false},                   // four
		{`{"a": {"b": {"c": "[[[[["}}}`, true}, // brackets in strings do not nest
		{`[{"a": [1]}, {"b": [2]}, [3]]`, true},
	}
	for _, tc := range tests {
		if got := CleanJSON(tc.raw, 20, 3); got != tc.clean {
			t.Errorf("%s: %v, want %v", tc.raw, got, tc.clean)
		}
	}
}

func TestScanJSONSeesSpacing(t *testing.T) {
	t.Parallel()
	for raw, spaced := range map[string]bool{
		`{"a":"x y","b":[1,2]}`: false,
		`{"a": 1}`:              true,
		`{"a" :1}`:              true,
		"[1,\n2]":               true,
		`"  "`:                  false,
	} {
		if clean, got := scanJSON(raw, 0, 0); !clean || got != spaced {
			t.Errorf("%s: clean %v, spaced %v, want spaced %v", raw, clean, got, spaced)
		}
	}
}
