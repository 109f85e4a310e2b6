package storage

import (
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/query"
	"gorm.io/gorm"
)

// min and max answer a value of the selected items, so they answer it as
// it was written (docs/items.md): SQL compares numbers as numbers and
// returns 12345678901234567890 as the float64 12345678901234567000. Next to
// the aggregate, the query also selects the JSON text of the field, which
// SQLite takes from the row holding the minimum or maximum when the query
// has exactly one min() or max(). A query with several asks again for each
// of them, with the same filter and groups.

// isExtreme reports whether an aggregate is min or max.
func isExtreme(a query.Aggregate) bool {
	return a.Field != nil && (a.Func == query.AggMin || a.Func == query.AggMax)
}

// soleExtreme is the index of the only min or max aggregate of p, or -1
// when it has none or several.
func soleExtreme(p *query.Params) int {
	found := -1
	for i, a := range p.Aggregate {
		if isExtreme(a) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// asWritten is an extreme as written when the row it came from holds a
// JSON number there (raw is its text); a numeric string stays the number
// it reads as, and other values are SQL's own.
func asWritten(v any, raw any) any {
	text := textBytes(raw)
	if _, isNum := v.(float64); !isNum || len(text) == 0 || (text[0] != '-' && (text[0] < '0' || text[0] > '9')) {
		return v
	}
	if exact, err := jsonnum.Decode(text); err == nil {
		return exact
	}
	return v
}

// exactExtremes asks again, one query each, for the min and max aggregates
// of a query that has several, and writes their values as written into
// out (whose rows have the group texts of groups).
func (s *Store) exactExtremes(db *gorm.DB, where sqlExpr, p *query.Params, out []map[string]any, groups []string) error {
	if soleExtreme(p) >= 0 || len(out) == 0 || s.dialect.jsonResult() {
		return nil
	}
	for _, a := range p.Aggregate {
		if !isExtreme(a) || !holdsFloat(out, a) {
			continue
		}
		one := &query.Params{GroupBy: p.GroupBy, Aggregate: []query.Aggregate{a}}
		rows, keys, err := s.aggregateRows(db, where, one, -1, 0)
		if err != nil {
			return err
		}
		exact := make(map[string]any, len(rows))
		for i, r := range rows {
			exact[keys[i]] = r[a.Func].(map[string]any)[a.Name]
		}
		for i, r := range out {
			if v, ok := exact[groups[i]]; ok {
				r[a.Func].(map[string]any)[a.Name] = v
			}
		}
	}
	return nil
}

// holdsFloat reports whether some row's value of a is a float64, the only
// reading that can differ from the text (integers and texts are exact), or
// null, which an infinite float64 became.
func holdsFloat(out []map[string]any, a query.Aggregate) bool {
	for _, r := range out {
		if fields, ok := r[a.Func].(map[string]any); ok {
			switch fields[a.Name].(type) {
			case float64, nil:
				return true
			}
		}
	}
	return false
}
