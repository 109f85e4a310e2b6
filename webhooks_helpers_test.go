package hookflow_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/webhooks"
)

// receiver is a webhook endpoint on 127.0.0.1 that records every request
// and answers what the test tells it to.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []received
	arrived chan struct{}
	// answer decides each response from the request's number (from 1);
	// nil answers 200.
	answer func(n int, r *http.Request) (status int, header http.Header)
}

// received is one recorded request.
type received struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	At     time.Time
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{arrived: make(chan struct{}, 1)}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.got = append(rc.got, received{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body, At: time.Now()})
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

// setAnswer replaces the answer function.
func (rc *receiver) setAnswer(f func(n int, r *http.Request) (int, http.Header)) {
	rc.mu.Lock()
	rc.answer = f
	rc.mu.Unlock()
}

// requests returns what arrived so far.
func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// wait returns once n requests arrived, failing the test after 10 s.
func (rc *receiver) wait(t *testing.T, n int) []received {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if got := rc.requests(); len(got) >= n {
			return got
		}
		select {
		case <-rc.arrived:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("%d requests arrived, want %d", len(rc.requests()), n)
		}
	}
}

// quiet checks that no more than n requests arrived after a short wait.
func (rc *receiver) quiet(t *testing.T, n int) {
	t.Helper()
	time.Sleep(150 * time.Millisecond)
	if got := len(rc.requests()); got != n {
		t.Fatalf("%d requests arrived, want %d", got, n)
	}
}

// verifyStandardWebhook is the Standard Webhooks check as a receiver
// would write it from the specification, independent of hookflow's
// signing code: the signed content is "id.timestamp.body", the key the
// base64 part of the secret after "whsec_", the header a space-separated
// list of "v1,<base64 HMAC-SHA256>", and timestamps older or newer than 5
// minutes are refused.
func verifyStandardWebhook(secret string, h http.Header, body []byte, now time.Time) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return errors.New("missing webhook-id, webhook-timestamp or webhook-signature")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("bad timestamp %q", ts)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("timestamp %s is %s away from now", ts, d)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := mac.Sum(nil)
	for _, sig := range strings.Fields(sigs) {
		version, value, _ := strings.Cut(sig, ",")
		got, err := base64.StdEncoding.DecodeString(value)
		if version == "v1" && err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return errors.New("no signature matches")
}

// verifySeedSignature is seed 004's verification, translated: hex
// HMAC-SHA256 of the body keyed with the secret string, compared in
// constant time.
func verifySeedSignature(secret, signature string, body []byte) bool {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	expected := hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(signature), []byte(expected))
}

// fakeClock is a webhooks.Clock that moves only when told.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at    time.Time
	c     chan time.Time
	clock *fakeClock
	done  bool
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) TimerAt(at time.Time) webhooks.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: at, c: make(chan time.Time, 1), clock: c}
	if !at.After(c.now) {
		t.done = true
		t.c <- c.now
	} else {
		c.timers = append(c.timers, t)
	}
	return t
}

// Advance moves the clock and fires the timers that are due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.timers[:0]
	for _, t := range c.timers {
		if !t.done && !t.at.After(c.now) {
			t.done = true
			t.c <- c.now
		} else if !t.done {
			kept = append(kept, t)
		}
	}
	c.timers = kept
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := !t.done
	t.done = true
	return was
}

// withFakeClock runs a server's webhooks on clock, without jitter.
func withFakeClock(clock *fakeClock) func(*hookflow.Config) {
	return func(c *hookflow.Config) {
		c.Webhooks.Clock = clock
		c.Webhooks.Jitter = -1
	}
}

// checkSubset is check that lets objects in the body hold keys want does
// not name (answers carry more fields than the seeds' examples).
func checkSubset(t *testing.T, resp *hookflowtest.Response, status int, want string) {
	t.Helper()
	checkWith(t, resp, status, want, subsetJSON)
}

// createWebhook creates a webhook through the Directus dialect and returns
// its document (with the secret in full).
func createWebhook(t *testing.T, srv *hookflowtest.Server, doc map[string]any) map[string]any {
	t.Helper()
	resp := srv.Do(t, "POST", "/webhooks", doc)
	if resp.Status != http.StatusOK {
		t.Fatalf("create webhook: %d %s", resp.Status, resp.Body)
	}
	return resp.Data(t).(map[string]any)
}

// webhookPath is the path of a webhook document's resource.
func webhookPath(doc map[string]any, suffix string) string {
	return fmt.Sprintf("/webhooks/%v%s", doc["id"], suffix)
}

// waitDeliveries polls a webhook's delivery log until check accepts it.
func waitDeliveries(t *testing.T, srv *hookflowtest.Server, hook map[string]any, check func([]any) bool) []any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp := srv.Do(t, "GET", webhookPath(hook, "/deliveries"), nil)
		list, _ := resp.JSON(t)["data"].([]any)
		if check(list) {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery log never matched: %s", resp.Body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
