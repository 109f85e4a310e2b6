package api

import (
	"testing"
	"time"
)

func TestWindowLimiter(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newWindowLimiter(3, 3*time.Second, func() time.Time { return now })
	for want := 2; want >= 0; want-- {
		if remaining, wait := l.take("u1"); remaining != want || wait != 0 {
			t.Fatalf("remaining %d (wait %s), want %d", remaining, wait, want)
		}
	}
	now = now.Add(time.Second)
	if remaining, wait := l.take("u1"); remaining != 0 || wait != 2*time.Second {
		t.Fatalf("over the limit: remaining %d, wait %s", remaining, wait)
	}
	if remaining, _ := l.take("u2"); remaining != 2 {
		t.Fatal("callers share a window")
	}
	now = now.Add(2 * time.Second)
	if remaining, wait := l.take("u1"); remaining != 2 || wait != 0 {
		t.Fatalf("next window: remaining %d, wait %s", remaining, wait)
	}
}
