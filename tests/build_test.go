package tests

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBuildWithoutCgoSaysWhy: SQLite is compiled with cgo, so a build with
// CGO_ENABLED=0 cannot work; it must stop with a message naming the cause,
// not with the driver's "undefined: sqlite3.Error".
func TestBuildWithoutCgoSaysWhy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	t.Parallel()
	build := exec.Command("go", "build", "-o", os.DevNull, "../cmd/hookflow")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	if err == nil {
		t.Fatal("a build without cgo succeeded; SQLite needs cgo")
	}
	if !strings.Contains(string(out), "needs_cgo") || strings.Contains(string(out), "sqlite3.Error") {
		t.Fatalf("the failure does not say that cgo is needed:\n%s", out)
	}
}
