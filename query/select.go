package query

import (
	"slices"

	"github.com/hookflow/hookflow/jsonnum"
)

// Counts are the numbers meta asks for.
type Counts struct {
	// Total is the number of records before filter and search.
	Total int
	// Filtered is the number the filter and search keep.
	Filtered int
}

// Select applies a query to records held in memory (small sets kept outside
// the item store, such as webhook subscriptions, which the API serves with
// the same global query parameters): filter, search, sort, then offset,
// page and limit. Fields are left to the caller (Fields.Project), and
// aggregates are not computed here. The records are not changed.
func (p *Params) Select(records []map[string]any, env Env) ([]map[string]any, Counts) {
	counts := Counts{Total: len(records)}
	kept := make([]map[string]any, 0, len(records))
	var search string
	if p.Search != "" {
		search = foldString(p.Search)
	}
	for _, r := range records {
		if p.Filter != nil && !MatchValue(r, p.Filter, env) {
			continue
		}
		if search != "" && !searchMatch(r, search) {
			continue
		}
		kept = append(kept, r)
	}
	counts.Filtered = len(kept)
	if len(p.Sort) > 0 {
		slices.SortStableFunc(kept, func(a, b map[string]any) int {
			for _, s := range p.Sort {
				va, _ := s.Field.Get(a)
				vb, _ := s.Field.Get(b)
				if c := compareAny(va, vb); c != 0 {
					if s.Desc {
						return -c
					}
					return c
				}
			}
			return 0
		})
	}
	limit, offset := p.Window(DefaultLimit)
	if offset >= len(kept) {
		return []map[string]any{}, counts
	}
	kept = kept[offset:]
	if limit >= 0 && limit < len(kept) {
		kept = kept[:limit]
	}
	return kept, counts
}

// searchMatch reports whether a top-level string field of r contains the
// folded text.
func searchMatch(r map[string]any, folded string) bool {
	for _, v := range r {
		if s, ok := v.(string); ok && containsFold(s, folded) {
			return true
		}
	}
	return false
}

// compareAny orders two values for sorting: missing and null first, then
// values compareScalar can order (numbers, dates, strings), then the rest
// (booleans false before true, composites equal).
func compareAny(a, b any) int {
	ra, rb := sortRank(a), sortRank(b)
	if ra != rb {
		return ra - rb
	}
	switch ra {
	case 0:
		return 0
	case 1:
		ba, bb := a.(bool), b.(bool)
		switch {
		case ba == bb:
			return 0
		case !ba:
			return -1
		}
		return 1
	}
	sb := makeScalar(b, true)
	if c, ok := compareScalar(a, &sb); ok {
		return c
	}
	return 0
}

// sortRank groups values for compareAny.
func sortRank(v any) int {
	switch v.(type) {
	case nil:
		return 0
	case bool:
		return 1
	case string:
		return 3
	case map[string]any, []any:
		return 4
	}
	if jsonnum.IsNumber(v) {
		return 2
	}
	return 4
}
