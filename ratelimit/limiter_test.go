package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// clock is a fake clock moved by the test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestBucket(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	checkBucket(t, c, New(Config{Now: c.now}))
}

// TestSharedBucket: buckets kept in Shared (a database) decide and answer
// as buckets in memory do.
func TestSharedBucket(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	checkBucket(t, c, New(Config{Now: c.now, Shared: &gcra{tat: map[string]time.Time{}}, Name: "flow"}))
}

// checkBucket takes a rule's calls through l, moving the clock c.
func checkBucket(t *testing.T, c *clock, l *Limiter) {
	t.Helper()
	rule := Rule{Points: 3, Duration: time.Minute} // a token every 20 s
	steps := []struct {
		advance   time.Duration
		allowed   bool
		remaining int
		headers   map[string]string
	}{
		{0, true, 2, map[string]string{"X-RateLimit-Limit": "3", "X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "20"}},
		{0, true, 1, map[string]string{"X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "40"}},
		{0, true, 0, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "60"}},
		{0, false, 0, map[string]string{"X-RateLimit-Remaining": "0", "Retry-After": "20"}},
		{15 * time.Second, false, 0, map[string]string{"Retry-After": "5", "X-RateLimit-Reset": "45"}},
		{5 * time.Second, true, 0, map[string]string{"X-RateLimit-Remaining": "0", "Retry-After": ""}},
		{time.Hour, true, 2, map[string]string{"X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "20"}},
	}
	for i, st := range steps {
		c.advance(st.advance)
		d, err := l.Allow(context.Background(), "k", rule, "flow")
		if d.Allowed != st.allowed || d.Remaining != st.remaining {
			t.Fatalf("step %d: %+v, want allowed %v remaining %d", i, d, st.allowed, st.remaining)
		}
		var exceeded *ExceededError
		if st.allowed != (err == nil) || (err != nil && !errors.As(err, &exceeded)) {
			t.Fatalf("step %d: error %v", i, err)
		}
		h := http.Header{}
		d.WriteHeaders(h)
		for k, v := range st.headers {
			if got := h.Get(k); got != v {
				t.Fatalf("step %d: %s = %q, want %q (%v)", i, k, got, v, h)
			}
		}
	}
}

func TestKeysAndRulesAreSeparate(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Unix(0, 0)}
	l := New(Config{Now: c.now})
	one := Rule{Points: 1, Duration: time.Hour}
	if !l.Take(context.Background(), "a", one).Allowed || l.Take(context.Background(), "a", one).Allowed {
		t.Fatal("a: one call an hour")
	}
	if !l.Take(context.Background(), "b", one).Allowed {
		t.Fatal("b has its own bucket")
	}
	if !l.Take(context.Background(), "a", Rule{Points: 2, Duration: time.Hour}).Allowed {
		t.Fatal("a new rule starts a new bucket")
	}
}

func TestMemoryIsBounded(t *testing.T) {
	t.Parallel()
	l := New(Config{MaxKeys: 64})
	rule := Rule{Points: 1, Duration: time.Hour}
	for i := 0; i < 10000; i++ {
		l.Take(context.Background(), fmt.Sprint("client-", i), rule)
	}
	n := 0
	for i := range l.shards {
		n += l.shards[i].buckets.Len()
	}
	if n > 64 {
		t.Fatalf("%d buckets kept, at most 64 allowed", n)
	}
}

func BenchmarkTake(b *testing.B) {
	l := New(Config{})
	rule := Rule{Points: 1 << 30, Duration: time.Second}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Take(context.Background(), "127.0.0.1", rule)
		}
	})
}

func TestHeaderKeysAreCanonical(t *testing.T) {
	t.Parallel()
	for _, k := range []string{headerLimit, headerRemaining, headerReset, headerRetryAfter} {
		if http.CanonicalHeaderKey(k) != k {
			t.Errorf("%s is not canonical", k)
		}
	}
}

func BenchmarkWriteHeaders(b *testing.B) {
	d := Decision{Allowed: true, Limit: 100, Remaining: 42, Reset: 30 * time.Second}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		h := http.Header{}
		d.WriteHeaders(h)
	}
}

// gcra is a Shared in memory: the algorithm storage runs in PostgreSQL.
type gcra struct {
	tat   map[string]time.Time
	fail  bool
	calls int
}

func (g *gcra) TakeToken(_ context.Context, key string, interval, window time.Duration, now time.Time) (time.Time, bool, error) {
	g.calls++
	if g.fail {
		return time.Time{}, false, errors.New("database unreachable")
	}
	tat, ok := g.tat[key]
	if !ok {
		tat = now
	}
	next := tat
	if now.After(next) {
		next = now
	}
	next = next.Add(interval)
	if next.Sub(now) > window {
		return tat, false, nil
	}
	g.tat[key] = next
	return next, true, nil
}

// TestSharedBucketsFailOpenToMemory: while Shared fails, calls are counted
// in memory, still limited.
func TestSharedBucketsFailOpenToMemory(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Unix(0, 0)}
	g := &gcra{tat: map[string]time.Time{}, fail: true}
	l := New(Config{Now: c.now, Shared: g})
	one := Rule{Points: 1, Duration: time.Hour}
	if !l.Take(context.Background(), "a", one).Allowed || l.Take(context.Background(), "a", one).Allowed {
		t.Fatal("in memory: one call an hour")
	}
	if g.calls != 2 {
		t.Fatalf("Shared asked %d times", g.calls)
	}
}

// TestSharedKeysAreApart: limiters, rules and keys get buckets of their
// own in Shared, whatever bytes the keys hold.
func TestSharedKeysAreApart(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Unix(0, 0)}
	g := &gcra{tat: map[string]time.Time{}}
	flow := New(Config{Now: c.now, Shared: g, Name: "flow"})
	global := New(Config{Now: c.now, Shared: g, Name: "global"})
	one := Rule{Points: 1, Duration: time.Hour}
	ctx := context.Background()
	for _, take := range []func() bool{
		func() bool { return flow.Take(ctx, "f\x00ip:1", one).Allowed },
		func() bool { return flow.Take(ctx, "f\x00ip:1", Rule{Points: 1, Duration: time.Minute}).Allowed },
		func() bool { return flow.Take(ctx, "f\x00ip:2", one).Allowed },
		func() bool { return global.Take(ctx, "f\x00ip:1", one).Allowed },
	} {
		if !take() {
			t.Fatalf("a bucket was shared: %v", g.tat)
		}
	}
	if flow.Take(ctx, "f\x00ip:1", one).Allowed {
		t.Fatal("the first bucket allowed a second call")
	}
	for k := range g.tat {
		if strings.ContainsRune(k, 0) {
			t.Errorf("key %q holds NUL", k)
		}
	}
}
