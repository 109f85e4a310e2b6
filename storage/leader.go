package storage

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultLease is how long a lease holds without renewal when
// Config.Lease is zero: the elected server's, and (configured by their
// owners) those of queued runs and webhook deliveries.
const DefaultLease = 30 * time.Second

// leaderLease is the name of the elected server's lease row.
const leaderLease = "leader"

// Leader elects one of the servers sharing a database to do the work that
// must happen once: retention sweeps, janitors, schedules. On SQLite,
// whose database one server owns, that server is always elected. On
// PostgreSQL the elected server holds a lease row (hf_leases) that it
// renews every third of the lease; when it stops renewing (it died, or
// lost the database) another takes the lease once it has expired by the
// database's clock. A server counts itself elected only until its own
// renewal would have expired, less a margin, so two servers are never
// elected at once while their clocks run at the same rate.
type Leader struct {
	db       *sql.DB // nil: always elected (SQLite)
	owner    string
	lease    time.Duration
	logger   *slog.Logger
	rebind   func(string) string
	base     time.Time    // the origin of until, read from Go's monotonic clock
	until    atomic.Int64 // elected until base+until (ns); 0: not elected
	mu       sync.Mutex
	watchers []chan bool
	elected  bool // as last told to the watchers
	stop     chan struct{}
	done     chan struct{}
}

// leaderMargin is how much sooner than its lease a server stops counting
// itself elected: the time a renewal may take to reach the database.
func leaderMargin(lease time.Duration) time.Duration { return lease / 6 }

func newLeader(db *sql.DB, owner string, lease time.Duration, logger *slog.Logger, rebind func(string) string) *Leader {
	if lease <= 0 {
		lease = DefaultLease
	}
	l := &Leader{
		db:     db,
		owner:  owner,
		lease:  lease,
		logger: logger,
		rebind: rebind,
		base:   time.Now(),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	if db == nil {
		l.elected = true
		close(l.done)
		return l
	}
	go l.run()
	return l
}

// IsLeader reports whether this server is the elected one now.
func (l *Leader) IsLeader() bool {
	if l.db == nil {
		return true
	}
	until := l.until.Load()
	return until != 0 && time.Since(l.base) < time.Duration(until)
}

// Elected sends whether this server is elected: at once, then at every
// change, until ctx ends or the store closes, when the channel is closed. A receiver that
// falls behind gets the latest state, never a stale one after it.
func (l *Leader) Elected(ctx context.Context) <-chan bool {
	ch := make(chan bool, 1)
	l.mu.Lock()
	ch <- l.elected
	l.watchers = append(l.watchers, ch)
	l.mu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
		case <-l.stop:
		}
		l.mu.Lock()
		for i, w := range l.watchers {
			if w == ch {
				l.watchers = append(l.watchers[:i], l.watchers[i+1:]...)
				break
			}
		}
		l.mu.Unlock()
		close(ch)
	}()
	return ch
}

// tell sends a new state to the watchers, replacing one not yet
// received, and reports whether it was new.
func (l *Leader) tell(elected bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if elected == l.elected {
		return false
	}
	l.elected = elected
	for _, w := range l.watchers {
		select {
		case <-w:
		default:
		}
		w <- elected
	}
	return true
}

// The lease statements: acquire (or renew) takes the row when it is free,
// expired or already this server's; prior reads who held it.
const (
	acquireLeaseSQL = `INSERT INTO hf_leases AS l (name, owner, until)
VALUES (?, ?, clock_timestamp() + ? * interval '1 millisecond')
ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until
WHERE l.owner = EXCLUDED.owner OR l.until < clock_timestamp()
RETURNING owner`
	priorLeaseSQL   = `SELECT owner FROM hf_leases WHERE name = ? AND until < clock_timestamp()`
	releaseLeaseSQL = `DELETE FROM hf_leases WHERE name = ? AND owner = ?`
)

// run tries for the lease, or renews it, every third of the lease; a
// server whose renewals fail wakes when its election lapses, to tell its
// watchers before another server can be elected.
func (l *Leader) run() {
	defer close(l.done)
	for {
		l.attempt()
		wait := l.lease / 3
		if until := l.until.Load(); until != 0 {
			wait = min(wait, time.Duration(until)-time.Since(l.base))
		}
		timer := time.NewTimer(max(wait, 0))
		select {
		case <-l.stop:
			timer.Stop()
			l.resign()
			return
		case <-timer.C:
		}
	}
}

// attempt takes or renews the lease once. A lapsed election is told
// first, before the database is asked (which may take long).
func (l *Leader) attempt() {
	wasElected := l.IsLeader()
	if !wasElected && l.tell(false) {
		l.logger.Warn("no longer the elected server: the lease could not be renewed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.lease/3)
	defer cancel()
	started := time.Since(l.base)
	var prior string
	if !wasElected {
		// Who held the lease that expired, for the log.
		_ = l.db.QueryRowContext(ctx, l.rebind(priorLeaseSQL), leaderLease).Scan(&prior)
	}
	var owner string
	err := l.db.QueryRowContext(ctx, l.rebind(acquireLeaseSQL), leaderLease, l.owner, l.lease.Milliseconds()).Scan(&owner)
	switch {
	case err == nil:
		l.until.Store(int64(started + l.lease - leaderMargin(l.lease)))
	case errors.Is(err, sql.ErrNoRows):
		// Another server holds the lease.
		l.until.Store(0)
	default:
		l.logger.Error("renewing the elected server's lease failed", "error", err)
	}
	elected := l.IsLeader()
	if !l.tell(elected) {
		return
	}
	switch {
	case !elected:
		l.logger.Warn("no longer the elected server: another holds the lease")
	case prior != "" && prior != l.owner:
		l.logger.Warn("took over as the elected server: the lease of the last one expired", "previous", prior)
	default:
		l.logger.Info("elected to do the work that runs once among the servers")
	}
}

// resign gives the lease up, so that another server takes it at its next
// attempt rather than when the lease expires.
func (l *Leader) resign() {
	was := l.IsLeader()
	l.until.Store(0)
	l.tell(false)
	if !was {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.db.ExecContext(ctx, l.rebind(releaseLeaseSQL), leaderLease, l.owner); err != nil {
		l.logger.Warn("giving up the elected server's lease failed; it expires instead", "error", err)
	}
}

// close stops the election, giving the lease up.
func (l *Leader) close() {
	if l == nil {
		return
	}
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	<-l.done
}

// Leader is the election among the servers sharing the database.
func (s *Store) Leader() *Leader { return s.leader }
