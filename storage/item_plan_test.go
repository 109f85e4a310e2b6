package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/query"
)

// explainRead returns the database's plan for the select (or the
// aggregate) ReadItems runs.
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
	if s.Dialect() == DialectPostgres {
		return explainPostgres(t, s, stmt)
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

// indexedOrders is a test store with the collection orders, indexed on
// status and created, on total, and on ip and timestamp; on another
// dialect than the one asked for, the test is skipped saying why.
func indexedOrders(t *testing.T, dialect Dialect, why string) *Store {
	t.Helper()
	s := openTestStore(t)
	if s.Dialect() != dialect {
		t.Skip(why)
	}
	if _, err := s.CreateCollection(context.Background(), Collection{Name: "orders", Indexes: [][]string{{"status", "created"}, {"total"}, {"ip", "timestamp"}}}); err != nil {
		t.Fatal(err)
	}
	return s
}

// planCase is a read of orders whose plan shows every want and no not.
type planCase struct {
	params string
	want   []string // substrings of the plan
	not    []string
}

// checkPlans explains each case's read and checks its plan.
func checkPlans(t *testing.T, s *Store, cases []planCase) {
	t.Helper()
	for _, tt := range cases {
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

// TestReadPlansUseIndexes shows that filters and sorts run in SQLite and
// that declared expression indexes serve them.
func TestReadPlansUseIndexes(t *testing.T) {
	t.Parallel()
	s := indexedOrders(t, DialectSQLite, "SQLite's plans; TestReadPlansUseIndexesPostgres shows PostgreSQL's")
	tests := []planCase{
		{
			`{"filter": {"status": {"_eq": "active"}}, "sort": "-created"}`,
			[]string{"SEARCH items USING INDEX items_ix_"},
			[]string{"TEMP B-TREE"},
		},
		{`{"sort": "-total", "limit": 10}`, []string{"USING INDEX items_ix_"}, []string{"TEMP B-TREE"}},
		// The seed's rate limit: an equality and a range on one index.
		{
			`{"filter": {"ip": {"_eq": "1.2.3.4"}, "timestamp": {"_gte": "$NOW(-1 hour)"}}, "aggregate": {"count": "*"}}`,
			[]string{"USING INDEX items_ix_", "(collection=? AND <expr>=? AND <expr>>?)"},
			nil,
		},
		{`{}`, []string{"USING INDEX items_collection"}, []string{"TEMP B-TREE"}},
		// Whether an index serves these is the planner's estimate; they
		// never scan other collections' items.
		{`{"filter": {"status": {"_in": ["a", "b"]}}}`, []string{"SEARCH items USING INDEX"}, []string{"SCAN items"}},
		{`{"filter": {"status": {"_null": true}}}`, []string{"SEARCH items USING INDEX"}, []string{"SCAN items"}},
	}
	checkPlans(t, s, tests)
}

// explainPostgres is PostgreSQL's EXPLAIN of stmt, one line per node.
func explainPostgres(t testing.TB, s *Store, stmt sqlExpr) string {
	t.Helper()
	stmt.sql = "EXPLAIN (COSTS OFF) " + stmt.sql
	rows, err := s.query(s.read.WithContext(context.Background()), stmt)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// TestReadPlansUseIndexesPostgres shows that on PostgreSQL, too, filters
// and sorts run in the database and declared indexes (expression indexes
// over hf_key) serve them: an equality and a sort read the index in order
// without sorting, a range on a number walks its index backwards, a count
// on an equality and a date range stays in the index.
func TestReadPlansUseIndexesPostgres(t *testing.T) {
	t.Parallel()
	s := indexedOrders(t, DialectPostgres, "PostgreSQL's plans: set HOOKFLOW_TEST_DB (internal/testdb)")
	// Enough rows (and statistics) for the planner to prefer the indexes.
	err := s.write.Exec(`INSERT INTO items(collection, key, data)
		SELECT 'orders', i::text, json_build_object('id', i, 'status', (ARRAY['active', 'draft', 'archived'])[i % 3 + 1],
			'created', to_char(timestamp '2025-01-01' - i * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
			'total', i % 1000, 'ip', '10.0.' || (i % 50) || '.1',
			'timestamp', to_char(timestamp '2025-01-01' - i * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
		FROM generate_series(1, 20000) AS i`).Error
	if err != nil {
		t.Fatal(err)
	}
	if err := s.write.Exec("ANALYZE items").Error; err != nil {
		t.Fatal(err)
	}
	tests := []planCase{
		{
			`{"filter": {"status": {"_eq": "active"}}, "sort": "-created"}`,
			[]string{"Index Scan Backward using items_ix_", "Index Cond: ((collection = 'orders'::text) AND"},
			[]string{"Sort", "Seq Scan"},
		},
		// The range on the number is an index condition; whether the
		// index order or a sort of what it found serves the sort is the
		// planner's estimate.
		{
			`{"filter": {"total": {"_gt": 900}}, "sort": "-total"}`,
			[]string{"items_ix_", "Index Cond: ((collection = 'orders'::text) AND"},
			[]string{"Seq Scan"},
		},
		{`{"sort": "total", "limit": 10}`, []string{"Index Scan using items_ix_"}, []string{"Sort", "Seq Scan"}},
		// The seed's rate limit: an equality and a range on one index.
		{
			`{"filter": {"ip": {"_eq": "10.0.7.1"}, "timestamp": {"_gte": "2024-12-31T23:00:00.000Z"}}, "aggregate": {"count": "*"}}`,
			[]string{"items_ix_"},
			[]string{"Seq Scan"},
		},
		{`{}`, []string{"Index Scan using items_"}, []string{"Sort", "Seq Scan"}},
		{`{"filter": {"status": {"_in": ["draft", "nothing"]}}, "sort": "status"}`, []string{"items_ix_"}, []string{"Seq Scan"}},
		{`{"filter": {"status": {"_null": true}}}`, []string{"items_ix_"}, []string{"Seq Scan"}},
	}
	checkPlans(t, s, tests)
}
