package tests

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// TestDockerfileChecks reads the Dockerfile as BuildKit does and applies
// BuildKit's own checks (those of docker build --check), then what the
// image promises: a build stage and a runtime stage on the same Debian
// release (cgo links SQLite against the C library it runs with), a user
// that is not root, the /data volume, the port, a health check of
// /server/health.
func TestDockerfileChecks(t *testing.T) {
	t.Parallel()
	f, err := os.Open("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parsed, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	for _, w := range parsed.Warnings {
		t.Errorf("parser warning: %s (line %d)", w.Short, w.Location.Start.Line)
	}
	var findings []string
	lint := linter.New(&linter.Config{Warn: func(rule, _, _, msg string, loc []parser.Range) {
		findings = append(findings, fmt.Sprintf("%s: %s %v", rule, msg, loc))
	}})
	stages, args, err := instructions.Parse(parsed.AST, lint)
	if err != nil {
		t.Fatalf("instructions: %v", err)
	}
	for _, f := range findings {
		t.Errorf("check: %s", f)
	}
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a build stage and a runtime stage", len(stages))
	}
	defaults := map[string]string{}
	for _, a := range args {
		for _, kv := range a.Args {
			if kv.Value != nil {
				defaults[kv.Key] = *kv.Value
			}
		}
	}
	goImage, runImage := defaults["GO_IMAGE"], defaults["RUNTIME_IMAGE"]
	release := func(image string) string {
		for _, codename := range []string{"bullseye", "bookworm", "trixie", "forky"} {
			if strings.Contains(image, codename) {
				return codename
			}
		}
		return ""
	}
	if release(goImage) == "" || release(goImage) != release(runImage) {
		t.Errorf("build image %q and runtime image %q are not of one Debian release", goImage, runImage)
	}

	final := stages[len(stages)-1]
	var user, health string
	var volumes, ports []string
	for _, c := range final.Commands {
		switch c := c.(type) {
		case *instructions.UserCommand:
			user = c.User
		case *instructions.VolumeCommand:
			volumes = append(volumes, c.Volumes...)
		case *instructions.ExposeCommand:
			ports = append(ports, c.Ports...)
		case *instructions.HealthCheckCommand:
			health = strings.Join(c.Health.Test, " ")
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		t.Errorf("the image runs as %q, want a user that is not root", user)
	}
	if strings.Join(volumes, ",") != "/data" || strings.Join(ports, ",") != "8055" {
		t.Errorf("volumes %v, ports %v: want /data and 8055", volumes, ports)
	}
	if !strings.Contains(health, "/server/health") {
		t.Errorf("HEALTHCHECK %q does not probe /server/health", health)
	}
}

// TestDockerImageStartsHealthy builds the image, starts it and waits for
// Docker to call it healthy. It needs a Docker engine: without one it is
// skipped, saying so.
func TestDockerImageStartsHealthy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an image; skipped with -short")
	}
	if out, err := exec.Command("docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		t.Skipf("no Docker engine here (docker info: %v: %s); TestDockerfileChecks checked the Dockerfile statically",
			err, strings.TrimSpace(string(out)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	docker := func(args ...string) string {
		t.Helper()
		out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	tag := fmt.Sprintf("hookflow-test:%d", time.Now().UnixNano())
	docker("build", "-t", tag, "..")
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", "-f", tag).Run() })
	id := docker("run", "-d", "-e", "ADMIN_TOKEN=docker-test-token", tag)
	t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", "-v", id).Run() })
	if uid := docker("exec", id, "id", "-u"); uid == "0" {
		t.Fatalf("the server runs as root")
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		status := docker("inspect", "--format", "{{.State.Health.Status}}", id)
		if status == "healthy" {
			break
		}
		if status == "unhealthy" || time.Now().After(deadline) {
			t.Fatalf("health %s; logs:\n%s", status, docker("logs", id))
		}
		time.Sleep(time.Second)
	}
	if out := docker("exec", id, "ls", "/data"); !strings.Contains(out, "hookflow.db") {
		t.Fatalf("the database is not in /data: %s", out)
	}
}
