package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/query"
)

// explainRead returns SQLite's plan for the select (or the aggregate)
// ReadItems runs.
func explainRead(t testing.TB, s *Store, collection string, p *query.Params) string {
	t.Helper()
	where, err := s.where(collection, ItemQuery{Params: p})
	if err != nil {
		t.Fatal(err)
	}
	order, err := s.orderBy(p)
	if err != nil {
		t.Fatal(err)
	}
	limit, offset := p.Window(query.DefaultLimit)
	stmt := sqlf("SELECT items.seq, items.key, items.data FROM items WHERE %s ORDER BY %s LIMIT %s OFFSET %s",
		where, lit(order), arg(limit), arg(offset))
	if p.Aggregates() {
		if stmt, err = s.aggregateSQL(where, p, limit, offset, soleExtreme(p)); err != nil {
			t.Fatal(err)
		}
	}
	stmt.sql = "EXPLAIN QUERY PLAN " + stmt.sql
	// EXPLAIN does not check the schema version the way running a statement
	// does, so a pooled connection could explain with a schema from before
	// the index existed: read the schema on one connection, explain there.
	db, err := s.read.DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "SELECT count(*) FROM sqlite_master"); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.QueryContext(context.Background(), stmt.sql, stmt.args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n")
}

// TestReadPlansUseIndexes shows that filters and sorts run in SQLite and
// that declared expression indexes serve them.
func TestReadPlansUseIndexes(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	if _, err := s.CreateCollection(ctx, Collection{Name: "orders", Indexes: [][]string{{"status", "created"}, {"total"}, {"ip", "timestamp"}}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		params string
		want   []string // substrings of the plan
		not    []string
	}{
		{`{"filter": {"status": {"_eq": "active"}}, "sort": "-created"}`,
			[]string{"SEARCH items USING INDEX items_ix_"}, []string{"TEMP B-TREE"}},
		{`{"sort": "-total", "limit": 10}`, []string{"USING INDEX items_ix_"}, []string{"TEMP B-TREE"}},
		// The seed's rate limit: an equality and a range on one index.
		{`{"filter": {"ip": {"_eq": "1.2.3.4"}, "timestamp": {"_gte": "$NOW(-1 hour)"}}, "aggregate": {"count": "*"}}`,
			[]string{"USING INDEX items_ix_", "(collection=? AND <expr>=? AND <expr>>?)"}, nil},
		{`{}`, []string{"USING INDEX items_collection"}, []string{"TEMP B-TREE"}},
		// Whether an index serves these is the planner's estimate; they
		// never scan other collections' items.
		{`{"filter": {"status": {"_in": ["a", "b"]}}}`, []string{"SEARCH items USING INDEX"}, []string{"SCAN items"}},
		{`{"filter": {"status": {"_null": true}}}`, []string{"SEARCH items USING INDEX"}, []string{"SCAN items"}},
	}
	for _, tt := range tests {
		plan := explainRead(t, s, "orders", params(t, tt.params))
		for _, w := range tt.want {
			if !strings.Contains(plan, w) {
				t.Errorf("%s: plan lacks %q:\n%s", tt.params, w, plan)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(plan, n) {
				t.Errorf("%s: plan has %q:\n%s", tt.params, n, plan)
			}
		}
		t.Logf("%s:\n%s", tt.params, plan)
	}
}
