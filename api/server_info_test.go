package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/internal/testdb"
)

func TestServerInfoIsForAdmins(t *testing.T) {
	t.Parallel()
	clock := hookflowtest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	srv := hookflowtest.New(t, func(c *hookflow.Config) {
		c.Now = clock.Now
		c.MaxSteps = 77
		c.SyncTimeout = 12 * time.Second
	})
	clock.Advance(90 * time.Second)
	resp := srv.Do(t, http.MethodGet, "/server/info", nil)
	expectStatus(t, resp, http.StatusOK, "")
	info := resp.Data(t).(map[string]any)
	limits, _ := info["limits"].(map[string]any)
	database := "sqlite"
	if testdb.Postgres() {
		database = "postgres"
	}
	if info["database"] != database || info["uptime_seconds"] != float64(90) || info["version"] == "" ||
		info["commit"] == "" || info["go_version"] == "" || info["started_at"] != "2030-01-02T03:04:05Z" {
		t.Fatalf("info = %s", resp.Body)
	}
	if limits["flows_max_steps"] != float64(77) || limits["flows_sync_timeout"] != "12s" || limits["max_payload_size"] != float64(1<<20) {
		t.Fatalf("limits = %v", limits)
	}

	expectStatus(t, srv.Do(t, http.MethodGet, "/server/info", nil, "Authorization", ""), http.StatusUnauthorized, "")
	_, token := srv.CreateUser(t, "")
	expectStatus(t, srv.Do(t, http.MethodGet, "/server/info", nil, "Authorization", "Bearer "+token), http.StatusForbidden, "FORBIDDEN")
}
