package connlimit

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// dialN opens n client connections to l's address.
func dialN(t *testing.T, l net.Listener, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, n)
	for i := range conns {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		conns[i] = c
	}
	return conns
}

func TestListenerCapsConnections(t *testing.T) {
	t.Parallel()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := New(inner, Config{Max: 2, Reserve: 2, OverflowTimeout: 300 * time.Millisecond})
	defer l.Close()
	clients := dialN(t, l, 5)
	var accepted []net.Conn
	for range 5 {
		c, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		accepted = append(accepted, c)
	}
	for i, c := range accepted {
		over := OverCapacity(l.ConnContext(context.Background(), c))
		if over != (i >= 2) {
			t.Fatalf("connection %d over capacity: %v", i, over)
		}
	}
	// The fifth pushed out the oldest over-capacity connection, the third.
	if l.Open() != 4 || l.PushedOut() != 1 {
		t.Fatalf("%d open, %d pushed out", l.Open(), l.PushedOut())
	}
	_ = clients[2].SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := clients[2].Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("the oldest over-capacity connection: %v, want it closed", err)
	}
	// Closing frees a slot, once; a freed normal slot serves normally even
	// while over-capacity connections are open.
	accepted[0].Close()
	accepted[0].Close()
	accepted[2].Close() // closed already when pushed out
	if l.Open() != 3 {
		t.Fatalf("%d open after closes", l.Open())
	}
	dialN(t, l, 1)
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if OverCapacity(l.ConnContext(context.Background(), c)) {
		t.Fatal("a freed slot serves normally")
	}
	// An over-capacity connection keeps its deadline, whatever is asked.
	over := accepted[4]
	_ = over.SetReadDeadline(time.Time{})
	_ = over.SetDeadline(time.Now().Add(time.Hour))
	start := time.Now()
	if _, err := over.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read on an over-capacity connection: %v", err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Fatalf("the over-capacity connection lived %v past its deadline", waited)
	}
	// One that closes on its own leaves the reserve.
	accepted[3].Close()
	over.Close()
	if l.Open() != 2 || len(l.reserved) != 0 {
		t.Fatalf("%d open, %d reserved", l.Open(), len(l.reserved))
	}
	// A normal connection takes the deadlines it is given.
	_ = accepted[1].SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := accepted[1].Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read on a normal connection: %v", err)
	}
}

func TestMaxWithin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		limit uint64
		want  int
	}{
		{1024, 1024 - 256 - 64},
		{20000, 20000 - 1024 - 64},
		{1 << 20, 1<<20 - 1024 - 64},
		{100, 100 - 25 - 64},
		{60, 0},
	} {
		if got := MaxWithin(tc.limit, 64); got != tc.want {
			t.Errorf("MaxWithin(%d) = %d, want %d", tc.limit, got, tc.want)
		}
	}
	if MaxWithin(0, 64) < 1<<30 {
		t.Error("an unknown limit bounds nothing")
	}
}
