package triggers

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
)

// emptyPlan compiles a flow without operations (it reads no collection).
func emptyPlan(t *testing.T) *engine.Plan {
	t.Helper()
	p, err := engine.New(operations.NewRegistry(), engine.Config{}).Compile(&flows.Flow{ID: "f", Trigger: flows.TriggerWebhook})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResponseCacheIsBounded(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	c := NewResponseCache(CacheConfig{MaxSize: 64 << 10, TTL: time.Minute, Now: func() time.Time { return now }})
	p := emptyPlan(t)
	body := make([]byte, 1000)
	for i := 0; i < 1000; i++ {
		c.Put(fmt.Sprint("k", i), p, body, 0, c.Version())
	}
	if c.size > 64<<10 || c.Len() == 0 || c.Len() > 64 {
		t.Fatalf("%d entries of %d bytes kept, at most %d bytes allowed", c.Len(), c.size, 64<<10)
	}
	if _, ok := c.Get("k0", p); ok {
		t.Fatal("the oldest entries go first")
	}
	if _, ok := c.Get("k999", p); !ok {
		t.Fatal("the newest entry stays")
	}
	c.Put("big", p, make([]byte, 9<<10), 0, c.Version()) // over an eighth of the cache
	if _, ok := c.Get("big", p); ok {
		t.Fatal("an answer over an eighth of the cache is not kept")
	}
	// Replacing an entry does not count it twice.
	size := c.size
	c.Put("k999", p, body, 0, c.Version())
	if c.size != size {
		t.Fatalf("size %d after replacing an entry, was %d", c.size, size)
	}
	// Entries expire, and belong to the plan they were computed with.
	now = now.Add(time.Minute)
	if _, ok := c.Get("k999", p); ok {
		t.Fatal("an expired entry is not served")
	}
	c.Put("k", p, body, time.Hour, c.Version())
	if _, ok := c.Get("k", emptyPlan(t)); ok {
		t.Fatal("an entry of another plan (an older save of the flow) is not served")
	}
}

func TestResponseCacheVersions(t *testing.T) {
	t.Parallel()
	c := NewResponseCache(CacheConfig{})
	p := emptyPlan(t)
	v := c.Version()
	c.CollectionWritten("orders") // p reads nothing: its answers stay
	c.Put("k", p, []byte(`1`), 0, v)
	if _, ok := c.Get("k", p); !ok {
		t.Fatal("a write to a collection the plan does not read changes nothing")
	}
}

// readsStep is an operation that reads the collections of its
// "collections" option, for plans whose reads a test chooses.
type readsStep struct{ names []string }

func (s readsStep) Prepare(p operations.Prepare) (operations.Step, error) {
	var names []string
	for _, n := range p.Options["collections"].([]any) {
		names = append(names, n.(string))
	}
	return readsStep{names: names}, nil
}
func (s readsStep) Run(context.Context, operations.Input) (any, error) { return nil, nil }
func (s readsStep) ReadCollections() ([]string, bool)                  { return s.names, false }

// readingPlan compiles a flow with one step that reads collections.
func readingPlan(t *testing.T, collections ...any) *engine.Plan {
	t.Helper()
	reg := operations.NewRegistry()
	reg.MustRegister("reads", readsStep{})
	p, err := engine.New(reg, engine.Config{}).Compile(&flows.Flow{
		ID: "f", Trigger: flows.TriggerWebhook,
		Operations: []*flows.Operation{{ID: "r", Key: "r", Type: "reads", Options: map[string]any{"collections": collections}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestResponseCacheTellsCollectionsApart: writes to thousands of other
// collections never drop an answer that reads only products (collections
// are told apart by name, so none can share products' counter), and every
// write to products does.
func TestResponseCacheTellsCollectionsApart(t *testing.T) {
	t.Parallel()
	c := NewResponseCache(CacheConfig{})
	p := readingPlan(t, "products", "prices")
	c.Put("k", p, []byte(`1`), 0, c.Version())
	for i := 0; i < 10000; i++ {
		c.CollectionWritten(fmt.Sprint("other", i))
	}
	if _, ok := c.Get("k", p); !ok {
		t.Fatal("a write to another collection dropped the answer")
	}
	for _, written := range []string{"products", "prices"} {
		c.Put("k", p, []byte(`1`), 0, c.Version())
		c.CollectionWritten(written)
		if _, ok := c.Get("k", p); ok {
			t.Fatalf("an answer was served after a write to %s, which the plan reads", written)
		}
	}
	// A write while the answer was computed keeps it out of the cache.
	v := c.Version()
	c.CollectionWritten("prices")
	c.Put("k", p, []byte(`1`), 0, v)
	if _, ok := c.Get("k", p); ok {
		t.Fatal("an answer computed across a write was cached")
	}
	// So does a change of access.
	v = c.Version()
	c.AccessChanged()
	c.Put("k", p, []byte(`1`), 0, v)
	if _, ok := c.Get("k", p); ok {
		t.Fatal("an answer computed across an access change was cached")
	}
}

// TestResponseCacheForgetsNamesSafely: past maxTrackedCollections names the
// cache forgets them, and then drops every answer computed before, never
// serving one a forgotten write made stale.
func TestResponseCacheForgetsNamesSafely(t *testing.T) {
	t.Parallel()
	c := NewResponseCache(CacheConfig{})
	p := readingPlan(t, "products")
	c.Put("k", p, []byte(`1`), 0, c.Version())
	c.CollectionWritten("products") // the answer is stale from here on
	for i := 0; i <= maxTrackedCollections; i++ {
		c.CollectionWritten(fmt.Sprint("other", i))
	}
	if len(c.changes.written) > maxTrackedCollections {
		t.Fatalf("%d collections tracked, at most %d", len(c.changes.written), maxTrackedCollections)
	}
	if _, ok := c.Get("k", p); ok {
		t.Fatal("a stale answer was served after the cache forgot the write that made it stale")
	}
	c.Put("k", p, []byte(`2`), 0, c.Version())
	if body, ok := c.Get("k", p); !ok || string(body) != "2" {
		t.Fatalf("an answer computed after forgetting is cached: %q %v", body, ok)
	}
}
