package hookflow_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
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

// TestQueuedRunsSurviveKill9 starts the real binary, queues async runs,
// kills the process with SIGKILL while runs are still waiting, starts it
// again on the same database and checks that every acknowledged run
// completes.
func TestQueuedRunsSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	dir := t.TempDir()
	bin := buildServer(t, dir)
	dbFile := filepath.Join(dir, "data", "hookflow.db")
	port := freePort(t)
	start := func() *exec.Cmd {
		return startServer(t, bin, port, "DB_FILENAME="+dbFile, "FLOWS_WORKERS=1", "FLOWS_MAX_STEPS=100000")
	}
	base := "http://127.0.0.1:" + port
	server := start()
	defer func() { _ = server.Process.Kill(); _, _ = server.Process.Wait() }()

	// A flow slow enough (a few ms per run, one worker) that runs queue up.
	ops := make([]string, 3000)
	for i := range ops {
		ops[i] = fmt.Sprintf(`{"id":"s%d","operation":"transform","options":{"json":{"i":%d,"n":"{{$trigger.n}}"}}}`, i, i)
	}
	flow := `{"accountability":"activity","options":{"async":true,"access":"public"},"operations":[` + strings.Join(ops, ",") + `]}`
	var created struct{ Data struct{ ID string } }
	if status := post(t, base+"/flows", flow, &created); status != http.StatusOK {
		t.Fatalf("upload: %d", status)
	}

	const runs = 400
	ids := make([]string, 0, runs)
	for i := 0; i < runs; i++ {
		var queued struct{ Data struct{ ID, Status string } }
		status := post(t, base+"/flows/trigger/"+created.Data.ID, fmt.Sprintf(`{"n":%d}`, i), &queued)
		if status != http.StatusAccepted || queued.Data.Status != "queued" {
			t.Fatalf("run %d: %d %+v", i, status, queued)
		}
		ids = append(ids, queued.Data.ID)
	}
	if err := server.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = server.Process.Wait()

	// The database, read directly while the server is down.
	store, err := storage.Open(context.Background(), storage.Config{Filename: dbFile})
	if err != nil {
		t.Fatal(err)
	}
	left, err := store.UnfinishedRuns(context.Background())
	_ = store.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(left) == 0 {
		t.Fatal("every run finished before the kill: the test did not exercise recovery (make the flow slower)")
	}
	t.Logf("%d of %d acknowledged runs were unfinished at the kill", len(left), runs)

	server = start()
	deadline := time.Now().Add(2 * time.Minute)
	for _, id := range ids {
		for {
			var run struct{ Data struct{ Status string } }
			get(t, base+"/flows/runs/"+id, &run)
			if run.Data.Status == "completed" {
				break
			}
			if run.Data.Status == "failed" || time.Now().After(deadline) {
				t.Fatalf("run %s: status %q after restart", id, run.Data.Status)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// startServer starts the binary on 127.0.0.1:port with the admin token
// crash-admin and the given environment, and waits until it answers.
func startServer(t *testing.T, bin, port string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "PORT="+port, "HOST=127.0.0.1", "ADMIN_TOKEN=crash-admin", "LOG_LEVEL=error")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitReady(t, "http://127.0.0.1:"+port)
	return cmd
}

// buildServer builds cmd/hookflow into dir and returns the binary's path.
func buildServer(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "hookflow")
	build := exec.Command("go", "build", "-o", bin, "./cmd/hookflow")
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
