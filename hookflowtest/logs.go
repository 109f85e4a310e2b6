package hookflowtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
)

// Logs keeps a server's log records, as LOG_FORMAT=json writes them, for a
// test to read:
//
//	logs := hookflowtest.NewLogs(slog.LevelDebug)
//	srv := hookflowtest.New(t, logs.Configure)
//	…
//	rec := logs.Wait(t, "run failed", "run_id", runID)
type Logs struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	logger *slog.Logger
}

// NewLogs keeps the records at level and above.
func NewLogs(level slog.Level) *Logs {
	l := &Logs{}
	l.logger = slog.New(slog.NewJSONHandler(lockedWriter{l}, &slog.HandlerOptions{Level: level}))
	return l
}

// Configure is the option of New that sends the server's logs here.
func (l *Logs) Configure(c *hookflow.Config) { c.Logger = l.logger }

// lockedWriter appends to the buffer under the lock.
type lockedWriter struct{ l *Logs }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	return w.l.buf.Write(p)
}

// Records returns every record so far, decoded.
func (l *Logs) Records(t testing.TB) []map[string]any {
	t.Helper()
	l.mu.Lock()
	raw := append([]byte(nil), l.buf.Bytes()...)
	l.mu.Unlock()
	var out []map[string]any
	lines := bufio.NewScanner(bytes.NewReader(raw))
	lines.Buffer(make([]byte, 64<<10), 16<<20)
	for lines.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(lines.Bytes(), &rec); err != nil {
			t.Fatalf("a log line is not one JSON object: %v\n%s", err, lines.Bytes())
		}
		out = append(out, rec)
	}
	return out
}

// Find returns the records with the message msg whose attributes hold the
// given key/value pairs (values compared as their JSON text would be
// decoded: strings, float64 numbers, bools).
func (l *Logs) Find(t testing.TB, msg string, keyValues ...any) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, rec := range l.Records(t) {
		if rec["msg"] == msg && holds(rec, keyValues) {
			out = append(out, rec)
		}
	}
	return out
}

// Wait waits up to 10 seconds for a record Find would return and returns
// the first one, failing the test when none comes.
func (l *Logs) Wait(t testing.TB, msg string, keyValues ...any) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if found := l.Find(t, msg, keyValues...); len(found) > 0 {
			return found[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log record %q with %v; the log holds:\n%s", msg, keyValues, l.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// String is the log as written.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// holds reports whether rec has every key/value pair.
func holds(rec map[string]any, keyValues []any) bool {
	for i := 0; i+1 < len(keyValues); i += 2 {
		key, _ := keyValues[i].(string)
		want := keyValues[i+1]
		if n, ok := want.(int); ok {
			want = float64(n)
		}
		if rec[key] != want {
			return false
		}
	}
	return true
}
