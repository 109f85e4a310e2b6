package tests

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/hookflowtest"
)

// commandBuild is a hookflow binary built with a version and a commit set
// at link time, as a release build sets them.
func commandBuild(t *testing.T) string {
	t.Helper()
	const pkg = "github.com/hookflow/hookflow/buildinfo"
	return buildServer(t, t.TempDir(), "-ldflags", "-X "+pkg+".version=v9.8.7-test -X "+pkg+".commit=0123abcd")
}

// runCommand runs bin with args in dir and returns its exit code and
// output; it must end within 20 seconds.
func runCommand(t *testing.T, bin, dir string, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		if err := <-done; err == nil {
			t.Log("it ended as it was killed")
		}
		t.Fatalf("hookflow %v did not end: it serves instead of answering", args)
		return 0, "", ""
	}
}

// TestCommandLine: help and version answer and exit without opening a
// database or listening (in a directory that stays empty, with a port that
// stays free); wrong command lines exit 2 with the usage.
func TestCommandLine(t *testing.T) {
	t.Parallel()
	bin := commandBuild(t)
	dir := t.TempDir()
	port := freePort(t)
	env := []string{"PORT=" + port, "HOST=127.0.0.1", "DB_FILENAME=", "ADMIN_TOKEN="}

	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"serve", "--help"}} {
		code, out, errOut := runCommand(t, bin, dir, env, args...)
		if code != 0 || errOut != "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
		wants := []string{"FLOWS_ENV_ALLOW_LIST", "HTTP_MAX_CONNECTIONS", "HOST, PORT  (default: 0.0.0.0, 8055)", "Usage:"}
		if args[0] != "serve" {
			wants = append(wants, "\n  serve ", "\n  version ", "\n  flows ")
		}
		for _, want := range wants {
			if !strings.Contains(out, want) {
				t.Errorf("%v: the help does not mention %q:\n%s", args, want, out)
			}
		}
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, _ := runCommand(t, bin, dir, env, args...)
		if code != 0 || !strings.Contains(out, "hookflow v9.8.7-test\n") || !strings.Contains(out, "commit   0123abcd\n") ||
			!strings.Contains(out, "go       go1.") {
			t.Errorf("%v: exit %d:\n%s", args, code, out)
		}
	}
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"nope"}, `unknown command "nope"`},
		{[]string{"serv"}, `did you mean "serve"?`},
		{[]string{"--bogus"}, "unknown flag: --bogus"},
		{[]string{"version", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"serve", "extra"}, `takes no arguments`},
		{[]string{"flows"}, "a subcommand is required"},
		{[]string{"flows", "aply"}, `unknown command "aply" for "hookflow flows" (did you mean "apply"?)`},
		{[]string{"flows", "export"}, "name exactly one directory"},
		{[]string{"flows", "apply", "--force", "x"}, "unknown flag: --force"},
	} {
		code, out, errOut := runCommand(t, bin, dir, env, tc.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.says) || !strings.Contains(errOut, "Usage:") {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s", tc.args, code, out, errOut)
		}
	}

	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 0 {
		t.Fatalf("the working directory is not empty: %v %v", entries, err)
	}
	if conn, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second); err == nil {
		conn.Close()
		t.Fatal("something listens on the configured port")
	}
}

// TestServeLogsListeningOnceBound: the "listening" record comes after the
// port is bound, so a client that waits for it is served at once; the
// server then reports its build and limits at /server/info.
func TestServeLogsListeningOnceBound(t *testing.T) {
	t.Parallel()
	bin := commandBuild(t)
	dir := t.TempDir()
	db := hookflowtest.NewDatabase(t)
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORT="+freePort(t), "HOST=127.0.0.1", "ADMIN_TOKEN=crash-admin", "LOG_FORMAT=json",
		"FLOWS_MAX_STEPS=123")
	cmd.Env = append(cmd.Env, db.Env()...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	lines := bufio.NewScanner(stderr)
	var addr string
	for addr == "" && lines.Scan() {
		var record struct{ Msg, Addr string }
		if json.Unmarshal(lines.Bytes(), &record) == nil && record.Msg == "hookflow listening" {
			addr = record.Addr
		}
	}
	if addr == "" {
		t.Fatal("the server never logged that it listens")
	}
	go func() { // keep the pipe drained
		for lines.Scan() {
		}
	}()
	// No retry: the log promised the port is bound.
	var info struct {
		Data struct {
			Version, Commit, Database string
			Limits                    map[string]any
		}
	}
	if status := get(t, "http://"+addr+"/server/info", &info); status != http.StatusOK {
		t.Fatalf("/server/info: %d", status)
	}
	if info.Data.Version != "v9.8.7-test" || info.Data.Commit != "0123abcd" || info.Data.Database != string(db.Client) ||
		info.Data.Limits["flows_max_steps"] != float64(123) {
		t.Fatalf("/server/info: %+v", info.Data)
	}
}
