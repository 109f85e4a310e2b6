package storage

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hookflow/hookflow/query"
)

// This file turns an ItemQuery into SQL: the WHERE clause (collection, keys,
// filter, search), the ORDER BY and the aggregate SELECT. Like the filter it
// runs in the database; only `fields` is applied afterwards, in Go, to the
// few items a page returns.

// queryError reports a problem found while translating a query, in the
// shape of the query's own parse errors (400 INVALID_QUERY).
func queryError(param string, err error) error {
	var qerrs query.Errors
	if errors.As(err, &qerrs) {
		return qerrs
	}
	return query.Errors{{Path: param, Message: err.Error()}}
}

// where is the WHERE expression of a query over one collection.
func (s *Store) where(collection string, q ItemQuery) (sqlExpr, error) {
	parts := []sqlExpr{sqlf("items.collection = %s", arg(collection))}
	if q.Keys != nil && len(q.Keys) == 0 {
		parts = append(parts, sqlFalse) // an empty list of keys selects nothing
	}
	if len(q.Keys) > 0 {
		keys, err := keysOf(q.Keys)
		if err != nil {
			return sqlExpr{}, err
		}
		list := make([]any, len(keys))
		for i, k := range keys {
			list[i] = k
		}
		parts = append(parts, s.dialect.inList(lit("items.key"), list))
	}
	p := q.Params
	if p == nil {
		return sqlAnd(parts...), nil
	}
	t := &filterSQL{d: s.dialect, env: q.Env}
	if p.Filter != nil {
		w, err := t.where(p.Filter)
		if err != nil {
			return sqlExpr{}, queryError("filter", err)
		}
		parts = append(parts, w)
	}
	if p.Search != "" {
		parts = append(parts, t.search(p.Search))
	}
	w := sqlAnd(parts...)
	// A little room is left for the statement's other arguments (limit,
	// offset).
	if limit := s.dialect.maxArgs() - 8; len(w.args) > limit {
		return sqlExpr{}, query.Errors{{Path: "filter", Message: fmt.Sprintf(
			"is too large: it needs %d values, at most %d fit one query", len(w.args), limit)}}
	}
	return w, nil
}

// search keeps items with a top-level string field containing the term,
// ignoring case (the folding of _icontains).
func (t *filterSQL) search(term string) sqlExpr {
	root := t.d.root()
	folded := query.FoldString(term)
	e, _ := t.exists(*root.self, func(elem docRef) (sqlExpr, error) {
		return sqlAnd(t.d.is(*elem.self, jsonText), t.d.contains(t.d.fold(t.d.str(*elem.self)), folded)), nil
	})
	return e
}

// orderBy is the ORDER BY of an item read. Values sort as SQL sorts the
// JSON readings: missing and null first, then numbers (booleans as 0 and 1),
// then strings by bytes. Insertion order breaks ties (and is the order
// without a sort), in the direction of the last key so that an index on the
// sorted field serves the whole ORDER BY.
func (s *Store) orderBy(p *query.Params) (string, error) {
	root := s.dialect.root()
	var keys []string
	tie := "items.seq"
	if p != nil {
		for _, so := range p.Sort {
			ref, err := s.dialect.field(root, so.Field)
			if err != nil {
				return "", queryError("sort", err)
			}
			keys = append(keys, s.dialect.order(ref.val.sql, so.Desc))
			tie = "items.seq"
			if so.Desc {
				tie += " DESC"
			}
		}
	}
	return strings.Join(append(keys, tie), ", "), nil
}

