package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// levelRecorder is a slog handler that keeps the level and message of
// every record.
type levelRecorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *levelRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *levelRecorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r)
	return nil
}
func (h *levelRecorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *levelRecorder) WithGroup(string) slog.Handler      { return h }

// TestClientGoneIsNoServerError: a request whose client went away while it
// was served is no failure of the server: it is not logged as an error.
func TestClientGoneIsNoServerError(t *testing.T) {
	t.Parallel()
	logs := &levelRecorder{}
	srv := hookflowtest.New(t, func(c *hookflow.Config) { c.Logger = slog.New(logs) })
	expectStatus(t, srv.Do(t, http.MethodPost, "/items/orders", `{"id": 1}`), http.StatusOK, "")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/items/orders", nil)
	req.Header.Set("Authorization", "Bearer "+hookflowtest.AdminToken)
	srv.Hookflow.ServeHTTP(httptest.NewRecorder(), req)

	logs.mu.Lock()
	defer logs.mu.Unlock()
	gone := false
	for _, r := range logs.records {
		if r.Level >= slog.LevelError {
			t.Errorf("logged as an error: %s", r.Message)
		}
		gone = gone || r.Message == "client went away"
	}
	if !gone {
		t.Error("the abandoned request left no trace in the log")
	}
}
