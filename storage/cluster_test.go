package storage

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/internal/testdb"
)

// heard collects what a store's watchers are told.
type heard struct {
	mu sync.Mutex
	by map[Topic][]string
}

func listen(s *Store, topics ...Topic) *heard {
	h := &heard{by: map[Topic][]string{}}
	for _, t := range topics {
		s.Watch(t, func(_ context.Context, key string) {
			h.mu.Lock()
			h.by[t] = append(h.by[t], key)
			h.mu.Unlock()
		})
	}
	return h
}

// wait waits until topic was heard with key, at most within.
func (h *heard) wait(t *testing.T, topic Topic, key string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		h.mu.Lock()
		for _, k := range h.by[topic] {
			if k == key {
				h.mu.Unlock()
				return
			}
		}
		h.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	t.Fatalf("%s %q not heard within %s (heard %v)", topic, key, within, h.by)
}

func (h *heard) of(topic Topic) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.by[topic]...)
}

// sharedStores opens two stores on one PostgreSQL database.
func sharedStores(t *testing.T, tune func(*Config)) (a, b *Store, cfg Config) {
	t.Helper()
	testdb.RequirePostgres(t, "servers sharing a PostgreSQL database (a SQLite file has one server)")
	cfg = testConfig(t)
	if tune != nil {
		tune(&cfg)
	}
	open := func() *Store {
		s, err := Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	return open(), open(), cfg
}

// TestChangesReachTheOtherServer: what one server writes, the other hears
// of within a second, by topic and key; a server does not hear its own
// changes, and a flow's many rows (its operations) are heard as one.
func TestChangesReachTheOtherServer(t *testing.T) {
	t.Parallel()
	a, b, _ := sharedStores(t, nil)
	ctx := context.Background()
	onA := listen(a, TopicFlows, TopicAccess, TopicWebhooks, TopicItems)
	onB := listen(b, TopicFlows, TopicAccess, TopicWebhooks, TopicItems)

	f := &flows.Flow{
		ID:          "0b4e2e5c-5d3a-4c4f-9f4e-000000000001",
		Name:        "f",
		Status:      "active",
		Trigger:     "webhook",
		Options:     map[string]any{},
		DateCreated: time.Now().UTC(),
	}
	for i := range 20 {
		f.Operations = append(f.Operations, &flows.Operation{
			ID:      "op" + string(rune('a'+i)),
			Key:     "k" + string(rune('a'+i)),
			Type:    "log",
			Options: map[string]any{},
		})
	}
	if err := a.SaveFlows(ctx, f); err != nil {
		t.Fatal(err)
	}
	onB.wait(t, TopicFlows, f.ID, time.Second)
	if _, err := a.CreateItems(ctx, "orders", objs(t, `[{"n": 1}]`), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	onB.wait(t, TopicItems, "orders", time.Second)
	if err := a.CreateRoles(ctx, []Role{{ID: "r1", Name: "R"}}); err != nil {
		t.Fatal(err)
	}
	onB.wait(t, TopicAccess, "", time.Second)
	sub := testSubscription("hook")
	if err := a.CreateSubscriptions(ctx, []*Subscription{sub}); err != nil {
		t.Fatal(err)
	}
	onB.wait(t, TopicWebhooks, jsonOf(sub.ID), time.Second)
	if err := b.DeleteFlow(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	onA.wait(t, TopicFlows, f.ID, time.Second)

	time.Sleep(100 * time.Millisecond) // anything late would arrive now
	if got := onB.of(TopicFlows); len(got) != 1 {
		t.Errorf("a flow saved with 20 operations was heard %d times: %v", len(got), got)
	}
	for _, topic := range []Topic{TopicItems, TopicAccess, TopicWebhooks} {
		if got := onA.of(topic); len(got) != 0 {
			t.Errorf("server A heard its own %s changes: %v", topic, got)
		}
	}
	if got := onA.of(TopicFlows); len(got) != 1 {
		t.Errorf("server A heard %v of flows; want only B's deletion", got)
	}
}

// TestMissedChangesAreMadeUp: a change whose notification never arrives
// (counted, not announced) is noticed by the periodic check, and a
// listening connection that breaks is opened again, after which every
// topic is read again whole.
func TestMissedChangesAreMadeUp(t *testing.T) {
	t.Parallel()
	a, _, cfg := sharedStores(t, func(c *Config) { c.ChangeCheck = 50 * time.Millisecond })
	onA := listen(a, TopicFlows, TopicItems)
	db, err := sql.Open("pgx", cfg.ConnectionString)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "UPDATE hf_versions SET version = version + 1 WHERE topic = 'flows'"); err != nil {
		t.Fatal(err)
	}
	onA.wait(t, TopicFlows, "", 2*time.Second)

	if _, err := db.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
		listenerName(a.Instance())); err != nil {
		t.Fatal(err)
	}
	onA.wait(t, TopicItems, "", 5*time.Second)
}