// aggregateSQL is the SELECT of an aggregate query: group values (as JSON
// text) as g0…, then aggregates as a0…, grouped and ordered. When extreme
// names the query's only min or max aggregate, its field's JSON text
// follows, taken from the row holding the extreme (item_extremes.go).
func (s *Store) aggregateSQL(where sqlExpr, p *query.Params, limit, offset, extreme int) (sqlExpr, error) {
	d := s.dialect
	root := d.root()
	var cols []sqlExpr
	var groups, groupOrder []string
	// Sort keys: group fields sort by their values as items do (every row
	// of a group holds the same value); aggregates by their alias.
	aliases := map[string]string{}
	for i, g := range p.GroupBy {
		ref, err := d.field(root, g)
		if err != nil {
			return sqlExpr{}, queryError("groupBy", err)
		}
		alias := "g" + strconv.Itoa(i)
		cols = append(cols, sqlf("COALESCE(%s, 'null') AS "+alias, d.jsonText(ref)))
		groups = append(groups, alias)
		groupOrder = append(groupOrder, d.order(d.groupOrder(ref.val.sql), false))
		aliases[g.String()] = d.groupOrder(ref.val.sql)
	}
	for i, a := range p.Aggregate {
		alias := "a" + strconv.Itoa(i)
		e, err := s.aggregateExpr(a)
		if err != nil {
			return sqlExpr{}, err
		}
		cols = append(cols, sqlf("%s AS "+alias, e))
		aliases[aggregateKey(a)] = alias
	}
	if extreme >= 0 {
		ref, err := d.field(root, *p.Aggregate[extreme].Field)
		if err != nil {
			return sqlExpr{}, queryError("aggregate", err)
		}
		cols = append(cols, sqlf("%s AS x0", d.jsonText(ref)))
	}
	out := sqlf("SELECT %s FROM items WHERE %s", sqlJoin(", ", cols), where)
	if len(groups) > 0 {
		out = sqlf("%s GROUP BY "+strings.Join(groups, ", "), out)
	}
	order := groupOrder
	if len(p.Sort) > 0 {
		order = nil
		for _, so := range p.Sort {
			alias, ok := aliases[so.Field.String()]
			if !ok {
				return sqlExpr{}, query.Errors{{Path: "sort", Message: fmt.Sprintf(
					"%q: an aggregate query sorts by a groupBy field or an aggregate such as count or sum.total",
					so.Field.String())}}
			}
			order = append(order, d.order(alias, so.Desc))
		}
		// Groups the sort leaves tied keep the order of their values, so
		// that a page is the same on every run and every database.
		order = append(order, groupOrder...)
	}
	if len(order) > 0 {
		// order holds quoted JSON paths: a part, never part of the format.
		out = sqlf("%s ORDER BY %s", out, lit(strings.Join(order, ", ")))
	}
	return sqlf("%s LIMIT %s OFFSET %s", out, d.limit(limit), arg(offset)), nil
}

// aggregateKey is how a sort names an aggregate: "count" for count(*),
// else function.field ("sum.total").
func aggregateKey(a query.Aggregate) string {
	if a.Field == nil {
		return a.Func
	}
	return a.Func + "." + a.Name
}

// aggregateExpr is one aggregate function. Sums and averages read numbers
// and numeric strings (the number rule of filters); min and max read them
// the same way and take other strings as text (numbers sort before text);
// count counts present non-null values.
func (s *Store) aggregateExpr(a query.Aggregate) (sqlExpr, error) {
	if a.Field == nil {
		return lit("COUNT(*)"), nil
	}
	d := s.dialect
	ref, err := d.field(d.root(), *a.Field)
	if err != nil {
		return sqlExpr{}, queryError("aggregate", err)
	}
	switch a.Func {
	case query.AggCount:
		return sqlf("COUNT(%s)", ref.val), nil
	case query.AggCountDistinct:
		return sqlf("COUNT(DISTINCT %s)", d.distinct(ref)), nil
	case query.AggSum:
		return d.sum(d.number(ref)), nil
	case query.AggAvg:
		return sqlf("AVG(%s)", d.number(ref)), nil
	case query.AggMin, query.AggMax:
		fn := "MIN"
		if a.Func == query.AggMax {
			fn = "MAX"
		}
		return d.minMax(fn, ref), nil
	}
	return sqlExpr{}, query.Errors{{Path: "aggregate", Message: "unknown aggregate " + a.Func}}
}
