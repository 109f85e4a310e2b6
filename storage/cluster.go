package storage

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// Topic names a kind of state that servers keep in memory, derived from
// the database, and that another server sharing the database may change.
type Topic string

// The topics servers hear of.
const (
	// TopicFlows: a flow or its operations changed; the key is the flow's
	// id.
	TopicFlows Topic = "flows"
	// TopicAccess: users, roles or permissions changed; no key.
	TopicAccess Topic = "access"
	// TopicWebhooks: a webhook subscription changed (not its delivery
	// bookkeeping); the key is its id.
	TopicWebhooks Topic = "webhooks"
	// TopicItems: items of a collection were written, the collection
	// changed or was deleted; the key is the collection's name.
	TopicItems Topic = "items"
)

// versionedTopics are the topics whose changes the database counts
// (hf_versions), so that a server that missed a notification notices.
// Item writes are not counted: a missed one costs a cached answer its
// validity, which the reconnection that any miss comes with clears.
var versionedTopics = []Topic{TopicFlows, TopicAccess, TopicWebhooks}

// WatchFunc hears of one change: key names what changed (a flow id, a
// webhook id, a collection), or is "" when anything of the topic may have
// changed and everything must be read again.
type WatchFunc func(ctx context.Context, key string)

// change is one change to hand to the watchers.
type change struct {
	topic Topic
	key   string
}

// changeFeed hands the changes other servers make to the watchers of this
// one: the cluster notifications. On SQLite, whose database one server
// owns, nothing ever arrives. On PostgreSQL the listener
// (cluster_postgres.go) feeds it. Watchers run one at a time on the
// feed's goroutine, in the order changes arrive, so a slow one delays the
// next but never loses it.
type changeFeed struct {
	mu       sync.Mutex
	watchers map[Topic][]WatchFunc
	// missed holds topics that changed before anyone watched them: their
	// first watcher is told that everything may have changed.
	missed map[Topic]bool
	in     chan []change
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

// feedBuffer bounds the batches of changes waiting for the watchers; past
// it the listener waits (notifications queue up in PostgreSQL meanwhile).
const feedBuffer = 256

func newChangeFeed() *changeFeed {
	ctx, cancel := context.WithCancel(context.Background())
	f := &changeFeed{
		watchers: map[Topic][]WatchFunc{},
		missed:   map[Topic]bool{},
		in:       make(chan []change, feedBuffer),
		ctx:      ctx,
		cancel:   cancel,
		done:     make(chan struct{}),
	}
	go f.loop()
	return f
}

// watch adds a watcher of topic.
func (f *changeFeed) watch(topic Topic, fn WatchFunc) {
	f.mu.Lock()
	f.watchers[topic] = append(f.watchers[topic], fn)
	missed := f.missed[topic]
	delete(f.missed, topic)
	f.mu.Unlock()
	if missed {
		f.send([]change{{topic: topic}})
	}
}

// send queues changes for the watchers, waiting while the buffer is full.
func (f *changeFeed) send(cs []change) {
	if len(cs) == 0 {
		return
	}
	select {
	case f.in <- cs:
	case <-f.ctx.Done():
	}
}

// loop calls the watchers until close.
func (f *changeFeed) loop() {
	defer close(f.done)
	for {
		select {
		case <-f.ctx.Done():
			return
		case cs := <-f.in:
			for _, c := range cs {
				f.mu.Lock()
				ws := f.watchers[c.topic]
				if len(ws) == 0 {
					f.missed[c.topic] = true
				}
				f.mu.Unlock()
				for _, fn := range ws {
					fn(f.ctx, c.key)
				}
			}
		}
	}
}

// close stops the feed; a watcher in progress sees its context cancelled.
func (f *changeFeed) close() {
	f.cancel()
	<-f.done
}

// dedupe drops repeated changes, keeping the first of each, and lets a
// change of the whole topic ("" key) stand for the others of its topic.
func dedupe(cs []change) []change {
	whole := map[Topic]bool{}
	for _, c := range cs {
		if c.key == "" {
			whole[c.topic] = true
		}
	}
	seen := make(map[change]bool, len(cs))
	out := cs[:0]
	for _, c := range cs {
		if whole[c.topic] {
			c.key = ""
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// Watch calls fn for every change that another server sharing the database
// makes to topic, so that what this server keeps in memory (compiled
// flows, cached answers, permissions, subscriptions) follows. A change
// made through this store is not reported: its callers update their own
// state. Changes made after the store opened and before a topic's first
// watcher are reported to that watcher as one change of the whole topic,
// so a watcher added after its state was first read misses nothing. On
// SQLite, one server's alone, fn is never called.
func (s *Store) Watch(topic Topic, fn WatchFunc) {
	if s.feed != nil {
		s.feed.watch(topic, fn)
	}
}

// Instance names this store among the servers sharing its database: in
// leases, in the elected server's record and in change notifications.
func (s *Store) Instance() string { return s.instance }

// newInstanceName names a store: the machine, the process and a random
// part, so that a log line naming another server's lease says which one.
func newInstanceName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "hookflow"
	}
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), uuid.NewString()[:8])
}

// announcer is how the item writer tells other servers which collections
// a batch changed (nil when no other server shares the database).
func (s *Store) announcer() func(tx *gorm.DB, collections []string) error {
	if s.kind != DialectPostgres {
		return nil
	}
	return func(tx *gorm.DB, collections []string) error {
		return announceItems(tx, s.channel, s.instance, collections)
	}
}
