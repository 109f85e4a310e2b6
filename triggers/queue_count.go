package triggers

import (
	"context"
	"sync"
	"sync/atomic"
)

// runCount is the number of runs queued or running that the queue's limit
// is checked against, known without asking the database on the request
// path: the database's count, read now and then (read), plus this queue's
// own changes since (local). Other instances' changes arrive with the next
// read.
//
// A local change is counted in the same critical section (begin … end) as
// its database write, and read takes the count with no such section open,
// so the count it reads holds exactly the local changes made so far: no
// enqueue is counted twice or missed, however the two interleave.
type runCount struct {
	mu    sync.RWMutex // held shared by local changes, exclusively by read
	base  atomic.Int64 // the database's count at the last read, less local then
	local atomic.Int64 // runs queued here less runs finished here
	// counted is closed once the database's count was read: until then the
	// value is not known and enqueues wait.
	counted     chan struct{}
	countedOnce sync.Once
}

func newRunCount() *runCount { return &runCount{counted: make(chan struct{})} }

// value is the current count.
func (c *runCount) value() int64 { return c.base.Load() + c.local.Load() }

// await waits until the database's count was read once.
func (c *runCount) await(ctx context.Context) error {
	select {
	case <-c.counted:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// begin opens a local change; end closes it.
func (c *runCount) begin() { c.mu.RLock() }
func (c *runCount) end()   { c.mu.RUnlock() }

// reserve counts one more run unless limit runs are counted. Call it
// between begin and end, and unreserve when the run was not stored.
func (c *runCount) reserve(limit int64) bool {
	for {
		n := c.local.Load()
		if c.base.Load()+n >= limit {
			return false
		}
		if c.local.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// unreserve takes back a reservation whose run was not stored.
func (c *runCount) unreserve() { c.local.Add(-1) }

// added counts runs queued without a reservation (between begin and end):
// the runs of events, checked against the limit before their write
// rather than reserved one by one.
func (c *runCount) added(n int64) { c.local.Add(n) }

// finished counts a run whose end was stored (between begin and end).
func (c *runCount) finished() { c.local.Add(-1) }

// read sets the count from the database's.
func (c *runCount) read(ctx context.Context, count func(context.Context) (int64, error)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := count(ctx)
	if err != nil {
		return err
	}
	c.base.Store(n - c.local.Load())
	c.countedOnce.Do(func() { close(c.counted) })
	return nil
}

// readFailed lets enqueues go on without the database's count (it could not
// be read at start: until a later read succeeds, the limit counts this
// queue's runs only).
func (c *runCount) readFailed() { c.countedOnce.Do(func() { close(c.counted) }) }
