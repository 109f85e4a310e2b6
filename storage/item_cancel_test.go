package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// seedSlowCollection stores n small items in c with one INSERT, faster than
// the writer.
func seedSlowCollection(t testing.TB, s *Store, c string, n int) {
	t.Helper()
	if _, err := s.CreateItems(context.Background(), c, objs(t, `[{"id": 0, "name": "item 0"}]`), WriteOptions{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO items(collection, key, data)
	  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < ?)
	  SELECT ?, i, json_object('id', i, 'name', 'item ' || i, 'text', hex(zeroblob(1000))) FROM n`
	if s.Dialect() == DialectPostgres {
		insert = `INSERT INTO items(collection, key, data)
	  WITH n(i) AS (SELECT generate_series(1, ?::int))
	  SELECT ?, i::text, json_build_object('id', i, 'name', 'item ' || i, 'text', repeat('00', 1000)) FROM n`
	}
	if err := s.write.Exec(insert, n, c).Error; err != nil {
		t.Fatal(err)
	}
}

// slowFilter is a filter that takes seconds on a few hundred items and
// selects one of them: 900 case-insensitive substring tests of a 2000
// character text (each folds the text again), none matching, or the name
// "item 7".
func slowFilter() string {
	parts := make([]string, 900)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"text": {"_icontains": "zz%d"}}`, i)
	}
	parts = append(parts, `{"name": {"_eq": "item 7"}}`)
	return `{"_or": [` + strings.Join(parts, ",") + `]}`
}

// TestSlowQueriesStopWithTheirCaller: a read, an aggregate or a write by
// query whose caller goes away stops its SQL statement. The write's read
// ran in the writer's transaction without the caller's context, holding
// the writer (and every write queued behind it) for minutes.
func TestSlowQueriesStopWithTheirCaller(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	seedSlowCollection(t, s, "big", 400)
	filter := slowFilter()
	run := func(name string, f func(ctx context.Context) error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := f(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: %v, want the context's deadline", name, err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s took %v after a 200ms deadline", name, took)
		}
	}
	run("read", func(ctx context.Context) error {
		_, err := s.ReadItems(ctx, "big", ItemQuery{Params: params(t, `{"filter": `+filter+`}`)})
		return err
	})
	run("aggregate", func(ctx context.Context) error {
		_, err := s.ReadItems(ctx, "big", ItemQuery{Params: params(t, `{"aggregate": {"count": "*"}, "filter": `+filter+`}`)})
		return err
	})
	run("update", func(ctx context.Context) error {
		_, err := s.UpdateItems(ctx, "big", ItemSelection{Query: &ItemQuery{Params: params(t, `{"filter": `+filter+`}`)}},
			obj(t, `{"touched": true}`), WriteOptions{})
		return err
	})
	run("delete", func(ctx context.Context) error {
		_, err := s.DeleteItems(ctx, "big", ItemSelection{Query: &ItemQuery{Params: params(t, `{"filter": `+filter+`}`)}}, WriteOptions{})
		return err
	})
	// The writer is free again: the next write does not wait for the
	// abandoned ones.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := s.CreateItems(ctx, "other", objs(t, `[{"n": 1}]`), WriteOptions{}); err != nil {
		t.Fatalf("a write after the abandoned ones: %v", err)
	}
	for q, want := range map[string]string{
		`{"aggregate": {"count": "*"}}`:       `[{"count":401}]`,
		`{"aggregate": {"count": "touched"}}`: `[{"count":{"touched":0}}]`,
	} {
		page, err := s.ReadItems(context.Background(), "big", ItemQuery{Params: params(t, q)})
		if err != nil || jsonOf(page.Data) != want {
			t.Errorf("the abandoned writes changed items: %s gives %s %v, want %s", q, jsonOf(page.Data), err, want)
		}
	}
}

// TestQueriesStopAtTheQueryTimeout: a read or a write by query that runs
// longer than Config.QueryTimeout stops there with ErrQueryTimeout, even
// when its caller would wait for ever, and the write writes nothing.
func TestQueriesStopAtTheQueryTimeout(t *testing.T) {
	t.Parallel()
	s := openTestStore(t, func(c *Config) { c.QueryTimeout = 200 * time.Millisecond })
	seedSlowCollection(t, s, "big", 400)
	filter := params(t, `{"filter": `+slowFilter()+`}`)
	for name, f := range map[string]func() error{
		"read": func() error {
			_, err := s.ReadItems(context.Background(), "big", ItemQuery{Params: filter})
			return err
		},
		"update": func() error {
			_, err := s.UpdateItems(context.Background(), "big", ItemSelection{Query: &ItemQuery{Params: filter}},
				obj(t, `{"touched": true}`), WriteOptions{})
			return err
		},
	} {
		start := time.Now()
		err := f()
		if !errors.Is(err, ErrQueryTimeout) || !strings.Contains(err.Error(), "DB_QUERY_TIMEOUT") {
			t.Errorf("%s: %v, want ErrQueryTimeout", name, err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s took %v with a 200ms query timeout", name, took)
		}
	}
	page, err := s.ReadItems(context.Background(), "big", ItemQuery{Params: params(t, `{"aggregate": {"count": "touched"}}`)})
	if err != nil || jsonOf(page.Data) != `[{"count":{"touched":0}}]` {
		t.Errorf("the stopped update wrote: %s %v", jsonOf(page.Data), err)
	}
	// Quick queries are not affected.
	if _, err := s.ReadItems(context.Background(), "big", ItemQuery{Params: params(t, `{"filter": {"name": {"_eq": "item 7"}}}`)}); err != nil {
		t.Errorf("a quick read: %v", err)
	}
}
