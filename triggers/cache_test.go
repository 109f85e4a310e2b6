package triggers

import (
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
		c.Put(fmt.Sprint("k", i), p, body, 0, c.Version(p))
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
	c.Put("big", p, make([]byte, 9<<10), 0, c.Version(p)) // over an eighth of the cache
	if _, ok := c.Get("big", p); ok {
		t.Fatal("an answer over an eighth of the cache is not kept")
	}
	// Replacing an entry does not count it twice.
	size := c.size
	c.Put("k999", p, body, 0, c.Version(p))
	if c.size != size {
		t.Fatalf("size %d after replacing an entry, was %d", c.size, size)
	}
	// Entries expire, and belong to the plan they were computed with.
	now = now.Add(time.Minute)
	if _, ok := c.Get("k999", p); ok {
		t.Fatal("an expired entry is not served")
	}
	c.Put("k", p, body, time.Hour, c.Version(p))
	if _, ok := c.Get("k", emptyPlan(t)); ok {
		t.Fatal("an entry of another plan (an older save of the flow) is not served")
	}
}

func TestResponseCacheVersions(t *testing.T) {
	t.Parallel()
	c := NewResponseCache(CacheConfig{})
	p := emptyPlan(t)
	v := c.Version(p)
	c.CollectionWritten("orders") // p reads nothing: its answers stay
	c.Put("k", p, []byte(`1`), 0, v)
	if _, ok := c.Get("k", p); !ok {
		t.Fatal("a write to a collection the plan does not read changes nothing")
	}
}
