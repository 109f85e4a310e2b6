package events

import (
	"context"
	"sync"
)

// maxStopped bounds the distinct events a Chain remembers as stopped.
const maxStopped = 32

// Chain is where a flow run stands in a chain of events: a write made by
// a run carries the run's Chain in its context, so the flows its events
// start run one level deeper. At the server's limit (FLOWS_MAX_EVENT_DEPTH)
// the events of a run start no flows, and the Chain keeps which events
// were stopped so that the run's record can say so.
type Chain struct {
	// Depth is the run's depth: 0 for runs started by a request, a
	// schedule or by hand; 1 for the flows their writes start; and so on.
	Depth int

	mu      sync.Mutex
	stopped []Stopped
}

// Stopped is an event a run raised that would have started flows, had the
// run not been at the depth limit.
type Stopped struct {
	Event      string   `json:"event"`
	Collection string   `json:"collection,omitempty"`
	Flows      []string `json:"flows"`
	// Count is how many times the run raised the event.
	Count int `json:"count"`
}

type chainKey struct{}

// WithChain returns a context whose writes belong to c.
func WithChain(ctx context.Context, c *Chain) context.Context {
	return context.WithValue(ctx, chainKey{}, c)
}

// ChainFrom returns the chain of the run a context belongs to, or nil for
// a write no run made (a request to /items).
func ChainFrom(ctx context.Context) *Chain {
	c, _ := ctx.Value(chainKey{}).(*Chain)
	return c
}

// DepthFrom is the depth of the run a context belongs to (0 without one).
func DepthFrom(ctx context.Context) int { return ChainFrom(ctx).CurrentDepth() }

// CurrentDepth is the chain's depth; 0 for a nil chain (a write no run
// made).
func (c *Chain) CurrentDepth() int {
	if c == nil {
		return 0
	}
	return c.Depth
}

// Stop records that event (on collection) started none of flows because of
// the depth limit, and reports whether it is the first time the run
// raised that event (so that it is logged once). A nil chain records
// nothing.
func (c *Chain) Stop(event, collection string, flows []string) (first bool) {
	if c == nil {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.stopped {
		if s := &c.stopped[i]; s.Event == event && s.Collection == collection {
			s.Count++
			return false
		}
	}
	if len(c.stopped) >= maxStopped {
		return false
	}
	c.stopped = append(c.stopped, Stopped{
		Event:      event,
		Collection: collection,
		Flows:      flows,
		Count:      1,
	})
	return true
}

// StoppedEvents returns what Stop recorded, nil when nothing.
func (c *Chain) StoppedEvents() []Stopped {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.stopped) == 0 {
		return nil
	}
	return append([]Stopped(nil), c.stopped...)
}
