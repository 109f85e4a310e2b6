package query

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// parseURL runs the URL path: ParseValues then ParseParams.
func parseURL(t testing.TB, raw string) (*Params, error) {
	t.Helper()
	values, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatalf("bad query string %q: %v", raw, err)
	}
	obj, err := ParseValues(values)
	if err != nil {
		return nil, err
	}
	return ParseParams(obj, ParamOptions{})
}

func TestParseValuesForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query string
		want        map[string]any
	}{
		{"json filter stays text", `filter={"a":{"_eq":1}}`, map[string]any{"filter": `{"a":{"_eq":1}}`}},
		{
			"bracket filter", `filter[status][_eq]=active`,
			map[string]any{"filter": map[string]any{"status": map[string]any{"_eq": "active"}}},
		},
		{
			"numbered _or items", `filter[_or][0][a][_eq]=1&filter[_or][1][b][_eq]=2`,
			map[string]any{"filter": map[string]any{"_or": []any{
				map[string]any{"a": map[string]any{"_eq": "1"}}, map[string]any{"b": map[string]any{"_eq": "2"}},
			}}},
		},
		{
			"numbered _or items with a gap keep their order", `filter[_or][5][b][_eq]=2&filter[_or][0][a][_eq]=1`,
			map[string]any{"filter": map[string]any{"_or": []any{
				map[string]any{"a": map[string]any{"_eq": "1"}}, map[string]any{"b": map[string]any{"_eq": "2"}},
			}}},
		},
		{
			"appended _in items", `filter[id][_in][]=1&filter[id][_in][]=2`,
			map[string]any{"filter": map[string]any{"id": map[string]any{"_in": []any{"1", "2"}}}},
		},
		{
			"repeated _in", `filter[id][_in]=1&filter[id][_in]=2`,
			map[string]any{"filter": map[string]any{"id": map[string]any{"_in": []any{"1", "2"}}}},
		},
		{
			"repeated _nin", `filter[id][_nin]=1&filter[id][_nin]=2`,
			map[string]any{"filter": map[string]any{"id": map[string]any{"_nin": []any{"1", "2"}}}},
		},
		{
			"repeated _between", `filter[n][_between]=1&filter[n][_between]=5`,
			map[string]any{"filter": map[string]any{"n": map[string]any{"_between": []any{"1", "5"}}}},
		},
		{
			"repeated aggregate fields", `aggregate[sum]=a&aggregate[sum]=b`,
			map[string]any{"aggregate": map[string]any{"sum": []any{"a", "b"}}},
		},
		{
			"numeric field keys stay keys", `filter[items][0][sku][_eq]=a`,
			map[string]any{"filter": map[string]any{"items": map[string]any{"0": map[string]any{"sku": map[string]any{"_eq": "a"}}}}},
		},
		{"fields list forms", `fields=id,name&fields[]=total`, map[string]any{"fields": []any{"id,name", "total"}}},
		{"aggregate bracket", `aggregate[count]=*`, map[string]any{"aggregate": map[string]any{"count": "*"}}},
		{"unknown parameters ignored", `access_token=x&foo[bar]=1&limit=5`, map[string]any{"limit": "5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			values, _ := url.ParseQuery(tt.query)
			got, err := ParseValues(values)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestParseParams(t *testing.T) {
	t.Parallel()
	p, err := parseURL(t, `filter[status][_eq]=active&fields=id,name&sort=-created,name&limit=-1&offset=5&page=2`+
		`&search=ada&meta=total_count,filter_count&aggregate[sum]=total,price&aggregate[count]=*&groupBy=status`)
	if err != nil {
		t.Fatal(err)
	}
	if !MatchValue(map[string]any{"status": "active"}, p.Filter, Env{}) || MatchValue(map[string]any{"status": "x"}, p.Filter, Env{}) {
		t.Error("filter does not select by status")
	}
	if len(p.Sort) != 2 || p.Sort[0].Field.String() != "created" || !p.Sort[0].Desc || p.Sort[1].Desc {
		t.Errorf("sort = %+v", p.Sort)
	}
	if p.Limit != -1 || !p.HasLimit || p.Offset != 5 || p.Page != 2 || p.Search != "ada" {
		t.Errorf("window/search = %d %v %d %d %q", p.Limit, p.HasLimit, p.Offset, p.Page, p.Search)
	}
	if !p.Meta.TotalCount || !p.Meta.FilterCount {
		t.Errorf("meta = %+v", p.Meta)
	}
	var aggs []string
	for _, a := range p.Aggregate {
		aggs = append(aggs, a.Func+":"+a.Name)
	}
	if strings.Join(aggs, " ") != "count:* sum:total sum:price" {
		t.Errorf("aggregate = %v", aggs)
	}
	if len(p.GroupBy) != 1 || p.GroupBy[0].String() != "status" {
		t.Errorf("groupBy = %v", p.GroupBy)
	}
	if got := p.Fields.Project(map[string]any{"id": 1.0, "name": "a", "total": 3.0}); !reflect.DeepEqual(got,
		map[string]any{"id": 1.0, "name": "a"}) {
		t.Errorf("fields projected %v", got)
	}
}

func TestParamsDefaultsAndWindow(t *testing.T) {
	t.Parallel()
	p, err := ParseParams(map[string]any{"limit": nil, "filter": nil}, ParamOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if l, o := p.Window(DefaultLimit); l != 100 || o != 0 {
		t.Errorf("default window = %d, %d", l, o)
	}
	if l, _ := p.Window(-1); l != -1 {
		t.Errorf("a write's default window = %d", l)
	}
	p, _ = ParseParams(map[string]any{"limit": 10.0, "page": "3"}, ParamOptions{})
	if l, o := p.Window(DefaultLimit); l != 10 || o != 20 {
		t.Errorf("page 3 of 10 = %d, %d", l, o)
	}
}

func TestParseParamsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query string
		want        string // substring of the error
	}{
		{"limit not a number", `limit=abc`, "limit: must be an integer"},
		{"limit below -1", `limit=-5`, "limit: must be an integer"},
		{"page beyond int32", `page=9999999999999`, "page: must be a positive integer up to 2147483647 (pages start at 1)"},
		{"negative offset", `offset=-1`, "offset: must be a non-negative integer up to 2147483647"},
		{"page zero", `page=0`, "page: must be a positive integer"},
		{"malformed filter JSON", `filter={"a":`, "filter: invalid JSON"},
		{"unknown operator", `filter[a][_foo]=1`, `filter.a._foo: unknown operator "_foo"`},
		{"unknown operator in JSON", `filter={"a":{"_like":"x"}}`, `filter.a._like: unknown operator`},
		{"filter not an object", `filter=[1]`, "filter: filter must be an object"},
		{"unknown meta", `meta=everything`, `meta: unknown meta "everything"`},
		{"unknown aggregate", `aggregate[median]=x`, "aggregate.median: unknown aggregate function"},
		{"sum of star", `aggregate[sum]=*`, "sum needs a field"},
		{"count of star and a field", `aggregate[count]=*,g`, "aggregate.count: count of * and of fields cannot be asked together"},
		{"count of a field and star", `aggregate[count]=g&aggregate[count]=*`, "aggregate.count: count of * and of fields"},
		{"bad sort path", `sort=a..b`, "sort[0]"},
		{"json and brackets", `filter={"a":1}&filter[b]=2`, "filter: is given both"},
		{"repeated limit", `limit=1&limit=2`, "limit: is given 2 times"},
		{
			"repeated _eq", `filter[g][_eq]=a&filter[g][_eq]=b`,
			"filter.g._eq: filter[g][_eq] is given 2 times, and _eq takes one value",
		},
		{
			"repeated _contains in _or", `filter[_or][0][g][_contains]=a&filter[_or][0][g][_contains]=b`,
			"filter._or[0].g._contains: filter[_or][0][g][_contains] is given 2 times, and _contains takes one value",
		},
		{
			"repeated shorthand", `filter[g]=a&filter[g]=b&filter[g]=c`,
			"filter.g: filter[g] is given 3 times, and the shorthand for _eq takes one value",
		},
		{"repeated _in item", `filter[id][_in][0]=1&filter[id][_in][0]=2`, "filter.id._in[0]: filter[id][_in][0] is given 2 times"},
		{
			"repeated in a numeric field key", `filter[items][0][sku]=a&filter[items][0][sku]=b`,
			"filter.items.0.sku: filter[items][0][sku] is given 2 times",
		},
		{"object in _in", `filter[id][_in][0][x]=1`, "filter.id._in: filter[id][_in][0][x] writes the values of _in with more brackets"},
		{
			"list after _eq", `filter[g][_eq][]=a&filter[g][_eq][]=b`,
			"filter.g._eq: filter[g][_eq][] has brackets after _eq, which takes one value",
		},
		{"unclosed bracket", `filter[a=1`, "unclosed ["},
		{"bad regex", `filter[a][_regex]=(`, "invalid regular expression"},
		{"many at once", `limit=x&offset=y`, "2 errors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseURL(t, tt.query)
			if err == nil {
				t.Fatalf("%s: no error", tt.query)
			}
			if _, ok := err.(Errors); !ok {
				t.Errorf("error is %T, want Errors", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: %v, want it to mention %q", tt.query, err, tt.want)
			}
		})
	}
}

func TestParseParamsStrict(t *testing.T) {
	t.Parallel()
	_, err := ParseParams(map[string]any{"limt": 5.0}, ParamOptions{Strict: true})
	if err == nil || !strings.Contains(err.Error(), "limt: unknown query parameter") {
		t.Errorf("strict parse of a typo: %v", err)
	}
	if _, err := ParseParams(map[string]any{"limt": 5.0}, ParamOptions{}); err != nil {
		t.Errorf("lenient parse of an unknown parameter: %v", err)
	}
}

func TestFieldsProject(t *testing.T) {
	t.Parallel()
	item := map[string]any{
		"id": 1.0, "name": "a",
		"customer": map[string]any{"name": "Ann", "city": "Berlin"},
		"items":    []any{map[string]any{"sku": "a", "qty": 2.0}, "loose"},
		"lines": []any{
			map[string]any{"sku": "a", "qty": 2.0},
			map[string]any{"sku": "b", "qty": 1.0},
			map[string]any{"sku": "c", "qty": 5.0},
		},
		"matrix": []any{[]any{1.0, 2.0}, []any{3.0, 4.0}},
		"stats":  map[string]any{"2024": 7.0, "2025": 8.0},
	}
	tests := []struct {
		fields []string
		want   map[string]any
	}{
		{[]string{"*"}, item},
		{[]string{"id", "missing"}, map[string]any{"id": 1.0}},
		{[]string{"customer.name"}, map[string]any{"customer": map[string]any{"name": "Ann"}}},
		{[]string{"customer.*"}, map[string]any{"customer": item["customer"]}},
		{[]string{"*", "customer.name"}, map[string]any{
			"id": 1.0, "name": "a",
			"customer": map[string]any{"name": "Ann"}, "items": item["items"], "lines": item["lines"],
			"matrix": item["matrix"], "stats": item["stats"],
		}},
		{[]string{"customer", "customer.name"}, map[string]any{"customer": item["customer"]}},
		{[]string{"items.sku"}, map[string]any{"items": []any{map[string]any{"sku": "a"}, "loose"}}},
		{[]string{"name.first"}, map[string]any{"name": "a"}},
		// A numeric segment selects an element of an array; on an object it
		// is a key.
		{[]string{"items.0"}, map[string]any{"items": []any{map[string]any{"sku": "a", "qty": 2.0}}}},
		{[]string{"items[0].sku"}, map[string]any{"items": []any{map[string]any{"sku": "a"}}}},
		{[]string{"items.1", "items.0.qty"}, map[string]any{"items": []any{map[string]any{"qty": 2.0}, "loose"}}},
		{[]string{"items.5"}, map[string]any{"items": []any{}}},
		{[]string{"items.qty", "items.0.sku"}, map[string]any{"items": []any{map[string]any{"sku": "a", "qty": 2.0}, "loose"}}},
		{[]string{"lines.sku", "lines.1"}, map[string]any{"lines": []any{
			map[string]any{"sku": "a"}, map[string]any{"sku": "b", "qty": 1.0}, map[string]any{"sku": "c"},
		}}},
		{[]string{"matrix.1.0"}, map[string]any{"matrix": []any{[]any{3.0}}}},
		{[]string{"stats.2024"}, map[string]any{"stats": map[string]any{"2024": 7.0}}},
		{[]string{"id", "items.0"}, map[string]any{"id": 1.0, "items": []any{map[string]any{"sku": "a", "qty": 2.0}}}},
	}
	for _, tt := range tests {
		f, err := ParseFields(tt.fields)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Project(item); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("fields %v: got %v, want %v", tt.fields, got, tt.want)
		}
	}
	if _, err := ParseFields([]string{"a.*.b"}); err == nil {
		t.Error("a.*.b: no error")
	}
}

// FuzzParseQuery feeds arbitrary query strings through the URL parser: it
// may refuse them, but never panic, and whatever it accepts is usable.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		`filter[status][_eq]=active`, `filter={"a":{"_in":[1,2]}}`, `filter[_or][0][a][_eq]=1&filter[_or][1][b][_null]=true`,
		`fields=id,customer.*&sort=-a,b&limit=-1&offset=3&page=2`, `aggregate[count]=*&groupBy=status`,
		`filter[a][_between][]=1&filter[a][_between][]=5`, `meta=*&search=x`, `filter[[]]=1`, `filter[a][0][_some][b]=1`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		values, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		obj, err := ParseValues(values)
		if err != nil {
			return
		}
		p, err := ParseParams(obj, ParamOptions{})
		if err != nil {
			return
		}
		p.Window(DefaultLimit)
		p.Fields.Project(map[string]any{"a": []any{map[string]any{"b": 1.0}}})
		MatchValue(map[string]any{"a": 1.0}, p.Filter, Env{})
	})
}
