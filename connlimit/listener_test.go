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
	l := New(inner, Config{Max: 2, Reserve: 1, OverflowTimeout: 300 * time.Millisecond})
	defer l.Close()
	clients := dialN(t, l, 4)
	var accepted []net.Conn
	for range 3 {
		c, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		accepted = append(accepted, c)
	}
	for i, c := range accepted {
		over := OverCapacity(l.ConnContext(context.Background(), c))
		if over != (i == 2) {
			t.Fatalf("connection %d over capacity: %v", i, over)
		}
	}
	if l.Open() != 3 {
		t.Fatalf("%d open", l.Open())
	}
	// The fourth is past Max+Reserve: closed as soon as it is accepted,
	// while Accept waits for the next one.
	next := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		next <- c
	}()
	_ = clients[3].SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := clients[3].Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("the connection past the reserve: %v, want it closed", err)
	}
	if l.Refused() != 1 {
		t.Fatalf("%d refused", l.Refused())
	}
	// Closing a normal connection frees its slot, once.
	accepted[0].Close()
	accepted[0].Close()
	if l.Open() != 2 {
		t.Fatalf("%d open after a close", l.Open())
	}
	dialN(t, l, 1)
	c := <-next
	if OverCapacity(l.ConnContext(context.Background(), c)) {
		t.Fatal("a freed slot serves normally")
	}
	// An over-capacity connection keeps its deadline, whatever is asked.
	over := accepted[2]
	_ = over.SetReadDeadline(time.Time{})
	_ = over.SetDeadline(time.Now().Add(time.Hour))
	start := time.Now()
	if _, err := over.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read on an over-capacity connection: %v", err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Fatalf("the over-capacity connection lived %v past its deadline", waited)
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
