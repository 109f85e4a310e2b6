package ratelimit

import (
	"context"
	"hash/maphash"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/time/rate"
)

// Rule is Points calls per Duration.
type Rule struct {
	Points   int
	Duration time.Duration
}

// DefaultMaxKeys bounds the buckets a Limiter keeps (about 200 bytes each).
const DefaultMaxKeys = 1 << 16

// shards splits the buckets so that concurrent calls rarely share a lock.
const shards = 16

// Config tunes a Limiter.
type Config struct {
	// MaxKeys bounds the number of buckets kept (DefaultMaxKeys when zero);
	// the least recently used go first.
	MaxKeys int
	// Now is the clock (time.Now by default).
	Now func() time.Time
	// Shared, when set, keeps the buckets where every server sharing the
	// database counts (storage.Store.TakeToken on PostgreSQL); the
	// in-memory buckets then serve only while it fails.
	Shared Shared
	// Name sets this limiter's buckets apart from other limiters' in
	// Shared ("global", "flow").
	Name string
	// Logger hears of Shared failing (slog.Default when nil).
	Logger *slog.Logger
}

// Limiter holds one token bucket per key.
type Limiter struct {
	now    func() time.Time
	seed   maphash.Seed
	shards [shards]shard
	shared *sharedBuckets // nil: in memory only
}

type shard struct {
	mu      sync.Mutex
	buckets *simplelru.LRU[string, *bucket]
}

// bucket is a key's tokens under the rule they were counted for.
type bucket struct {
	rule    Rule
	limiter *rate.Limiter
}

// New returns a Limiter.
func New(cfg Config) *Limiter {
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = DefaultMaxKeys
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	l := &Limiter{now: cfg.Now, seed: maphash.MakeSeed()}
	if cfg.Shared != nil {
		if cfg.Logger == nil {
			cfg.Logger = slog.Default()
		}
		l.shared = &sharedBuckets{store: cfg.Shared, name: cfg.Name, logger: cfg.Logger}
	}
	per := max(1, cfg.MaxKeys/shards)
	for i := range l.shards {
		l.shards[i].buckets, _ = simplelru.NewLRU[string, *bucket](per, nil)
	}
	return l
}

// Take counts one call for key under rule and returns the decision. A
// key whose rule changed (a flow saved with a new limit) starts again with
// a full bucket. With Shared, the call is counted there, where every
// server counts (ctx bounds the wait); in memory when that fails.
func (l *Limiter) Take(ctx context.Context, key string, rule Rule) Decision {
	now := l.now()
	if l.shared != nil {
		if d, ok := l.shared.take(ctx, key, rule, now); ok {
			return d
		}
	}
	sh := &l.shards[maphash.String(l.seed, key)%shards]
	sh.mu.Lock()
	b, ok := sh.buckets.Get(key)
	if !ok || b.rule != rule {
		b = &bucket{rule: rule, limiter: rate.NewLimiter(refill(rule), rule.Points)}
		sh.buckets.Add(key, b)
	}
	allowed := b.limiter.AllowN(now, 1)
	tokens := b.limiter.TokensAt(now)
	sh.mu.Unlock()
	return decide(rule, allowed, tokens)
}

// refill is the rule's rate in tokens per second.
func refill(r Rule) rate.Limit {
	return rate.Limit(float64(r.Points) / r.Duration.Seconds())
}

// decide describes a bucket holding tokens after a call.
func decide(r Rule, allowed bool, tokens float64) Decision {
	perToken := r.Duration / time.Duration(r.Points)
	d := Decision{Allowed: allowed, Limit: r.Points, Remaining: max(0, int(math.Floor(tokens)))}
	d.Reset = time.Duration((float64(r.Points) - tokens) * float64(perToken))
	if !allowed {
		d.RetryAfter = time.Duration((1 - tokens) * float64(perToken))
	}
	return d
}

// Allow is Take that returns an *ExceededError for a refused call; scope
// names the limit in the error ("global", "flow").
func (l *Limiter) Allow(ctx context.Context, key string, rule Rule, scope string) (Decision, error) {
	d := l.Take(ctx, key, rule)
	if !d.Allowed {
		return d, &ExceededError{Decision: d, Scope: scope, Per: rule.Duration}
	}
	return d, nil
}
