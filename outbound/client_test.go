package outbound

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// only127001 allows the address httptest servers listen on and nothing
// else of the loopback range.
var only127001 = Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}

func get(t *testing.T, c *http.Client, url string) (*http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return resp, err
}

func okServer(t *testing.T, hits *atomic.Int32) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits != nil {
			hits.Add(1)
		}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestClientRefusesLoopbackByDefault(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	ts := okServer(t, &hits)
	port := ts.URL[strings.LastIndex(ts.URL, ":"):]
	c := NewClient(Policy{AnyPort: true}, 5)
	for _, url := range []string{ts.URL, "http://localhost" + port} {
		if _, err := get(t, c, url); !IsBlocked(err) {
			t.Errorf("%s: got %v, want a blocked connection", url, err)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("the upstream was reached %d times", hits.Load())
	}
}

func TestClientReachesAllowedRangeOnAnyPort(t *testing.T) {
	t.Parallel()
	ts := okServer(t, nil)
	resp, err := get(t, NewClient(only127001, 5), ts.URL)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("got %v %v", resp, err)
	}
}

func TestClientChecksEveryRedirectHop(t *testing.T) {
	t.Parallel()
	var hidden atomic.Int32
	// The second upstream listens on 127.0.0.2, outside the allowed /32.
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	internal := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hidden.Add(1)
	}))
	internal.Listener.Close()
	internal.Listener = ln
	internal.Start()
	t.Cleanup(internal.Close)
	front := httptest.NewServer(http.RedirectHandler(internal.URL+"/secret", http.StatusFound))
	t.Cleanup(front.Close)

	_, err = get(t, NewClient(only127001, 5), front.URL)
	if !IsBlocked(err) {
		t.Fatalf("got %v, want the redirect target refused", err)
	}
	if hidden.Load() != 0 {
		t.Fatal("the refused redirect target was reached")
	}
}

func TestClientRedirectLimit(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	var loop *httptest.Server
	loop = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, loop.URL+"/again", http.StatusFound)
	}))
	t.Cleanup(loop.Close)

	_, err := get(t, NewClient(only127001, 5), loop.URL)
	if !errors.Is(err, ErrTooManyRedirects) {
		t.Fatalf("got %v, want ErrTooManyRedirects", err)
	}
	if n := hits.Load(); n != 6 {
		t.Fatalf("upstream saw %d requests, want 6 (the first and 5 redirects)", n)
	}

	hits.Store(0)
	resp, err := get(t, NewClient(only127001, 0), loop.URL)
	if err != nil || resp.StatusCode != http.StatusFound || hits.Load() != 1 {
		t.Fatalf("without redirects: got %v %v after %d requests", resp, err, hits.Load())
	}
}
