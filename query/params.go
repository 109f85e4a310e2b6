package query

// DefaultLimit is the number of items a read returns when no limit is given.
const DefaultLimit = 100

// Params is an item query (docs/items.md#the-query-language): the URL parameters of GET /items/{c}
// and the `query` option of item-read, parsed once by ParseParams.
type Params struct {
	// Filter selects items; nil selects every item.
	Filter *Filter
	// Fields selects what each item shows; nil shows everything.
	Fields *Fields
	// Sort orders items, first key first.
	Sort []Sort
	// Limit bounds the number of items (or aggregate rows); -1 means all.
	// It is DefaultLimit when not given (HasLimit false).
	Limit    int
	HasLimit bool
	// Offset skips items; Page (from 1) sets Offset to (Page-1)*Limit.
	Offset int
	Page   int
	// Search keeps items with a string field containing it
	// (case-insensitive).
	Search string
	// Meta asks for counts next to the data.
	Meta Meta
	// Aggregate computes functions over the selected items instead of
	// returning them; GroupBy splits them into groups first.
	Aggregate []Aggregate
	GroupBy   []Path
}

// Sort is one sort key.
type Sort struct {
	Field Path
	Desc  bool
}

// Meta names the counts a read returns next to its data.
type Meta struct {
	// TotalCount is the number of items in the collection.
	TotalCount bool
	// FilterCount is the number of items the filter and search select.
	FilterCount bool
}

// Any reports whether some count was asked for.
func (m Meta) Any() bool { return m.TotalCount || m.FilterCount }

// Aggregate functions.
const (
	AggCount         = "count"
	AggCountDistinct = "countDistinct"
	AggSum           = "sum"
	AggAvg           = "avg"
	AggMin           = "min"
	AggMax           = "max"
)

// aggregateFuncs lists the functions in the order results are written.
var aggregateFuncs = []string{AggCount, AggCountDistinct, AggSum, AggAvg, AggMin, AggMax}

// Aggregate is one function over one field. Field is nil for count("*"),
// whose result is a plain number ({"count": 12}); a named field gives the
// Directus shape ({"sum": {"total": 12.5}}).
type Aggregate struct {
	Func  string
	Field *Path
	// Name is the field as written ("total", "customer.age"), the key of
	// its result.
	Name string
}

// Window returns the effective limit and offset: limit is -1 for all, and
// def replaces a limit that was not given.
func (p *Params) Window(def int) (limit, offset int) {
	limit = p.Limit
	if !p.HasLimit {
		limit = def
	}
	offset = p.Offset
	if p.Page > 1 && limit > 0 {
		offset = (p.Page - 1) * limit
	}
	return limit, offset
}

// Aggregates reports whether the query computes aggregate rows rather than
// returning items.
func (p *Params) Aggregates() bool { return len(p.Aggregate) > 0 || len(p.GroupBy) > 0 }
