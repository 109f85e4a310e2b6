package triggers

import "github.com/hookflow/hookflow/engine"

// maxTrackedCollections bounds the collections whose last write the cache
// remembers by name. Past it the names are forgotten at once and every
// cached answer computed before is dropped: correct, only less effective,
// and reached only by writing that many distinct collections.
const maxTrackedCollections = 16384

// changeLog numbers the changes that can alter a cached answer — item
// writes per collection, changes of users, roles and permissions — in
// one sequence, and remembers for each collection the number of its last
// write. An answer computed when the sequence stood at v is still valid
// while no change its plan depends on is numbered above v.
//
// Collections are told apart by name, never by hash: two collections can
// never share a counter, so a write to one never drops the answers that
// read only the other.
type changeLog struct {
	seq       uint64            // changes numbered so far
	written   map[string]uint64 // collection → number of its last write
	anyWrite  uint64            // number of the last write to any collection
	access    uint64            // number of the last change of users, roles or permissions
	forgotten uint64            // when written was last emptied: the writes it held are at most this
}

func newChangeLog() changeLog {
	return changeLog{written: map[string]uint64{}}
}

// collectionWritten numbers a write to collection.
func (l *changeLog) collectionWritten(collection string) {
	l.seq++
	if _, known := l.written[collection]; !known && len(l.written) >= maxTrackedCollections {
		clear(l.written)
		l.forgotten = l.seq
	}
	l.written[collection] = l.seq
	l.anyWrite = l.seq
}

// accessChanged numbers a change of users, roles or permissions.
func (l *changeLog) accessChanged() {
	l.seq++
	l.access = l.seq
}

// everything numbers a change that every cached answer may depend on.
func (l *changeLog) everything() {
	l.seq++
	l.forgotten = l.seq
}

// lastChange is the number of the last change that may alter what p
// answers: a write to a collection it reads (to any, when its collections
// are known only at run time) or a change of access.
func (l *changeLog) lastChange(p *engine.Plan) uint64 {
	last := max(l.access, l.forgotten)
	names, anyCollection := p.ReadCollections()
	if anyCollection {
		return max(last, l.anyWrite)
	}
	for _, n := range names {
		last = max(last, l.written[n])
	}
	return last
}
