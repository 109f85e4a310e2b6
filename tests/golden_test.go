package tests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// goldenFile is a flows/testdata/<name>.golden.json file.
type goldenFile struct {
	Env   map[string]string `json:"env"`
	Cases []goldenCase      `json:"cases"`
}

type goldenCase struct {
	Name   string `json:"name"`
	Method string `json:"method"`
	// Path sends the request to another URL of the server (with the admin
	// token) instead of the flow's trigger: to seed items before the
	// trigger cases, or to read back what the flow stored.
	Path string `json:"path"`
	// Repeat sends the request that many times; the last answer is checked.
	Repeat   int               `json:"repeat"`
	Query    string            `json:"query"`
	Headers  map[string]string `json:"headers"`
	Body     json.RawMessage   `json:"body"`
	Status   int               `json:"status"`
	Response json.RawMessage   `json:"response"`

	// Wait sends the request again until its answer matches (at most 10 s):
	// for what flows do in the background (event and schedule runs).
	Wait bool `json:"wait"`
}

// TestGoldenFlows uploads every flow of flows/testdata that has a golden
// file and checks each recorded request's status and response.
func TestGoldenFlows(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../flows/testdata/*.golden.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".golden.json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var golden goldenFile
			readJSONFile(t, file, &golden)
			var flow map[string]any
			readJSONFile(t, filepath.Join("../flows/testdata", name+".json"), &flow)
			srv := hookflowtest.New(t, func(c *hookflow.Config) {
				for k := range golden.Env {
					c.EnvAllowList = append(c.EnvAllowList, k)
				}
				c.LookupEnv = func(k string) (string, bool) { v, ok := golden.Env[k]; return v, ok }
			})
			id := srv.CreateFlow(t, flow)
			for _, tc := range golden.Cases {
				t.Run(tc.Name, func(t *testing.T) {
					url := triggerURL(id, tc.Query)
					if tc.Path != "" {
						url = withQuery(tc.Path, tc.Query)
					}
					deadline := time.Now().Add(10 * time.Second)
					for {
						var resp *hookflowtest.Response
						for range max(tc.Repeat, 1) {
							resp = srv.Do(t, methodOr(tc.Method), url, goldenBody(tc.Body), headerPairs(tc.Headers)...)
						}
						problem := goldenMismatch(t, tc, resp)
						if problem == "" {
							return
						}
						if !tc.Wait || time.Now().After(deadline) {
							t.Fatal(problem)
						}
						time.Sleep(50 * time.Millisecond)
					}
				})
			}
		})
	}
}

// goldenMismatch says how an answer differs from the case's, or "".
func goldenMismatch(t *testing.T, tc goldenCase, resp *hookflowtest.Response) string {
	if resp.Status != tc.Status {
		return fmt.Sprintf("status %d, want %d: %s", resp.Status, tc.Status, resp.Body)
	}
	var got, want any
	if len(resp.Body) == 0 && len(tc.Response) == 0 {
		return "" // 204
	}
	if err := json.Unmarshal(resp.Body, &got); err != nil {
		return fmt.Sprintf("response is not JSON: %s", resp.Body)
	}
	if err := json.Unmarshal(tc.Response, &want); err != nil {
		t.Fatalf("golden response is not JSON: %v", err)
	}
	if diff := matchJSON(want, got, "$"); diff != "" {
		return fmt.Sprintf("%s\n got: %s", diff, resp.Body)
	}
	return ""
}

func methodOr(m string) string {
	if m == "" {
		return http.MethodPost
	}
	return m
}

func triggerURL(id, query string) string { return withQuery("/flows/trigger/"+id, query) }

func withQuery(path, query string) string {
	if query == "" {
		return path
	}
	return path + "?" + query
}

// goldenBody sends a JSON string as raw text and anything else as JSON.
func goldenBody(raw json.RawMessage) any {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return []byte(raw)
}

func headerPairs(h map[string]string) []string {
	var out []string
	for k, v := range h {
		out = append(out, k, v)
	}
	return out
}
