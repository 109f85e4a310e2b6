package triggers

// Leader says whether this server is the one that does the work that must
// happen once however many servers share the database: firing schedules.
// With SQLite a database has one server (its file is locked), which is
// always the leader (SoleServer). Servers sharing a PostgreSQL database
// elect one; their elector implements Leader and is passed to the
// scheduler instead (hookflow.Config.Leader).
type Leader interface {
	// IsLeader reports whether this server leads now. The scheduler asks
	// before every tick it fires; a tick is claimed in the database as
	// well, so two servers that both believe they lead still fire it once.
	IsLeader() bool
}

// SoleServer is the Leader of a database only this server uses.
type SoleServer struct{}

// IsLeader is always true.
func (SoleServer) IsLeader() bool { return true }
