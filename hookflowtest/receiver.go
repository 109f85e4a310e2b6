package hookflowtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Receiver is a webhook endpoint on 127.0.0.1 that records every request
// and answers what the test tells it to.
type Receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []Received
	arrived chan struct{}
	// answer decides each response from the request's number (from 1);
	// nil answers 200.
	answer func(n int, r *http.Request) (status int, header http.Header)
}

// Received is one recorded request.
type Received struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	At     time.Time
}

// NewReceiver starts a receiver, closed when the test ends.
func NewReceiver(t testing.TB) *Receiver {
	t.Helper()
	rc := &Receiver{arrived: make(chan struct{}, 1)}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *Receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.got = append(rc.got, Received{
		Method: r.Method,
		Path:   r.URL.Path,
		Header: r.Header.Clone(),
		Body:   body,
		At:     time.Now(),
	})
	n, answer := len(rc.got), rc.answer
	rc.mu.Unlock()
	select {
	case rc.arrived <- struct{}{}:
	default:
	}
	status := http.StatusOK
	if answer != nil {
		var h http.Header
		status, h = answer(n, r)
		for k, v := range h {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"received": true}`)
}

// SetAnswer replaces the answer function.
func (rc *Receiver) SetAnswer(f func(n int, r *http.Request) (int, http.Header)) {
	rc.mu.Lock()
	rc.answer = f
	rc.mu.Unlock()
}

// Requests returns what arrived so far.
func (rc *Receiver) Requests() []Received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Received(nil), rc.got...)
}

// Wait returns once n requests arrived, failing the test after 10 s.
func (rc *Receiver) Wait(t testing.TB, n int) []Received {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if got := rc.Requests(); len(got) >= n {
			return got
		}
		select {
		case <-rc.arrived:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("%d requests arrived, want %d", len(rc.Requests()), n)
		}
	}
}

// Quiet checks that no more than n requests arrived after a short wait.
func (rc *Receiver) Quiet(t testing.TB, n int) {
	t.Helper()
	time.Sleep(150 * time.Millisecond)
	if got := len(rc.Requests()); got != n {
		t.Fatalf("%d requests arrived, want %d", got, n)
	}
}
