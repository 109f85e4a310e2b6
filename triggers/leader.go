package triggers

import "context"

// Leader says whether this server is the one that does the work that must
// happen once however many servers share the database: firing schedules.
// With SQLite a database has one server (its file is locked), which is
// always the leader (SoleServer). Servers sharing a PostgreSQL database
// elect one (storage.Leader, which hookflow passes to the scheduler unless
// hookflow.Config.Leader names another elector).
type Leader interface {
	// IsLeader reports whether this server leads now. The scheduler asks
	// before every tick it fires; a tick is claimed in the database as
	// well, so two servers that both believe they lead still fire it once.
	IsLeader() bool
}

// ElectionNotifier is a Leader that also tells when this server is
// elected or stops being elected (storage.Leader does): the scheduler
// then fires the ticks that came due at once, instead of at its next
// look.
type ElectionNotifier interface {
	// Elected sends whether this server leads, at once and at every
	// change, until ctx ends.
	Elected(ctx context.Context) <-chan bool
}

// SoleServer is the Leader of a database only this server uses.
type SoleServer struct{}

// IsLeader is always true.
func (SoleServer) IsLeader() bool { return true }
