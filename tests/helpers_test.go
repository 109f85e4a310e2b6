package tests

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/storage"
)

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

// verifySeedSignature is the generic API's verification (docs/webhooks.md), translated: hex
// HMAC-SHA256 of the body keyed with the secret string, compared in
// constant time.
func verifySeedSignature(secret, signature string, body []byte) bool {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	expected := hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(signature), []byte(expected))
}

// newFakeClock is the webhooks' fake clock of the scenarios, at a fixed
// start.
func newFakeClock() *hookflowtest.Clock {
	return hookflowtest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
}

// withFakeClock runs a server's webhooks on clock, without jitter.
func withFakeClock(clock *hookflowtest.Clock) func(*hookflow.Config) {
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

// checkError fails the test unless resp is the error envelope with status
// and the error code code.
func checkError(t *testing.T, resp *hookflowtest.Response, status int, code string) {
	t.Helper()
	if resp.Status != status || resp.ErrorCode(t) != code {
		t.Fatalf("got %d %s, want %d %s", resp.Status, resp.Body, status, code)
	}
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

// serveAdmin sends a JSON request with the benchmarks' admin token
// straight to the server's handler.
func serveAdmin(srv http.Handler, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer bench")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

// processCPU is the CPU time (user + system) this process has used, in ns.
// Unlike wall time on a shared machine, other processes cannot inflate it.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// start starts the binary on 127.0.0.1:port with the admin token
// crash-admin and the given environment, and waits until it answers. Its
// output is discarded, or appended to s.log (logging at warn).
func (s *serverProcess) start(env ...string) {
	s.t.Helper()
	cmd := exec.Command(s.bin)
	level, out := "error", io.Writer(io.Discard)
	if s.log != "" {
		f, err := os.OpenFile(s.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			s.t.Fatal(err)
		}
		defer f.Close()
		level, out = "warn", f
	}
	cmd.Env = append(os.Environ(), "PORT="+s.port, "HOST=127.0.0.1", "ADMIN_TOKEN=crash-admin", "LOG_LEVEL="+level)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.Cmd = cmd
	waitReady(s.t, s.base)
}

// serverProcess is the built binary serving on 127.0.0.1 (startServer),
// which the crash and shutdown scenarios stop and start again on the same
// port, environment and database.
type serverProcess struct {
	*exec.Cmd
	t    *testing.T
	bin  string
	port string
	env  []string
	base string // http://127.0.0.1:port
	log  string // the file its output goes to ("": none)
}

// runServer starts bin on a free port with env and kills it when the test
// ends.
func runServer(t *testing.T, bin string, env ...string) *serverProcess {
	t.Helper()
	return runServerLogged(t, bin, "", env...)
}

// runServerLogged is runServer with the server's output appended to the
// file log ("": discarded).
func runServerLogged(t *testing.T, bin, log string, env ...string) *serverProcess {
	t.Helper()
	s := &serverProcess{t: t, bin: bin, port: freePort(t), env: env, log: log}
	s.base = "http://127.0.0.1:" + s.port
	s.start(env...)
	t.Cleanup(func() { _ = s.Process.Kill(); _, _ = s.Process.Wait() })
	return s
}

// kill9 kills the process with SIGKILL, as a crash would, and waits until
// it is gone.
func (s *serverProcess) kill9() {
	s.t.Helper()
	if err := s.Process.Signal(syscall.SIGKILL); err != nil {
		s.t.Fatal(err)
	}
	_, _ = s.Process.Wait()
}

// restart starts the binary again once the process has exited; extra
// settings override the first start's.
func (s *serverProcess) restart(extra ...string) {
	s.t.Helper()
	s.start(append(slices.Clip(s.env), extra...)...)
}

// readStopped opens a stopped server's database, reads it with read and
// closes it again, so that the server can start on it once more.
func readStopped[T any](t *testing.T, cfg storage.Config, read func(*storage.Store, context.Context) (T, error)) T {
	t.Helper()
	store, err := storage.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	v, err := read(store, context.Background())
	_ = store.Close()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// idReceiver is the crash scenarios' webhook receiver: it notes the
// webhook-id each message (named by the key its body yields) arrived
// under, fails the test when a message arrives again under another id,
// and answers each request after delay, so that deliveries queue up.
type idReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	ids      map[string]string // key → webhook-id
	requests int
}

// newIDReceiver starts an idReceiver that names each message by
// key(body); it is closed when the test ends.
func newIDReceiver(t *testing.T, delay time.Duration, key func(body []byte) string) *idReceiver {
	rc := &idReceiver{ids: map[string]string{}}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		k, id := key(body), r.Header.Get("webhook-id")
		rc.mu.Lock()
		rc.requests++
		if prev, seen := rc.ids[k]; seen && prev != id {
			t.Errorf("message %s arrived with webhook-id %s and %s", k, prev, id)
		}
		rc.ids[k] = id
		rc.mu.Unlock()
		time.Sleep(delay)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// arrived counts the distinct messages and the requests received so far.
func (rc *idReceiver) arrived() (messages, requests int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.ids), rc.requests
}

// missing lists the keys of those messages that have not arrived yet.
func (rc *idReceiver) missing(keys []string) []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, k := range keys {
		if _, ok := rc.ids[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// postOrders creates n items {"n": i} in the collection orders.
func postOrders(t *testing.T, base string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		var item struct{ Data struct{ ID int } }
		if status := post(t, base+"/items/orders", fmt.Sprintf(`{"n": %d}`, i), &item); status != 200 {
			t.Fatalf("write %d: %d", i, status)
		}
	}
}

// buildServer builds cmd/hookflow into dir and returns the binary's path;
// extra are more `go build` arguments (-ldflags …). Under -short it skips
// the test instead: every test that needs the real binary is a slow one.
func buildServer(t *testing.T, dir string, extra ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	bin := filepath.Join(dir, "hookflow")
	args := append(append([]string{"build", "-o", bin}, extra...), "../cmd/hookflow")
	build := exec.Command("go", args...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/server/ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server did not start")
}

func post(t *testing.T, url, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer crash-admin")
	return do(t, req, out)
}

func get(t *testing.T, url string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer crash-admin")
	return do(t, req, out)
}

func do(t *testing.T, req *http.Request, out any) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s %s: %d %s", req.Method, req.URL, resp.StatusCode, raw)
	}
	return resp.StatusCode
}

// withEnv makes vars visible to flows as `$env` (FLOWS_ENV_ALLOW_LIST).
func withEnv(vars map[string]string) func(*hookflow.Config) {
	return func(c *hookflow.Config) {
		for k := range vars {
			c.EnvAllowList = append(c.EnvAllowList, k)
		}
		c.LookupEnv = func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	}
}

// onlyRunID waits for the one run of a flow to be recorded and returns its
// id (failed runs answer without an X-Run-Id header).
func onlyRunID(t *testing.T, srv *hookflowtest.Server, flowID string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp := srv.Do(t, "GET", "/flows/"+flowID+"/runs", nil)
		if list, _ := resp.Data(t).([]any); len(list) > 0 {
			id, _ := list[0].(map[string]any)["id"].(string)
			return id
		}
		if time.Now().After(deadline) {
			t.Fatalf("no run recorded for flow %s: %s", flowID, resp.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// matchJSON compares decoded JSON; "<any>" in want matches any value.
// It returns a description of the first difference, or "".
func matchJSON(want, got any, path string) string { return compareJSON(want, got, path, false) }

// subsetJSON is matchJSON that lets objects in got hold keys want does
// not name (an answer with more fields than a seed's example).
func subsetJSON(want, got any, path string) string { return compareJSON(want, got, path, true) }

func compareJSON(want, got any, path string, subset bool) string {
	if want == "<any>" {
		return ""
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %v, want an object", path, got)
		}
		for k := range g {
			if _, ok := w[k]; !ok && !subset {
				return fmt.Sprintf("%s: unexpected key %q", path, k)
			}
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s: missing key %q", path, k)
			}
			if d := compareJSON(wv, gv, path+"."+k, subset); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %v, want %v", path, got, want)
		}
		for i := range w {
			if d := compareJSON(w[i], g[i], fmt.Sprintf("%s[%d]", path, i), subset); d != "" {
				return d
			}
		}
		return ""
	default:
		if !reflect.DeepEqual(want, got) {
			return fmt.Sprintf("%s: got %#v, want %#v", path, got, want)
		}
		return ""
	}
}

// check compares a response's status and, when want is not "", its body
// (as JSON, "<any>" matching anything).
func check(t *testing.T, resp *hookflowtest.Response, status int, want string) {
	t.Helper()
	checkWith(t, resp, status, want, matchJSON)
}

// checkWith is check with the comparison of bodies given.
func checkWith(t *testing.T, resp *hookflowtest.Response, status int, want string, compare func(want, got any, path string) string) {
	t.Helper()
	if resp.Status != status {
		t.Fatalf("status %d, want %d: %s", resp.Status, status, resp.Body)
	}
	if want == "" {
		return
	}
	var got, w any
	if err := json.Unmarshal(resp.Body, &got); err != nil {
		t.Fatalf("response is not JSON: %s", resp.Body)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %s: %v", want, err)
	}
	if d := compare(w, got, "$"); d != "" {
		t.Errorf("%s\n got: %s", d, resp.Body)
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// flow uploads a seed-form flow with the given trigger options and
// operations and returns its trigger URL.
func flow(t *testing.T, srv *hookflowtest.Server, options, operations string) string {
	t.Helper()
	return "/flows/trigger/" + srv.CreateFlow(t, `{"name": "t", "trigger": "webhook", "options": `+options+
		`, "operations": `+operations+`}`)
}

// allowLoopback is the test configuration that lets flows call httptest
// upstreams on 127.0.0.1.
func allowLoopback(c *hookflow.Config) {
	c.Outbound.Allow = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
}

// toJSONText renders a decoded value as compact JSON (maps in key order).
func toJSONText(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	waitWithin(t, 10*time.Second, cond, what)
}

// waitWithin polls cond for up to limit.
func waitWithin(t *testing.T, limit time.Duration, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// dato sends a DatoCMS request and checks its rate-limit headers.
func dato(t *testing.T, srv *hookflowtest.Server, method, path, body string) *hookflowtest.Response {
	t.Helper()
	resp := srv.Do(t, method, path, body, "X-Api-Version", "2", "Accept", "application/json")
	if resp.Header.Get("X-RateLimit-Limit") != "60" || resp.Header.Get("X-RateLimit-Remaining") == "" {
		t.Fatalf("%s %s: rate-limit headers %v", method, path, resp.Header)
	}
	return resp
}

// deliveryState waits until the webhook's only delivery has made n
// attempts with the given status.
func deliveryState(t *testing.T, srv *hookflowtest.Server, hook map[string]any, n int, status string) map[string]any {
	t.Helper()
	list := waitDeliveries(t, srv, hook, func(l []any) bool {
		if len(l) == 0 {
			return false
		}
		d := l[0].(map[string]any)
		return d["attempt_count"] == float64(n) && d["status"] == status
	})
	return list[0].(map[string]any)
}
