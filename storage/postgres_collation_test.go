package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/internal/testdb"
)

// TestPostgresOrderIgnoresCollation opens a store on a PostgreSQL database
// whose collation is a language's (ICU en-US, where "alpha" sorts before
// "Beta"): collections, sorts and text ranges still follow the bytes, as on
// SQLite and in the in-memory evaluator.
func TestPostgresOrderIgnoresCollation(t *testing.T) {
	t.Parallel()
	testdb.RequirePostgres(t, "a PostgreSQL database with a language's collation")
	dsn := testdb.NewDatabase(t, "ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.utf8'")
	s, err := Open(context.Background(), Config{Dialect: DialectPostgres, ConnectionString: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for _, name := range []string{"alpha", "Zeta", "Beta", "_x"} {
		if _, err := s.CreateItems(ctx, name, objs(t, `[{"name": "alpha"}, {"name": "Zeta"}, {"name": "Beta"}, {"name": "_x"}]`), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListCollections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range list {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, " "); got != "Beta Zeta _x alpha" {
		t.Errorf("collections in the order %s", got)
	}
	page, err := s.ReadItems(ctx, "alpha", ItemQuery{Params: params(t, `{"sort": "name", "fields": "name"}`)})
	if err != nil || jsonOf(page.Data) != `[{"name":"Beta"},{"name":"Zeta"},{"name":"_x"},{"name":"alpha"}]` {
		t.Errorf("sorted by name: %s, %v", jsonOf(page.Data), err)
	}
	page, err = s.ReadItems(ctx, "alpha", ItemQuery{Params: params(t, `{"filter": {"name": {"_lt": "a"}}, "fields": "name"}`)})
	if err != nil || jsonOf(page.Data) != `[{"name":"Zeta"},{"name":"Beta"},{"name":"_x"}]` {
		t.Errorf("names before a: %s, %v", jsonOf(page.Data), err)
	}
}

// TestPostgresRefusesOtherEncodings: hookflow's text is UTF-8, and a
// database in another encoding is refused with a message saying so.
func TestPostgresRefusesOtherEncodings(t *testing.T) {
	t.Parallel()
	testdb.RequirePostgres(t, "a PostgreSQL database in another encoding")
	dsn := testdb.NewDatabase(t, "ENCODING 'LATIN1' LOCALE 'C'")
	_, err := Open(context.Background(), Config{Dialect: DialectPostgres, ConnectionString: dsn})
	if err == nil || !strings.Contains(err.Error(), "UTF8") {
		t.Errorf("a LATIN1 database: %v", err)
	}
}
