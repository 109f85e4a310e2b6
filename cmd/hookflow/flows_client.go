package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hookflow/hookflow/jsonnum"
)

// requestTimeout bounds one request to the server.
const requestTimeout = 60 * time.Second

// maxAnswerSize bounds an answer the command reads (an export of every
// flow).
const maxAnswerSize = 256 << 20

// apiClient calls a hookflow server's flow API.
type apiClient struct {
	base  string
	token string
	http  *http.Client
}

func newAPIClient(base, token string) (*apiClient, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--url %q is not an http:// or https:// address", base)
	}
	return &apiClient{base: strings.TrimSuffix(base, "/"), token: token, http: &http.Client{Timeout: requestTimeout}}, nil
}

// finding is one entry of an error answer: its message and, for a
// finding about a document, where.
type finding struct {
	Path    string
	Message string
}

// apiError is an answer of the server that is not a success.
type apiError struct {
	Status   int
	Findings []finding
}

func (e *apiError) Error() string {
	msgs := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		msgs[i] = f.Message
	}
	return fmt.Sprintf("the server answered %d: %s", e.Status, strings.Join(msgs, "; "))
}

// call sends a request with a JSON body (none when body is nil) and
// decodes the JSON answer into a generic value, numbers with their
// digits.
func (c *apiClient) call(ctx context.Context, method, path string, body any) (map[string]any, error) {
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, reader)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerSize))
	if err != nil {
		return nil, err
	}
	answer, err := jsonnum.DecodeObject(raw)
	if err != nil {
		return nil, fmt.Errorf("%s %s: the server answered %d with no JSON object", method, path, resp.StatusCode)
	}
	if resp.StatusCode >= 300 {
		return nil, errorAnswer(resp.StatusCode, answer)
	}
	return answer, nil
}

// errorAnswer reads the error envelope {"errors": [{message, extensions:
// {code, path}}]}.
func errorAnswer(status int, answer map[string]any) *apiError {
	e := &apiError{Status: status}
	list, _ := answer["errors"].([]any)
	for _, item := range list {
		m, _ := item.(map[string]any)
		msg, _ := m["message"].(string)
		ext, _ := m["extensions"].(map[string]any)
		path, _ := ext["path"].(string)
		if path != "" {
			msg = strings.TrimPrefix(msg, path+": ")
		}
		e.Findings = append(e.Findings, finding{Path: path, Message: msg})
	}
	return e
}

// exported reads every flow of the server as its canonical document.
func (c *apiClient) exported(ctx context.Context) ([]map[string]any, error) {
	answer, err := c.call(ctx, http.MethodGet, "/flows?export=true", nil)
	if err != nil {
		return nil, err
	}
	list, _ := answer["data"].([]any)
	docs := make([]map[string]any, 0, len(list))
	for _, item := range list {
		if doc, ok := item.(map[string]any); ok {
			docs = append(docs, doc)
		}
	}
	return docs, nil
}

// applyResult is the answer of POST /flows/apply.
type applyResult struct {
	Created, Updated, Unchanged, Deleted []string
	Warnings                             []finding
}

// apply sends documents to POST /flows/apply.
func (c *apiClient) apply(ctx context.Context, docs []map[string]any, prune, dryRun bool) (*applyResult, error) {
	answer, err := c.call(ctx, http.MethodPost, "/flows/apply", map[string]any{"flows": docs, "prune": prune, "dry_run": dryRun})
	if err != nil {
		return nil, err
	}
	data, _ := answer["data"].(map[string]any)
	ids := func(key string) []string {
		list, _ := data[key].([]any)
		out := make([]string, 0, len(list))
		for _, v := range list {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	res := &applyResult{
		Created:   ids("created"),
		Updated:   ids("updated"),
		Unchanged: ids("unchanged"),
		Deleted:   ids("deleted"),
	}
	meta, _ := answer["meta"].(map[string]any)
	warnings, _ := meta["warnings"].([]any)
	for _, w := range warnings {
		m, _ := w.(map[string]any)
		path, _ := m["path"].(string)
		msg, _ := m["message"].(string)
		res.Warnings = append(res.Warnings, finding{Path: path, Message: msg})
	}
	return res, nil
}
