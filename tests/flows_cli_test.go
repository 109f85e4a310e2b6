package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/internal/flowexamples"
)

// cliServer is the real binary serving on 127.0.0.1 with a database of
// its own (hookflowtest.NewDatabase), and the environment `hookflow flows` needs to
// reach it.
type cliServer struct {
	base string
	env  []string
}

func startCLIServer(t *testing.T, bin string, env ...string) cliServer {
	t.Helper()
	server := runServer(t, bin, append(env, hookflowtest.NewDatabase(t).Env()...)...)
	return cliServer{base: server.base, env: []string{"HOOKFLOW_URL=" + server.base, "HOOKFLOW_TOKEN=crash-admin", "FLOWS_ENV_ALLOW_LIST="}}
}

// seedFlowFiles writes the seed's example flows into a new directory as
// flow files with slug ids, one of them as YAML.
func seedFlowFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, ex := range flowexamples.Read(t, "../flows/testdata") {
		var doc map[string]any
		if err := json.Unmarshal(ex.Raw, &doc); err != nil {
			t.Fatal(err)
		}
		doc["id"] = strings.ReplaceAll(ex.Name, "_", "-")
		out, _ := json.MarshalIndent(doc, "", "  ")
		if err := os.WriteFile(filepath.Join(dir, ex.Name+".json"), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	yaml := `id: greet
name: Greeting
options:
  access: public
operations:
  - id: hello
    operation: transform
    options:
      json:
        text: |
          Hello {{$trigger.name}},
          welcome.
        ratio: 1.10
`
	if err := os.WriteFile(filepath.Join(dir, "greet.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// flows runs `hookflow flows args…` against s.
func (s cliServer) flows(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	code, out, errOut := runCommand(t, bin, t.TempDir(), s.env, append([]string{"flows"}, args...)...)
	return code, out + errOut
}

func mustContain(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Fatalf("%s does not say %q:\n%s", what, want, out)
		}
	}
}

// TestFlowsAsCodeThroughTheCommand: a folder of the seed's flows applied
// to an empty server, applied again, changed, pruned, exported and
// applied to a second server, whose export is byte for byte the same.
func TestFlowsAsCodeThroughTheCommand(t *testing.T) {
	t.Parallel()
	bin := buildServer(t, t.TempDir())
	a := startCLIServer(t, bin)
	dir := seedFlowFiles(t)
	n := len(mustGlob(t, dir))

	code, out := a.flows(t, bin, "apply", dir)
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s", code, out)
	}
	mustContain(t, "the first apply", out, fmt.Sprintf("%d created, 0 updated, 0 unchanged, 0 deleted", n), "created greet",
		"warning: "+filepath.Join(dir, "github_signature.json")+": operations[0].options.expression: $env.GITHUB_WEBHOOK_SECRET is not in FLOWS_ENV_ALLOW_LIST")
	if want := len(flowexamples.Read(t, "../flows/testdata")) + 1; n != want { // the examples and greet.yaml
		t.Fatalf("%d files, want %d", n, want)
	}
	code, out = a.flows(t, bin, "apply", dir)
	mustContain(t, "the second apply", out, fmt.Sprintf("0 created, 0 updated, %d unchanged, 0 deleted", n))
	if code != 0 {
		t.Fatalf("apply again: exit %d", code)
	}
	if code, out = a.flows(t, bin, "diff", dir); code != 0 || !strings.Contains(out, "no changes") {
		t.Fatalf("diff of an applied folder: exit %d\n%s", code, out)
	}

	// The YAML flow runs, its text and its number as written.
	resp, err := http.Post(a.base+"/flows/trigger/greet", "application/json", strings.NewReader(`{"name": "Ada"}`))
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(answer) != `{"data":{"ratio":1.10,"text":"Hello Ada,\nwelcome.\n"}}`+"\n" {
		t.Fatalf("the YAML flow answered %s", answer)
	}

	rewrite(t, filepath.Join(dir, "validation.json"), `"Validation and Error Handling"`, `"Validation, renamed"`)
	code, out = a.flows(t, bin, "diff", dir)
	if code != 2 {
		t.Fatalf("diff after a change: exit %d\n%s", code, out)
	}
	mustContain(t, "the diff", out, "--- server:validation.json", "+++ "+filepath.Join(dir, "validation.json"),
		`-  "name": "Validation and Error Handling",`, `+  "name": "Validation, renamed",`)
	code, out = a.flows(t, bin, "apply", dir)
	mustContain(t, "apply after a change", out, "updated validation", fmt.Sprintf("0 created, 1 updated, %d unchanged, 0 deleted", n-1))
	if code != 0 {
		t.Fatalf("apply after a change: exit %d", code)
	}

	if err := os.Remove(filepath.Join(dir, "webhook_logs.json")); err != nil {
		t.Fatal(err)
	}
	code, out = a.flows(t, bin, "diff", dir)
	mustContain(t, "diff without the file", out, "1 flows on the server are not in the files")
	if code != 0 {
		t.Fatalf("diff without --prune: exit %d", code)
	}
	if code, _ = a.flows(t, bin, "diff", "--prune", dir); code != 2 {
		t.Fatalf("diff --prune: exit %d", code)
	}
	_, out = a.flows(t, bin, "apply", "--prune", "--dry-run", dir)
	mustContain(t, "a dry run", out, "would delete webhook-logs", fmt.Sprintf("0 created, 0 updated, %d unchanged, 1 deleted (dry run: nothing changed)", n-1))
	_, out = a.flows(t, bin, "apply", "--prune", dir)
	mustContain(t, "apply --prune", out, "deleted webhook-logs", fmt.Sprintf("0 created, 0 updated, %d unchanged, 1 deleted", n-1))

	exportA := filepath.Join(t.TempDir(), "a")
	if code, out = a.flows(t, bin, "export", exportA); code != 0 || !strings.Contains(out, fmt.Sprintf("%d flows written", n-1)) {
		t.Fatalf("export: exit %d\n%s", code, out)
	}
	single, err := http.NewRequest(http.MethodGet, a.base+"/flows/greet?export=true", nil)
	if err != nil {
		t.Fatal(err)
	}
	single.Header.Set("Authorization", "Bearer crash-admin")
	resp, err = http.DefaultClient.Do(single)
	if err != nil {
		t.Fatal(err)
	}
	greet, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if exported, _ := os.ReadFile(filepath.Join(exportA, "greet.json")); !bytes.Equal(exported, greet) {
		t.Fatalf("the command's export differs from GET ?export=true:\n%s\n---\n%s", exported, greet)
	}

	b := startCLIServer(t, bin)
	if code, out = b.flows(t, bin, "apply", exportA); code != 0 || !strings.Contains(out, fmt.Sprintf("%d created", n-1)) {
		t.Fatalf("apply the export to a second server: exit %d\n%s", code, out)
	}
	exportB := filepath.Join(t.TempDir(), "b")
	if code, _ = b.flows(t, bin, "export", exportB); code != 0 {
		t.Fatal("second export failed")
	}
	sameFiles(t, exportA, exportB)
}

// TestValidateReportsEveryFinding: three broken files, every finding with
// its file and path, exit 1; nothing reaches a server.
func TestValidateReportsEveryFinding(t *testing.T) {
	t.Parallel()
	bin := buildServer(t, t.TempDir())
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.json", `{"id": "good", "operations": [{"id": "a", "operation": "log", "options": {"message": "{{$trigger.x}}"}}]}`)
	write("typos.json", `{"id": "typos", "operations": [
		{"id": "process-order", "operation": "transform", "options": {"json": {"a": "{{$triger.x}}"}}},
		{"id": "b", "operation": "log", "options": {"message": "{{procss-order.id}}"}}]}`)
	write("broken.yaml", "id: broken\noperations:\n  - operation: condition\n    options:\n      filter:\n        type:\n          _equals: x\n  - operation: nope\n")
	write("noid.json", `{"name": "no id", "trigger": "sometimes"}`)
	write("z_dup.json", `{"id": "good"}`)
	write("notes.txt", `not a flow file`)

	code, out, _ := runCommand(t, bin, dir, []string{"FLOWS_ENV_ALLOW_LIST="}, "flows", "validate", dir)
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	in := func(name string) string { return filepath.Join(dir, name) }
	mustContain(t, "validate", out,
		in("typos.json")+`: operations[0].options.json.a: template: {{$triger.x}} starts with "$triger"`, `(did you mean "$trigger"?)`,
		in("typos.json")+`: operations[1].options.message: template: {{procss-order.id}} starts with "procss-order"`,
		`(did you mean "process-order"?)`,
		in("broken.yaml")+": operations[0].options.filter.type._equals: ",
		in("broken.yaml")+`: operations[1].type: unknown operation type "nope"`,
		in("noid.json")+": trigger: must be one of",
		in("noid.json")+": id: is required in a flow file",
		in("z_dup.json")+": id: flow id good is also the id of "+in("good.json"),
		"7 findings in 5 flow files")
	if strings.Contains(out, "notes.txt") || strings.Contains(out, in("good.json")+":") {
		t.Fatalf("validate reported files it should not:\n%s", out)
	}
	// One file at a time, and a valid one.
	if code, out, _ = runCommand(t, bin, dir, nil, "flows", "validate", in("good.json")); code != 0 || !strings.Contains(out, "1 flow files valid") {
		t.Fatalf("a valid file: exit %d\n%s", code, out)
	}
	if code, _, _ = runCommand(t, bin, dir, nil, "flows", "validate"); code != 2 {
		t.Fatalf("validate without files: exit %d", code)
	}
}

// TestApplyIsAllOrNothingThroughTheCommand: one invalid file and nothing
// changes on the server.
func TestApplyIsAllOrNothingThroughTheCommand(t *testing.T) {
	t.Parallel()
	bin := buildServer(t, t.TempDir())
	s := startCLIServer(t, bin)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.json"), []byte(`{"id": "a"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.json"), []byte(`{"id": "b", "status": "paused"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := s.flows(t, bin, "apply", dir)
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	mustContain(t, "apply", out, filepath.Join(dir, "b.json")+`: status: must be "active" or "inactive"`, "nothing changed")
	var list struct{ Data []any }
	if get(t, s.base+"/flows", &list); len(list.Data) != 0 {
		t.Fatalf("a refused apply created %d flows", len(list.Data))
	}
	noToken := cliServer{base: s.base, env: []string{"HOOKFLOW_URL=" + s.base, "HOOKFLOW_TOKEN="}}
	if code, out = noToken.flows(t, bin, "apply", dir); code != 1 || !strings.Contains(out, "no token") {
		t.Fatalf("without a token: exit %d\n%s", code, out)
	}
}

func mustGlob(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"*.json", "*.yaml"} {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		out = append(out, m...)
	}
	return out
}

func rewrite(t *testing.T, file, from, to string) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(from)) {
		t.Fatalf("%s does not hold %s", file, from)
	}
	if err := os.WriteFile(file, bytes.Replace(raw, []byte(from), []byte(to), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sameFiles fails unless two directories hold the same files, byte for
// byte.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	names := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]string, len(entries))
		for i, e := range entries {
			out[i] = e.Name()
		}
		return out
	}
	na, nb := names(a), names(b)
	if strings.Join(na, ",") != strings.Join(nb, ",") {
		t.Fatalf("different files: %v and %v", na, nb)
	}
	for _, name := range na {
		fa, _ := os.ReadFile(filepath.Join(a, name))
		fb, _ := os.ReadFile(filepath.Join(b, name))
		if !bytes.Equal(fa, fb) {
			t.Fatalf("%s differs:\n%s\n---\n%s", name, fa, fb)
		}
	}
}
