package ratelimit

import (
	"context"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"
)

// Shared keeps buckets that several servers count in together, so that N
// servers behind a load balancer allow a client the limit once, not N
// times. storage.Store implements it on PostgreSQL.
type Shared interface {
	// TakeToken counts one call against the bucket key, which refills one
	// call per interval up to window/interval calls, and returns whether
	// the call is allowed and when the bucket is full again (its
	// theoretical arrival time): it then holds (now+window-tat)/interval
	// calls.
	TakeToken(ctx context.Context, key string, interval, window time.Duration, now time.Time) (tat time.Time, allowed bool, err error)
}

// sharedFailureLogEvery spaces the logs of a failing Shared: every call
// fails while the database is away.
const sharedFailureLogEvery = 10 * time.Second

// sharedBuckets counts calls in Shared.
type sharedBuckets struct {
	store  Shared
	name   string
	logger *slog.Logger
	// lastLog is when a failure was last logged (Unix ns).
	lastLog atomic.Int64
}

// take counts a call; false when Shared failed, so that the caller counts
// it in memory instead.
func (s *sharedBuckets) take(ctx context.Context, key string, rule Rule, now time.Time) (Decision, bool) {
	interval := rule.Duration / time.Duration(rule.Points)
	tat, allowed, err := s.store.TakeToken(ctx, s.key(key, rule), interval, rule.Duration, now)
	if err != nil {
		if ctx.Err() == nil {
			s.logFailure(err, now)
		}
		return Decision{}, false
	}
	tokens := float64(now.Add(rule.Duration).Sub(tat)) / float64(interval)
	return decide(rule, allowed, min(max(tokens, 0), float64(rule.Points))), true
}

// key names a bucket in Shared: the limiter, the rule (a new rule starts a
// new bucket, as in memory), and the key quoted, which keeps keys apart
// and free of the NUL bytes they join their parts with.
func (s *sharedBuckets) key(key string, rule Rule) string {
	return s.name + " " + strconv.Itoa(rule.Points) + "/" + rule.Duration.String() + " " + strconv.Quote(key)
}

func (s *sharedBuckets) logFailure(err error, now time.Time) {
	last := s.lastLog.Load()
	if now.UnixNano()-last < int64(sharedFailureLogEvery) || !s.lastLog.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	s.logger.Error("counting a rate limit in the database failed; counting in this server's memory meanwhile",
		"limit", s.name, "error", err)
}
