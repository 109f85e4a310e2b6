package connlimit

import (
	"context"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of a Listener.
const (
	// DefaultReserve is the number of connections over Max that are kept
	// open for health checks.
	DefaultReserve = 64
	// DefaultOverflowTimeout is the longest an over-capacity connection
	// lives: long enough for a health check, short enough that a client
	// cannot keep the reserve.
	DefaultOverflowTimeout = 5 * time.Second
)

// Config sizes a Listener.
type Config struct {
	// Max is the number of connections served normally (at least 1).
	Max int
	// Reserve is the number of connections over Max, served only the
	// health routes, kept open at once (DefaultReserve when zero).
	Reserve int
	// OverflowTimeout bounds the whole life of an over-capacity connection
	// (DefaultOverflowTimeout when zero).
	OverflowTimeout time.Duration
}

// Listener is a net.Listener that counts its open connections against a
// Config. Use its ConnContext as the http.Server's, so handlers can tell
// over-capacity connections apart.
type Listener struct {
	net.Listener
	max, reserve int64
	timeout      time.Duration
	normal, over atomic.Int64 // open connections of each kind
	pushedOut    atomic.Uint64

	mu       sync.Mutex
	reserved []*conn // open over-capacity connections, oldest first
}

// New wraps l.
func New(l net.Listener, cfg Config) *Listener {
	if cfg.Max < 1 {
		cfg.Max = 1
	}
	if cfg.Reserve <= 0 {
		cfg.Reserve = DefaultReserve
	}
	if cfg.OverflowTimeout <= 0 {
		cfg.OverflowTimeout = DefaultOverflowTimeout
	}
	return &Listener{
		Listener: l,
		max:      int64(cfg.Max),
		reserve:  int64(cfg.Reserve),
		timeout:  cfg.OverflowTimeout,
	}
}

// Accept returns the next connection: a normal one below Max, else an
// over-capacity one. When Reserve over-capacity connections are open
// already, the oldest is closed to make room: clients that hold
// connections without finishing a request cannot keep a health check
// out, since every newer connection pushes theirs out.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if l.normal.Add(1) <= l.max {
		return &conn{Conn: c, l: l}, nil
	}
	l.normal.Add(-1)
	deadline := time.Now().Add(l.timeout)
	_ = c.SetDeadline(deadline)
	over := &conn{
		Conn:         c,
		l:            l,
		overCapacity: true,
		deadline:     deadline,
	}
	l.mu.Lock()
	var oldest *conn
	if int64(len(l.reserved)) >= l.reserve {
		oldest = l.reserved[0]
		l.reserved = l.reserved[1:]
	}
	l.reserved = append(l.reserved, over)
	l.over.Add(1)
	l.mu.Unlock()
	if oldest != nil {
		l.pushedOut.Add(1)
		_ = oldest.Close()
	}
	return over, nil
}

// Open is the number of connections accepted and not yet closed, over
// capacity or not.
func (l *Listener) Open() int { return int(l.normal.Load() + l.over.Load()) }

// PushedOut is the number of over-capacity connections closed to make
// room for newer ones.
func (l *Listener) PushedOut() uint64 { return l.pushedOut.Load() }

// release gives back the slot of a closed connection.
func (l *Listener) release(c *conn) {
	if !c.overCapacity {
		l.normal.Add(-1)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if i := slices.Index(l.reserved, c); i >= 0 {
		l.reserved = slices.Delete(l.reserved, i, i+1)
	}
	l.over.Add(-1)
}

// overCapacityKey marks the context of an over-capacity connection.
type overCapacityKey struct{}

// ConnContext is the http.Server's ConnContext: it marks the requests of
// over-capacity connections.
func (l *Listener) ConnContext(ctx context.Context, c net.Conn) context.Context {
	if cc, ok := c.(*conn); ok && cc.overCapacity {
		return context.WithValue(ctx, overCapacityKey{}, true)
	}
	return ctx
}

// OverCapacity reports whether a request's context belongs to a
// connection accepted over Max: it should be answered only if it is a
// health check, and then closed.
func OverCapacity(ctx context.Context) bool {
	over, _ := ctx.Value(overCapacityKey{}).(bool)
	return over
}

// conn is an accepted connection; it gives its slot back once, when
// closed. An over-capacity connection never gets a deadline later than
// the one it was accepted with.
type conn struct {
	net.Conn
	l            *Listener
	closed       atomic.Bool
	overCapacity bool
	deadline     time.Time
}

// Close closes the connection and frees its slot.
func (c *conn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.l.release(c)
	}
	return c.Conn.Close()
}

// SetDeadline sets both deadlines, capped for an over-capacity connection.
func (c *conn) SetDeadline(t time.Time) error { return c.Conn.SetDeadline(c.capped(t)) }

// SetReadDeadline sets the read deadline, capped for an over-capacity
// connection.
func (c *conn) SetReadDeadline(t time.Time) error { return c.Conn.SetReadDeadline(c.capped(t)) }

// SetWriteDeadline sets the write deadline, capped for an over-capacity
// connection.
func (c *conn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.capped(t)) }

// capped is t, or the connection's own deadline when that comes first (a
// zero t means no deadline).
func (c *conn) capped(t time.Time) time.Time {
	if !c.overCapacity || (!t.IsZero() && t.Before(c.deadline)) {
		return t
	}
	return c.deadline
}
