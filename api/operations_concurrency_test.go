package api_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestConcurrentEditsOfOneFlowAreAllKept: an editor (or a Directus SDK
// script with Promise.all) adds and changes operations of one flow at the
// same time; every acknowledged change must be in the saved flow.
func TestConcurrentEditsOfOneFlowAreAllKept(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	flowID := srv.CreateFlow(t, `{"name":"busy"}`)
	const n = 16
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"flow":%q,"key":"k%d","type":"log","options":{"message":"%d"}}`, flowID, i, i)
			statuses[i] = srv.Do(t, http.MethodPost, "/operations", body).Status
		}()
	}
	wg.Wait()
	for i, st := range statuses {
		if st != http.StatusOK {
			t.Fatalf("create %d: status %d", i, st)
		}
	}
	ops := srv.Do(t, http.MethodGet, "/operations?flow="+flowID, nil).Data(t).([]any)
	if len(ops) != n {
		t.Fatalf("%d operations saved, %d acknowledged", len(ops), n)
	}

	// Concurrent PATCHes of different operations, and of the flow itself.
	for i, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := op.(map[string]any)["id"].(string)
			statuses[i] = srv.Do(t, http.MethodPatch, "/operations/"+id, `{"name":"renamed"}`).Status
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if st := srv.Do(t, http.MethodPatch, "/flows/"+flowID, `{"description":"changed"}`).Status; st != http.StatusOK {
			t.Errorf("flow patch: status %d", st)
		}
	}()
	wg.Wait()
	for _, op := range srv.Do(t, http.MethodGet, "/operations?flow="+flowID, nil).Data(t).([]any) {
		if op.(map[string]any)["name"] != "renamed" {
			t.Fatalf("a concurrent change was lost: %v", op)
		}
	}
	if n := len(srv.Do(t, http.MethodGet, "/operations?flow="+flowID, nil).Data(t).([]any)); n != len(ops) {
		t.Fatalf("%d operations after the patches, want %d", n, len(ops))
	}
}

// TestCreatingSeveralOperationsIsAllOrNothing: one invalid element of an
// array refuses the whole request, and its path names the element.
func TestCreatingSeveralOperationsIsAllOrNothing(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	flowID := srv.CreateFlow(t, `{"name":"batch"}`)
	bad := srv.Do(t, http.MethodPost, "/operations", `[
		{"flow":"`+flowID+`","key":"one","type":"log","options":{"message":"1"}},
		{"key":"orphan","type":"log"},
		{"flow":"00000000-0000-4000-8000-000000000000","type":"log"}]`)
	expectStatus(t, bad, http.StatusBadRequest, "INVALID_PAYLOAD")
	if paths := errorPaths(t, bad); !contains(paths, "[1].flow") || !contains(paths, "[2].flow") {
		t.Fatalf("paths = %v", paths)
	}
	// A finding of the compiled flow (the second element's template).
	bad = srv.Do(t, http.MethodPost, "/operations", `[
		{"flow":"`+flowID+`","key":"one","type":"log","options":{"message":"1"}},
		{"flow":"`+flowID+`","key":"two","type":"log","options":{"message":"{{"}}]`)
	expectStatus(t, bad, http.StatusBadRequest, "INVALID_PAYLOAD")
	if paths := errorPaths(t, bad); !hasPrefix(paths, "operations[1].options.message") {
		t.Fatalf("paths = %v", paths)
	}
	if ops := srv.Do(t, http.MethodGet, "/operations?flow="+flowID, nil).Data(t).([]any); len(ops) != 0 {
		t.Fatalf("a refused request saved operations: %v", ops)
	}
	good := srv.Do(t, http.MethodPost, "/operations", `[
		{"flow":"`+flowID+`","key":"one","type":"log","options":{"message":"1"}},
		{"flow":"`+flowID+`","type":"log","options":{"message":"2"}}]`)
	expectStatus(t, good, http.StatusOK, "")
	if ops := srv.Do(t, http.MethodGet, "/operations?flow="+flowID, nil).Data(t).([]any); len(ops) != 2 {
		t.Fatalf("operations = %v", ops)
	}
}
