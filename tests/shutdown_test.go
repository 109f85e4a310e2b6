package tests

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hookflow/hookflow/storage"
)

// waitExit waits up to limit for a process to exit and returns how long
// it took.
func waitExit(t *testing.T, cmd *exec.Cmd, limit time.Duration) (time.Duration, error) {
	t.Helper()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return time.Since(start), err
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		t.Logf("killed the server: %v", <-done)
		t.Fatalf("the server did not exit within %s", limit)
		return 0, nil
	}
}

// storedRuns reads every run record of a stopped server's database.
func storedRuns(t *testing.T, dbFile string) []*storage.RunRecord {
	t.Helper()
	store, err := storage.Open(context.Background(), storage.Config{Filename: dbFile})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	runs, err := store.ListRuns(context.Background(), storage.RunFilter{})
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]*storage.RunRecord, len(runs))
	for i, r := range runs {
		if docs[i], err = r.Doc(); err != nil {
			t.Fatal(err)
		}
	}
	return docs
}

// TestShutdownStartsNoQueuedRuns queues 40 runs of 2 s on 4 workers and
// stops the server with SIGTERM while the first ones run: it must start no
// other run, exit once those finish, and leave the rest queued for the
// next start, where each runs once.
func TestShutdownStartsNoQueuedRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbFile := filepath.Join(dir, "hookflow.db")
	server := runServer(t, buildServer(t, dir), "DB_FILENAME="+dbFile, "FLOWS_WORKERS=4")
	base := server.base

	var created struct{ Data struct{ ID string } }
	flow := `{"options": {"async": true, "access": "public"},
		"operations": [{"id": "pause", "operation": "sleep", "options": {"milliseconds": 2000}}]}`
	if status := post(t, base+"/flows", flow, &created); status != http.StatusOK {
		t.Fatalf("upload: %d", status)
	}
	for i := 0; i < 40; i++ {
		var queued struct{ Data struct{ ID string } }
		if status := post(t, base+"/flows/trigger/"+created.Data.ID, fmt.Sprintf(`{"n": %d}`, i), &queued); status != http.StatusAccepted {
			t.Fatalf("run %d: %d", i, status)
		}
	}
	waitFor(t, func() bool {
		var list struct{ Data []any }
		get(t, base+"/flows/"+created.Data.ID+"/runs?status=running", &list)
		return len(list.Data) >= 4
	}, "four runs to start")

	stopped := time.Now()
	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	took, err := waitExit(t, server.Cmd, 30*time.Second)
	if err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	t.Logf("exited %s after SIGTERM", took.Round(time.Millisecond))
	status := map[string]int{}
	for _, run := range storedRuns(t, dbFile) {
		status[run.Status]++
		if run.StartedAt != nil && run.StartedAt.After(stopped) {
			t.Errorf("run %s started %s after SIGTERM", run.ID, run.StartedAt.Sub(stopped))
		}
	}
	if status[storage.RunCompleted] < 4 || status[storage.RunCompleted] > 8 || status[storage.RunQueued] != 40-status[storage.RunCompleted] {
		t.Fatalf("the runs in progress finish and the rest stay queued: %v", status)
	}
	// The runs in progress take 2 s; waiting for queued ones would take 20.
	if took > 8*time.Second {
		t.Fatalf("shutdown took %s", took)
	}

	server.restart("FLOWS_WORKERS=8")
	waitWithin(t, 60*time.Second, func() bool {
		var list struct{ Data []any }
		get(t, base+"/flows/"+created.Data.ID+"/runs?status=completed&limit=100", &list)
		return len(list.Data) == 40
	}, "every run to complete after the restart")
	var list struct{ Data []map[string]any }
	get(t, base+"/flows/"+created.Data.ID+"/runs?limit=100", &list)
	for _, run := range list.Data {
		if run["attempts"] != 1.0 {
			t.Errorf("run %v ran %v times", run["id"], run["attempts"])
		}
	}
}

// TestShutdownLetsSyncRunsAnswer stops the server while a synchronous run
// of 17 s is in flight, with FLOWS_SYNC_TIMEOUT=40s: the run answers before
// the server exits.
func TestShutdownLetsSyncRunsAnswer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	server := runServer(t, buildServer(t, dir), "DB_FILENAME="+filepath.Join(dir, "hookflow.db"), "FLOWS_SYNC_TIMEOUT=40s")
	base := server.base
	var created struct{ Data struct{ ID string } }
	flow := `{"options": {"access": "public"}, "operations": [
		{"id": "pause", "operation": "sleep", "options": {"milliseconds": 17000}},
		{"id": "answer", "operation": "transform", "options": {"json": {"done": true}}}]}`
	if status := post(t, base+"/flows", flow, &created); status != http.StatusOK {
		t.Fatalf("upload: %d", status)
	}
	answered := make(chan string, 1)
	go func() {
		resp, err := http.Post(base+"/flows/trigger/"+created.Data.ID, "application/json", strings.NewReader(`{}`))
		if err != nil {
			answered <- err.Error()
			return
		}
		defer resp.Body.Close()
		var body bytes.Buffer
		_, _ = body.ReadFrom(resp.Body)
		answered <- fmt.Sprint(resp.StatusCode, " ", strings.TrimSpace(body.String()))
	}()
	time.Sleep(500 * time.Millisecond)
	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if _, err := waitExit(t, server.Cmd, 60*time.Second); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	if got := <-answered; got != `200 {"data":{"done":true}}` {
		t.Fatalf("the sync run in flight at SIGTERM should answer: %s", got)
	}
}

// TestSecondServerOnOneFileRefusesToStart starts two servers on one
// database file, the second while the first runs and again while it is
// shutting down: the second refuses, naming the file, and exits non-zero.
// Once the first is gone, the file can be used again.
func TestSecondServerOnOneFileRefusesToStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := buildServer(t, dir)
	dbFile := filepath.Join(dir, "data", "hookflow.db")
	server := runServer(t, bin, "DB_FILENAME="+dbFile)

	second := func() (string, error) {
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "PORT="+freePort(t), "HOST=127.0.0.1", "ADMIN_TOKEN=crash-admin",
			"LOG_LEVEL=error", "DB_FILENAME="+dbFile)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		_, err := waitExit(t, cmd, 20*time.Second)
		return stderr.String(), err
	}
	refused := func(when string) {
		msg, err := second()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() == 0 || !strings.Contains(msg, dbFile) || !strings.Contains(msg, "in use") {
			t.Fatalf("%s: a second server should refuse the file and exit non-zero: %v\n%s", when, err, msg)
		}
	}
	refused("while the first runs")

	// A queued run of 2 s keeps the first server busy while it shuts down.
	var created struct{ Data struct{ ID string } }
	post(t, server.base+"/flows", `{"options": {"async": true, "access": "public"},
		"operations": [{"id": "pause", "operation": "sleep", "options": {"milliseconds": 2000}}]}`, &created)
	var queued struct{ Data struct{ ID string } }
	post(t, server.base+"/flows/trigger/"+created.Data.ID, `{}`, &queued)
	time.Sleep(300 * time.Millisecond)
	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	refused("while the first shuts down")
	if _, err := waitExit(t, server.Cmd, 30*time.Second); err != nil {
		t.Fatalf("first server: %v", err)
	}
	server.restart()
	_ = server.Process.Signal(syscall.SIGTERM)
	if _, err := waitExit(t, server.Cmd, 30*time.Second); err != nil {
		t.Fatalf("a server on the released file: %v", err)
	}
}
