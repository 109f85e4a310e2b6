package storage

import (
	"context"
	"database/sql"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookflow/hookflow/internal/testdb"
)

// TestSQLiteServerIsAlwaysElected: a SQLite database has one server.
func TestSQLiteServerIsAlwaysElected(t *testing.T) {
	t.Parallel()
	testdb.SkipOnPostgres(t, "the single server of a SQLite file")
	s := openTestStore(t)
	if !s.Leader().IsLeader() {
		t.Fatal("not elected")
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch := s.Leader().Elected(ctx)
	if !<-ch {
		t.Fatal("Elected said false")
	}
	select {
	case v, ok := <-ch:
		t.Fatalf("Elected sent %v %v before ctx ended", v, ok)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	if _, ok := <-ch; ok {
		t.Fatal("channel still open after ctx ended")
	}
}

// TestOneServerIsElectedAndAnotherTakesOver: of servers sharing a
// PostgreSQL database exactly one is elected; when it dies (its
// connections fail, so it renews nothing), another is elected within the
// lease, and at no moment are two elected. One that stops cleanly gives
// its lease up, for the next to take at its next try.
func TestOneServerIsElectedAndAnotherTakesOver(t *testing.T) {
	t.Parallel()
	testdb.RequirePostgres(t, "servers sharing a PostgreSQL database")
	cfg := testConfig(t)
	// Long enough that the takeover's bound holds on a loaded machine.
	const lease = 1500 * time.Millisecond
	open := func(name string) (*Leader, *sql.DB) {
		db, err := sql.Open("pgx", cfg.ConnectionString)
		if err != nil {
			t.Fatal(err)
		}
		if err := migrate(context.Background(), db, DialectPostgres, slog.Default()); err != nil {
			t.Fatal(err)
		}
		l := newLeader(db, name, lease, slog.Default(), rebindDollar)
		t.Cleanup(func() { l.close(); _ = db.Close() })
		return l, db
	}
	checkDB, err := sql.Open("pgx", cfg.ConnectionString)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = checkDB.Close() })
	a, _ := open("a")
	b, _ := open("b")
	c, _ := open("c")
	all := []*Leader{a, b, c}
	servers := all

	var both atomic.Int32
	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			n := int32(0)
			for _, l := range all {
				if l.IsLeader() {
					n++
				}
			}
			if n > 1 {
				both.Add(1)
			}
		}
	}()
	elected := func() *Leader {
		deadline := time.Now().Add(2 * lease)
		for time.Now().Before(deadline) {
			for _, l := range servers {
				if l.IsLeader() {
					return l
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatal("nobody elected within two leases")
		return nil
	}
	first := elected()
	// The first one elected dies: its connections fail from now on.
	_ = first.db.Close()
	died := time.Now()
	servers = remove(servers, first)
	next := elected()
	if took := time.Since(died); took > lease+2*lease/3 {
		t.Errorf("took over after %s; the lease is %s", took, lease)
	}
	// A clean stop gives the lease up (another takes it at its next try,
	// not once it expired).
	next.close()
	var held int
	if err := checkDB.QueryRow(`SELECT count(*) FROM hf_leases WHERE owner = $1`, next.owner).Scan(&held); err != nil || held != 0 {
		t.Fatalf("after a clean stop the lease is still held (%d rows, %v)", held, err)
	}
	servers = remove(servers, next)
	elected()
	close(stop)
	<-watched
	if n := both.Load(); n > 0 {
		t.Fatalf("two servers were elected at once in %d samples", n)
	}
}

func remove(ls []*Leader, l *Leader) []*Leader {
	out := ls[:0:0]
	for _, x := range ls {
		if x != l {
			out = append(out, x)
		}
	}
	return out
}
