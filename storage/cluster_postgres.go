package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"gorm.io/gorm"
)

// DefaultChangeCheck is how often a server compares the database's change
// counts (hf_versions) with the notifications it heard, when
// Config.ChangeCheck is zero.
const DefaultChangeCheck = 5 * time.Second

// instanceSetting is the connection setting that names the server in the
// notifications its writes cause (hf_changed, migration 00005).
const instanceSetting = "hookflow.instance"

// maxNotifyPayload keeps a notification below PostgreSQL's 8000 bytes:
// an item write naming more collections than fit announces a change of all.
const maxNotifyPayload = 7000

// notice is a notification as hf_changed (and announceItems) spell it.
type notice struct {
	Topic    Topic    `json:"t"`
	Key      string   `json:"k"`
	Keys     []string `json:"ks"`
	Version  int64    `json:"v"`
	Instance string   `json:"o"`
}

// changeListener keeps a connection of its own LISTENing on the channel
// of the store's schema, and hands what other servers announce there to
// the feed. Every check interval it reads the database's change counts on
// the same connection: a count that its notifications have not explained
// by the next check is a missed notification, and the topic is read again
// whole; a connection that fails is opened again, after which every topic
// is (notifications sent meanwhile are lost).
type changeListener struct {
	cfg      *pgx.ConnConfig
	channel  string
	instance string
	feed     *changeFeed
	logger   *slog.Logger
	check    time.Duration
	// seen is the newest count each topic's notifications carried;
	// behind the count a check found ahead of seen, to be explained by
	// the next check.
	seen   map[Topic]int64
	behind map[Topic]int64
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

// startChangeListener connects and listens, or fails.
func startChangeListener(ctx context.Context, cfg *pgx.ConnConfig, schema, instance string, feed *changeFeed,
	logger *slog.Logger, check time.Duration,
) (*changeListener, error) {
	lcfg := cfg.Copy()
	// Waiting for a notification ends by deadline, which leaves the
	// connection usable (the pool's handler would cancel on the server).
	lcfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.DeadlineContextWatcherHandler{Conn: c.Conn()}
	}
	delete(lcfg.RuntimeParams, "statement_timeout")
	lcfg.RuntimeParams["application_name"] = listenerName(instance)
	if check <= 0 {
		check = DefaultChangeCheck
	}
	lctx, cancel := context.WithCancel(context.Background())
	l := &changeListener{
		cfg:      lcfg,
		channel:  "hookflow:" + schema,
		instance: instance,
		feed:     feed,
		logger:   logger,
		check:    check,
		seen:     map[Topic]int64{},
		behind:   map[Topic]int64{},
		ctx:      lctx,
		cancel:   cancel,
		done:     make(chan struct{}),
	}
	conn, err := l.connect(ctx)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("listen for changes: %w", err)
	}
	go l.run(conn)
	return l, nil
}

// listenerName is the application_name of a server's listening
// connection, which tells it apart in pg_stat_activity: "hookflow
// listener" and the random part of the server's name.
func listenerName(instance string) string {
	return "hookflow listener " + instance[strings.LastIndexByte(instance, '/')+1:]
}

// connect opens the connection, listens, and takes the change counts as
// they stand: what changes after is notified.
func (l *changeListener) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{l.channel}.Sanitize()); err != nil {
		_ = conn.Close(ctx)
		return nil, err
	}
	counts, err := readVersions(ctx, conn)
	if err != nil {
		_ = conn.Close(ctx)
		return nil, err
	}
	for t, v := range counts {
		l.seen[t] = v
	}
	clear(l.behind)
	return conn, nil
}

// readVersions reads the change counts.
func readVersions(ctx context.Context, conn *pgx.Conn) (map[Topic]int64, error) {
	rows, err := conn.Query(ctx, "SELECT topic, version FROM hf_versions")
	if err != nil {
		return nil, err
	}
	out := map[Topic]int64{}
	for rows.Next() {
		var t string
		var v int64
		if err := rows.Scan(&t, &v); err != nil {
			rows.Close()
			return nil, err
		}
		out[Topic(t)] = v
	}
	return out, rows.Err()
}

