package storage

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/query"
	"gorm.io/gorm"
)

// ReadItems reads a collection's items (or aggregate rows) selected by q.
// A collection that does not exist reads as empty. Filters, search, sort,
// limit and aggregates run in the database.
func (s *Store) ReadItems(ctx context.Context, collection string, q ItemQuery) (*ItemPage, error) {
	ctx, cancel := s.queryContext(ctx)
	defer cancel()
	page, err := s.readItems(ctx, collection, q)
	return page, s.queryError(ctx, err)
}

func (s *Store) readItems(ctx context.Context, collection string, q ItemQuery) (*ItemPage, error) {
	if err := CheckCollectionName(collection); err != nil {
		return nil, err
	}
	db := s.read.WithContext(ctx)
	p := q.Params
	if p == nil {
		p = &query.Params{Limit: query.DefaultLimit}
		q.Params = p
	}
	where, err := s.where(collection, q)
	if err != nil {
		return nil, err
	}
	def := q.DefaultLimit
	if def == 0 {
		def = query.DefaultLimit
	}
	limit, offset := p.Window(def)
	page := &ItemPage{}
	if p.Aggregates() {
		page.Data, err = s.aggregate(db, where, p, limit, offset)
	} else {
		var rows []storedItem
		rows, err = s.selectItems(db, where, p, limit, offset)
		page.Data = make([]map[string]any, len(rows))
		for i, r := range rows {
			page.Data[i] = p.Fields.Project(r.item)
		}
	}
	if err != nil {
		return nil, err
	}
	if p.Meta.Any() {
		if page.Meta, err = s.meta(db, collection, where, p.Meta); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// GetItem reads one item by id; ErrNotFound when it (or its collection)
// does not exist.
func (s *Store) GetItem(ctx context.Context, collection string, id any) (map[string]any, error) {
	if err := CheckCollectionName(collection); err != nil {
		return nil, err
	}
	key, err := itemKey(id)
	if err != nil {
		return nil, err
	}
	var raw []byte
	row := s.read.WithContext(ctx).Raw("SELECT data FROM items WHERE collection = ? AND key = ?", collection, key).Row()
	if err := row.Scan(&raw); err != nil {
		if err == sql.ErrNoRows {
			return nil, fmt.Errorf("item %s of %s: %w", key, collection, ErrNotFound)
		}
		return nil, fmt.Errorf("read item %s of %s: %w", key, collection, translate(err))
	}
	return decodeItem(raw)
}

// storedItem is an item as the writer and readers see it.
type storedItem struct {
	seq  int64
	key  string
	item map[string]any
}

// selectItems runs a filtered, sorted, limited select.
func (s *Store) selectItems(db *gorm.DB, where sqlExpr, p *query.Params, limit, offset int) ([]storedItem, error) {
	order, err := s.orderBy(p)
	if err != nil {
		return nil, err
	}
	// order holds quoted JSON paths: it is a part, never part of the format.
	stmt := sqlf("SELECT items.seq, items.key, items.data FROM items WHERE %s ORDER BY %s LIMIT %s OFFSET %s",
		where, lit(order), s.dialect.limit(limit), arg(offset))
	rows, err := s.query(db, stmt)
	if err != nil {
		return nil, fmt.Errorf("read items: %w", translate(err))
	}
	defer rows.Close()
	var out []storedItem
	for rows.Next() {
		var it storedItem
		var raw []byte
		if err := rows.Scan(&it.seq, &it.key, &raw); err != nil {
			return nil, fmt.Errorf("read items: %w", translate(err))
		}
		if it.item, err = decodeItem(raw); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read items: %w", translate(err))
	}
	return out, nil
}

// aggregate runs an aggregate query and shapes its rows as Directus does:
// {"count": 12} for count(*), {"sum": {"total": 12.5}} for a field, group
// values under their field names.
func (s *Store) aggregate(db *gorm.DB, where sqlExpr, p *query.Params, limit, offset int) ([]map[string]any, error) {
	out, groups, err := s.aggregateRows(db, where, p, limit, offset)
	if err != nil {
		return nil, err
	}
	if err := s.exactExtremes(db, where, p, out, groups); err != nil {
		return nil, err
	}
	return out, nil
}

// aggregateRows runs an aggregate query; groups holds each row's group
// values as JSON text, joined.
func (s *Store) aggregateRows(db *gorm.DB, where sqlExpr, p *query.Params, limit, offset int) (out []map[string]any, groups []string, err error) {
	extreme := soleExtreme(p)
	if s.dialect.jsonResult() {
		extreme = -1 // PostgreSQL's min and max carry their own text
	}
	stmt, err := s.aggregateSQL(where, p, limit, offset, extreme)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.query(db, stmt)
	if err != nil {
		return nil, nil, fmt.Errorf("aggregate items: %w", translate(err))
	}
	defer rows.Close()
	out = []map[string]any{}
	n := len(p.GroupBy) + len(p.Aggregate)
	if extreme >= 0 {
		n++
	}
	for rows.Next() {
		vals := make([]any, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, fmt.Errorf("aggregate items: %w", translate(err))
		}
		row := make(map[string]any, n)
		group := ""
		for i, g := range p.GroupBy {
			text := textBytes(vals[i])
			group += string(text) + "\x00"
			v, err := jsonnum.Decode(text)
			if err != nil {
				return nil, nil, fmt.Errorf("decode group value: %w", err)
			}
			row[g.String()] = v
		}
		for i, a := range p.Aggregate {
			v := vals[len(p.GroupBy)+i]
			if i == extreme {
				v = asWritten(v, vals[n-1])
			}
			v = sqlValue(v)
			if s.dialect.jsonResult() && isExtreme(a) {
				// (PostgreSQL's min and max are their JSON text.)
				if v, err = jsonnum.Decode(textBytes(vals[len(p.GroupBy)+i])); err != nil {
					return nil, nil, fmt.Errorf("decode %s: %w", a.Func, err)
				}
			}
			if a.Field == nil {
				row[a.Func] = v
				continue
			}
			fields, _ := row[a.Func].(map[string]any)
			if fields == nil {
				fields = map[string]any{}
				row[a.Func] = fields
			}
			fields[a.Name] = v
		}
		out = append(out, row)
		groups = append(groups, group)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("aggregate items: %w", translate(err))
	}
	return out, groups, nil
}

// meta counts the collection's items and those the query selects.
func (s *Store) meta(db *gorm.DB, collection string, where sqlExpr, m query.Meta) (map[string]any, error) {
	out := map[string]any{}
	count := func(name string, w sqlExpr) error {
		var n int64
		rows, err := s.query(db, sqlf("SELECT COUNT(*) FROM items WHERE %s", w))
		if err != nil {
			return fmt.Errorf("count items: %w", translate(err))
		}
		defer rows.Close()
		if rows.Next() {
			err = rows.Scan(&n)
		}
		if err == nil {
			err = rows.Err()
		}
		if err != nil {
			return fmt.Errorf("count items: %w", translate(err))
		}
		out[name] = n
		return nil
	}
	if m.TotalCount {
		if err := count("total_count", sqlf("items.collection = %s", arg(collection))); err != nil {
			return nil, err
		}
	}
	if m.FilterCount {
		if err := count("filter_count", where); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// query runs a statement of the item query translation on db's connection
// (a pool, or the item writer's transaction), its placeholders numbered as
// the database wants them.
func (s *Store) query(db *gorm.DB, stmt sqlExpr) (*sql.Rows, error) {
	return db.Statement.ConnPool.QueryContext(db.Statement.Context, s.engine.rebind(stmt.sql), stmt.args...)
}

// decodeItem decodes a stored item, numbers with the digits they were
// written with.
func decodeItem(raw []byte) (map[string]any, error) {
	m, err := jsonnum.DecodeObject(raw)
	if err != nil {
		return nil, fmt.Errorf("decode item: %w", err)
	}
	return m, nil
}

// sqlValue turns a scanned SQL value into a JSON value. A sum or average
// beyond the float64 range (1e400 took part) has no JSON form: it is null.
func sqlValue(v any) any {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil
		}
	}
	return v
}

// textBytes is a scanned text as bytes.
func textBytes(v any) []byte {
	switch x := v.(type) {
	case []byte:
		return x
	case string:
		return []byte(x)
	}
	return []byte("null")
}
