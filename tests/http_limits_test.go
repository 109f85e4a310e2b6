package tests

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestHTTPLimits runs the real binary: slow clients are cut at
// HTTP_READ_TIMEOUT, long runs are not, and at HTTP_MAX_CONNECTIONS health
// checks still answer while other requests get a clear 503.
func TestHTTPLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := buildServer(t, dir)
	// start runs the binary with env and stops it when the test ends.
	start := func(t *testing.T, env ...string) string {
		server := runServer(t, bin, append(env, "DB_FILENAME="+filepath.Join(t.TempDir(), "hookflow.db"))...)
		http.DefaultClient.CloseIdleConnections() // waitReady's connection
		return "127.0.0.1:" + server.port
	}

	t.Run("a slow body is cut at the read timeout", func(t *testing.T) {
		t.Parallel()
		addr := start(t, "HTTP_READ_TIMEOUT=2s")
		id := createFlow(t, addr, `{"options": {"access": "public"}, "operations": [{"operation": "log"}]}`)
		for _, path := range []string{"/flows/trigger/" + id, "/items/slow"} {
			began := time.Now()
			status, body := trickle(t, addr, path, 10*time.Second)
			took := time.Since(began)
			if status != "HTTP/1.1 408 Request Timeout" || !strings.Contains(body, `"code":"REQUEST_TIMEOUT"`) {
				t.Fatalf("%s: %q %s after %v", path, status, body, took)
			}
			if took < 1500*time.Millisecond || took > 6*time.Second {
				t.Fatalf("%s: cut after %v, want about 2s", path, took)
			}
		}
	})

	t.Run("a request may outlast the read timeout", func(t *testing.T) {
		t.Parallel()
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(2500 * time.Millisecond)
		}))
		defer slow.Close()
		addr := start(t, "HTTP_READ_TIMEOUT=1s", "OUTBOUND_ALLOW_CIDRS=127.0.0.0/8", "OUTBOUND_ALLOW_PORTS=*")
		// A handler working under the request's context: the test send of
		// a webhook to a receiver that takes 2.5 s to answer.
		var hook struct{ Data struct{ ID int } }
		if status := post(t, "http://"+addr+"/webhooks", `{"name": "slow", "actions": "create", "collections": "x", "url": "`+slow.URL+`"}`, &hook); status != 200 {
			t.Fatalf("webhook: %d", status)
		}
		var sent struct {
			Data struct {
				Attempts []struct{ Response struct{ Status int } }
			}
		}
		if status := post(t, fmt.Sprintf("http://%s/webhooks/%d/test", addr, hook.Data.ID), "", &sent); status != 200 ||
			len(sent.Data.Attempts) != 1 || sent.Data.Attempts[0].Response.Status != 200 {
			t.Fatalf("test send: %d %+v", status, sent)
		}
		// Synchronous runs, with a body and without.
		post := createFlow(t, addr, `{"options": {"access": "public"}, "operations": [
			{"operation": "sleep", "options": {"milliseconds": 2500}}, {"operation": "transform", "options": {"json": {"ok": true}}}]}`)
		get := createFlow(t, addr, `{"options": {"access": "public", "method": "GET"}, "operations": [
			{"operation": "sleep", "options": {"milliseconds": 2500}}, {"operation": "transform", "options": {"json": {"ok": true}}}]}`)
		for _, req := range []*http.Request{
			mustRequest(t, "POST", "http://"+addr+"/flows/trigger/"+post, `{"a": 1}`),
			mustRequest(t, "GET", "http://"+addr+"/flows/trigger/"+get, ""),
		} {
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s: %v", req.Method, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(body) != `{"data":{"ok":true}}`+"\n" {
				t.Fatalf("%s: %d %s", req.Method, resp.StatusCode, body)
			}
		}
	})

	t.Run("at the connection cap health checks answer", func(t *testing.T) {
		t.Parallel()
		addr := start(t, "HTTP_MAX_CONNECTIONS=3", "HTTP_READ_TIMEOUT=30s")
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
		// Three clients that send headers and then nothing of their body
		// hold every slot. One that is answered at once got no slot (a
		// connection of an earlier client was still open): it tries again.
		var held []net.Conn
		for len(held) < 3 {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			fmt.Fprintf(c, "POST /items/held HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
			_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
			if _, err := c.Read(make([]byte, 1)); errors.Is(err, os.ErrDeadlineExceeded) {
				held = append(held, c)
			}
		}
		call := func(path string) (*http.Response, string) {
			req := mustRequest(t, "GET", "http://"+addr+path, "")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp, string(body)
		}
		resp, body := call("/flows")
		if !strings.Contains(body, `"code":"SERVICE_UNAVAILABLE"`) || !strings.Contains(body, "HTTP_MAX_CONNECTIONS") ||
			resp.Header.Get("Retry-After") != "1" || !resp.Close {
			t.Fatalf("over the cap: %d %v %s", resp.StatusCode, resp.Header, body)
		}
		for range 5 {
			if resp, body := call("/server/health"); resp.StatusCode != 200 || body != `{"status":"ok"}`+"\n" {
				t.Fatalf("health over the cap: %d %s", resp.StatusCode, body)
			}
			if resp, body := call("/server/ping"); resp.StatusCode != 200 || body != "pong" {
				t.Fatalf("ping over the cap: %d %s", resp.StatusCode, body)
			}
		}
		// Clients that fill the 64 connections kept for health checks and
		// send nothing cannot keep one out: each new connection pushes the
		// oldest of them out.
		for range 70 {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
		}
		for range 5 {
			if resp, body := call("/server/health"); resp.StatusCode != 200 || body != `{"status":"ok"}`+"\n" {
				t.Fatalf("health with the reserve full: %d %s", resp.StatusCode, body)
			}
		}
		// Once the slow clients go, the server serves everything again.
		for _, c := range held {
			c.Close()
		}
		waitFor(t, func() bool { resp, _ := call("/flows"); return resp.StatusCode == 200 }, "a slot to be free again")
	})

	t.Run("the cap fits the open-file limit", func(t *testing.T) {
		if runtime.GOOS != "linux" {
			t.Skip("reads /proc")
		}
		t.Parallel()
		// Set beyond what 600 descriptors hold: the server refuses to start.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a server that starts runs on
		defer cancel()
		out, err := withFileLimit(ctx, bin, 600, "HTTP_MAX_CONNECTIONS=10000", "PORT="+freePort(t),
			"DB_FILENAME="+filepath.Join(t.TempDir(), "h.db")).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "HTTP_MAX_CONNECTIONS=10000 does not fit the open-file limit of 600") {
			t.Fatalf("started with a cap the limit cannot hold: %v %s", err, out)
		}
		// Unset, the default is lowered to fit, and the soft limit is the
		// hard one.
		port := freePort(t)
		var logs bytes.Buffer
		cmd := withFileLimit(context.Background(), bin, 600, "PORT="+port, "DB_FILENAME="+filepath.Join(t.TempDir(), "h.db"), "LOG_LEVEL=info")
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
		waitReady(t, "http://127.0.0.1:"+port)
		http.DefaultClient.CloseIdleConnections()
		if want := "max_connections=386"; !strings.Contains(logs.String(), want) { // 600 - 150 - 64
			t.Fatalf("want %s in the logs:\n%s", want, logs.String())
		}
		limits, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.SplitSeq(string(limits), "\n") {
			if f := strings.Fields(line); len(f) >= 5 && f[0] == "Max" && f[1] == "open" && (f[3] != "600" || f[4] != "600") {
				t.Fatalf("open-file limit: %s", line)
			}
		}
	})
}

// withFileLimit is the binary run with an open-file limit of n (soft and
// hard) and env.
func withFileLimit(ctx context.Context, bin string, n int, env ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "sh", "-c", fmt.Sprintf(`ulimit -n %d && exec "$0"`, n), bin)
	cmd.Env = append(os.Environ(), "HOST=127.0.0.1", "ADMIN_TOKEN=crash-admin")
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// createFlow uploads a flow with the admin token and returns its id.
func createFlow(t *testing.T, addr, doc string) string {
	t.Helper()
	var created struct{ Data struct{ ID string } }
	if status := post(t, "http://"+addr+"/flows", doc, &created); status != http.StatusOK {
		t.Fatalf("upload: %d", status)
	}
	return created.Data.ID
}

func mustRequest(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer crash-admin")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// trickle sends a POST whose 100-byte body comes one byte every 500 ms,
// and returns the status line and body of the answer, waiting at most
// wait for it.
func trickle(t *testing.T, addr, path string, wait time.Duration) (status, body string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer crash-admin\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", path)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(500 * time.Millisecond):
				if _, err := c.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	_ = c.SetReadDeadline(time.Now().Add(wait))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%s: no answer within %v: %v", path, wait, err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.Proto + " " + resp.Status, string(raw)
}