// run listens until close, reconnecting when the connection fails.
func (l *changeListener) run(conn *pgx.Conn) {
	defer close(l.done)
	nextCheck := time.Now().Add(l.check)
	for {
		if conn == nil {
			if conn = l.reconnect(); conn == nil {
				return
			}
			l.everything()
			nextCheck = time.Now().Add(l.check)
		}
		ctx, cancel := context.WithDeadline(l.ctx, nextCheck)
		n, err := conn.WaitForNotification(ctx)
		cancel()
		switch {
		case l.ctx.Err() != nil:
			_ = conn.Close(context.Background())
			return
		case err == nil:
			batch := l.take(nil, n)
			batch, err = l.drain(conn, batch)
			l.feed.send(dedupe(batch))
		case pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded):
			err = l.compare(conn)
			nextCheck = time.Now().Add(l.check)
		}
		if err != nil && l.ctx.Err() == nil {
			l.logger.Warn("listening for changes of other servers failed; connecting again", "error", err)
			_ = conn.Close(context.Background())
			conn = nil
		}
	}
}

// drain takes the notifications that arrived together with the first, so
// that one transaction's many rows (a flow's operations) cost one reload.
func (l *changeListener) drain(conn *pgx.Conn, batch []change) ([]change, error) {
	for {
		ctx, cancel := context.WithTimeout(l.ctx, time.Millisecond)
		n, err := conn.WaitForNotification(ctx)
		cancel()
		if err != nil {
			if pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded) {
				return batch, nil
			}
			return batch, err
		}
		batch = l.take(batch, n)
	}
}

// take adds a notification's changes to batch, unless this server made
// them; either way the change count it carries is seen.
func (l *changeListener) take(batch []change, n *pgconn.Notification) []change {
	if n == nil {
		return batch
	}
	var m notice
	if err := json.Unmarshal([]byte(n.Payload), &m); err != nil || m.Topic == "" {
		l.logger.Warn("ignoring a change notification hookflow does not understand", "payload", n.Payload)
		return batch
	}
	if m.Version > l.seen[m.Topic] {
		l.seen[m.Topic] = m.Version
	}
	if m.Instance == l.instance {
		return batch
	}
	if m.Keys == nil {
		return append(batch, change{topic: m.Topic, key: m.Key})
	}
	for _, k := range m.Keys {
		batch = append(batch, change{topic: m.Topic, key: k})
	}
	return batch
}

// compare reads the change counts: a topic whose count was already ahead
// of its notifications at the last check, and still is, missed one.
func (l *changeListener) compare(conn *pgx.Conn) error {
	ctx, cancel := context.WithTimeout(l.ctx, l.check)
	defer cancel()
	counts, err := readVersions(ctx, conn)
	if err != nil {
		return err
	}
	var missed []change
	for t, v := range counts {
		if v <= l.seen[t] {
			delete(l.behind, t)
			continue
		}
		if was, ok := l.behind[t]; ok && l.seen[t] < was {
			l.logger.Warn("a change notification was missed; reading everything of its kind again", "topic", t)
			missed = append(missed, change{topic: t})
			l.seen[t] = v
			delete(l.behind, t)
			continue
		}
		l.behind[t] = v
	}
	l.feed.send(missed)
	return nil
}

// everything tells the watchers of every topic to read it all again.
func (l *changeListener) everything() {
	cs := make([]change, 0, len(versionedTopics)+1)
	for _, t := range versionedTopics {
		cs = append(cs, change{topic: t})
	}
	l.feed.send(append(cs, change{topic: TopicItems}))
}

// reconnect connects again, waiting longer after each failure (at most
// the check interval), until it succeeds or the listener closes.
func (l *changeListener) reconnect() *pgx.Conn {
	wait := 100 * time.Millisecond
	for {
		ctx, cancel := context.WithTimeout(l.ctx, 10*time.Second)
		conn, err := l.connect(ctx)
		cancel()
		if err == nil {
			l.logger.Info("listening for changes of other servers again")
			return conn
		}
		if l.ctx.Err() != nil {
			return nil
		}
		l.logger.Warn("connecting to listen for changes failed", "error", err, "retry_in", wait)
		select {
		case <-l.ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, l.check)
	}
}

// close stops listening.
func (l *changeListener) close() {
	if l == nil {
		return
	}
	l.cancel()
	<-l.done
}

// announceItems tells the other servers, at the commit of tx, that the
// items of collections changed.
func announceItems(tx *gorm.DB, channel, instance string, collections []string) error {
	payload, err := json.Marshal(notice{Topic: TopicItems, Keys: collections, Instance: instance})
	if err != nil {
		return err
	}
	if len(payload) > maxNotifyPayload {
		payload, _ = json.Marshal(notice{Topic: TopicItems, Instance: instance})
	}
	if err := tx.Exec("SELECT pg_notify(?, ?)", channel, string(payload)).Error; err != nil {
		return fmt.Errorf("announce item writes: %w", err)
	}
	return nil
}
