package webhooks

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/outbound"
	"github.com/hookflow/hookflow/storage"
)

// fixedClock is a clock that does not move.
type fixedClock struct{ now time.Time }

func (c fixedClock) Now() time.Time             { return c.now }
func (c fixedClock) TimerAt(at time.Time) Timer { return SystemClock{}.TimerAt(at) }

func TestOutcome(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := New(Config{Clock: fixedClock{now}, Jitter: -1})
	en := &entry{schedule: []time.Duration{5 * time.Second, 5 * time.Minute}}
	tests := []struct {
		name       string
		attempts   int // made before this one
		status     int
		class      string
		retryAfter time.Duration
		want       string
		next       time.Duration
	}{
		{"2xx", 0, 200, "", 0, storage.DeliverySucceeded, 0},
		{"first failure", 0, 500, ClassStatus, 0, storage.DeliveryPending, 5 * time.Second},
		{"second failure", 1, 0, ClassTimeout, 0, storage.DeliveryPending, 5 * time.Minute},
		{"schedule exhausted", 2, 503, ClassStatus, 0, storage.DeliveryFailed, 0},
		{"410 Gone", 0, 410, ClassStatus, 0, storage.DeliveryFailed, 0},
		{"Retry-After later than the schedule", 0, 429, ClassStatus, 2 * time.Minute, storage.DeliveryPending, 2 * time.Minute},
		{"Retry-After sooner than the schedule", 1, 429, ClassStatus, time.Second, storage.DeliveryPending, 5 * time.Minute},
		{"Retry-After bounded", 0, 503, ClassStatus, 1000 * time.Hour, storage.DeliveryPending, 24 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &attemptResult{attempt: &storage.Attempt{ResponseStatus: tc.status, ErrorClass: tc.class}, retryAfter: tc.retryAfter}
			o := svc.outcome(en, &storage.Delivery{ID: 7, Attempts: tc.attempts}, r)
			if o.Status != tc.want || o.Attempt.Number != tc.attempts+1 || o.Attempt.DeliveryID != 7 {
				t.Fatalf("outcome %+v", o)
			}
			var next int64
			if tc.next > 0 {
				next = now.Add(tc.next).UnixMilli()
			}
			if o.NextAttemptAt != next {
				t.Fatalf("next attempt at %d, want %d", o.NextAttemptAt, next)
			}
		})
	}
}

func TestJitterStaysWithinTwentyPercent(t *testing.T) {
	t.Parallel()
	for _, r := range []float64{0, 0.25, 0.5, 0.999} {
		svc := New(Config{Random: func() float64 { return r }})
		d := svc.jitter(time.Hour)
		if d < 48*time.Minute || d > 72*time.Minute {
			t.Errorf("random %v: %s", r, d)
		}
	}
	if d := New(Config{Random: func() float64 { return 0 }}).jitter(time.Hour); d != 48*time.Minute {
		t.Errorf("lowest jitter %s", d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := map[string]time.Duration{
		"":                              0,
		"120":                           2 * time.Minute,
		" 7 ":                           7 * time.Second,
		"0":                             0,
		"-5":                            0,
		"soon":                          0,
		"Tue, 01 Jan 2030 00:10:00 GMT": 10 * time.Minute,
		"Mon, 31 Dec 2029 23:00:00 GMT": 0,
	}
	for v, want := range tests {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("Retry-After %q = %s, want %s", v, got, want)
		}
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tlsServer := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tlsServer.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	tlsServer.StartTLS()
	defer tlsServer.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + closed.Addr().String()
	closed.Close()
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hanging.Close()
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer plain.Close()

	allow := outbound.NewClient(outbound.Policy{AnyPort: true, Allow: loopback()}, 0)
	tests := []struct {
		name   string
		client *http.Client
		url    string
		want   string
	}{
		{"blocked", outbound.NewClient(outbound.Policy{AnyPort: true}, 0), tlsServer.URL, ClassBlocked},
		{"tls", allow, tlsServer.URL, ClassTLS},
		{"https to a plain HTTP server", allow, "https://" + strings.TrimPrefix(plain.URL, "http://"), ClassTLS},
		{"connect", allow, refused, ClassConnect},
		{"timeout", allow, hanging.URL, ClassTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Only the hanging receiver needs a short deadline; the others
			// fail by themselves, and a slow handshake on a loaded machine
			// must not turn into a timeout.
			deadline := 10 * time.Second
			if tc.want == ClassTimeout {
				deadline = 300 * time.Millisecond
			}
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, tc.url, nil)
			resp, err := tc.client.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatal("the request succeeded")
			}
			if got := classify(ctx, err); got != tc.want {
				t.Fatalf("classify(%v) = %s, want %s", err, got, tc.want)
			}
		})
	}
	// A failed lookup, built rather than provoked: tests use no network.
	dnsErr := &url.Error{Op: "Post", URL: "http://x.invalid", Err: &net.OpError{
		Op: "dial", Net: "tcp",
		Err: &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true},
	}}
	if got := classify(context.Background(), dnsErr); got != ClassDNS {
		t.Fatalf("lookup error: %s", got)
	}
	if got := classify(context.Background(), tls.RecordHeaderError{Msg: "x"}); got != ClassTLS {
		t.Fatalf("record header error: %s", got)
	}
	if got := classify(context.Background(), errors.New("boom")); got != ClassConnect {
		t.Fatalf("other error: %s", got)
	}
}

func loopback() []netip.Prefix { return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} }
