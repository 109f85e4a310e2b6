package tests

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a process's stderr, read while it runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestBinaryLogsFailedRunsAsJSON runs the built binary with
// LOG_FORMAT=json and LOG_LEVEL=debug: every line it writes is one JSON
// object, and a failing sync run and a failing async run each leave a
// "run failed" record at WARN with the run id their answers named, next to
// the debug record of each request.
func TestBinaryLogsFailedRunsAsJSON(t *testing.T) {
	dir := t.TempDir()
	bin := buildServer(t, dir)
	port := freePort(t)
	var stderr lockedBuffer
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORT="+port, "HOST=127.0.0.1", "ADMIN_TOKEN=crash-admin",
		"DB_FILENAME="+filepath.Join(dir, "data", "hookflow.db"), "LOG_FORMAT=json", "LOG_LEVEL=debug")
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() }()
	base := "http://127.0.0.1:" + port
	waitReady(t, base)

	runIDs := map[string]string{}
	for _, mode := range []string{"sync", "async"} {
		flow := `{"name": "failing ` + mode + `", "options": {"access": "public", "async": ` + map[string]string{"sync": "false", "async": "true"}[mode] + `},
			"operations": [{"id": "refuse", "operation": "throw-error", "options": {"status": 422, "code": "REFUSED", "message": "no"}}]}`
		var created struct{ Data struct{ ID string } }
		if status := post(t, base+"/flows", flow, &created); status != http.StatusOK {
			t.Fatalf("upload: %d", status)
		}
		resp, err := http.Post(base+"/flows/trigger/"+created.Data.ID, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		runIDs[mode] = resp.Header.Get("X-Run-Id")
		if runIDs[mode] == "" || resp.Header.Get("X-Request-Id") == "" {
			t.Fatalf("%s trigger: %d without X-Run-Id or X-Request-Id: %v", mode, resp.StatusCode, resp.Header)
		}
	}

	deadline := time.Now().Add(10 * time.Second)
	for {
		found := map[string]bool{}
		lines := bufio.NewScanner(strings.NewReader(stderr.String()))
		for lines.Scan() {
			var rec map[string]any
			if err := json.Unmarshal(lines.Bytes(), &rec); err != nil {
				t.Fatalf("a log line is not a JSON object: %q", lines.Text())
			}
			for mode, id := range runIDs {
				if rec["msg"] == "run failed" && rec["run_id"] == id && rec["level"] == "WARN" && rec["code"] == "REFUSED" {
					found[mode] = true
				}
			}
			if rec["msg"] == "request" && rec["run_id"] == runIDs["sync"] && rec["level"] == "DEBUG" && rec["status"] == 422.0 {
				found["request"] = true
			}
		}
		if len(found) == 3 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("found %v of the sync and async failures and the request; the log:\n%s", found, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
