package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/triggers"
	"github.com/labstack/echo/v4"
)

// applyFlows serves POST /flows/apply, {"flows": […], "prune": bool,
// "dry_run": bool}: the saved flows become what the documents say, all or
// nothing (`hookflow flows apply`). It answers the ids created, updated,
// unchanged and deleted (or that would be, with dry_run). Pruning deletes
// flows, so it needs the delete permission as well. Paths of findings and
// warnings point into the body ("flows[2].id").
func (s *server) applyFlows(c echo.Context) error {
	body, err := readObject(c)
	if err != nil {
		return err
	}
	docs, opts, err := applyRequest(body)
	if err != nil {
		return err
	}
	if opts.Prune && !s.Access.Allows(callerOf(c), storage.SystemFlows, access.ActionDelete, "") {
		return errForbidden
	}
	res, err := s.Catalog.Apply(c.Request().Context(), docs, opts)
	var findings flows.ValidationErrors
	if errors.As(err, &findings) {
		var inBody flows.ValidationErrors
		inBody.Merge("flows", findings)
		return inBody
	}
	if err != nil {
		return err
	}
	meta := map[string]any{"dry_run": opts.DryRun}
	if len(res.Warnings) > 0 {
		var warnings flows.ValidationErrors
		warnings.Merge("flows", res.Warnings)
		meta["warnings"] = warnings
	}
	return writeJSON(c, http.StatusOK, map[string]any{
		"data": map[string]any{
			"created":   res.Created,
			"updated":   res.Updated,
			"unchanged": res.Unchanged,
			"deleted":   res.Deleted,
		},
		"meta": meta,
	})
}

// applyRequest reads the body of POST /flows/apply.
func applyRequest(body map[string]any) ([]map[string]any, triggers.ApplyOptions, error) {
	var opts triggers.ApplyOptions
	var errs flows.ValidationErrors
	for k, v := range body {
		switch k {
		case "flows":
		case "prune", "dry_run":
			b, ok := v.(bool)
			if !ok {
				errs.Add(k, "must be true or false")
			}
			if k == "prune" {
				opts.Prune = b
			} else {
				opts.DryRun = b
			}
		default:
			errs.Add(k, "unknown field (expected flows, prune, dry_run)")
		}
	}
	list, ok := body["flows"].([]any)
	if !ok {
		errs.Add("flows", "must be an array of flow documents")
	}
	docs := make([]map[string]any, len(list))
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			errs.Add(fmt.Sprintf("flows[%d]", i), "must be a flow object")
		}
		docs[i] = m
	}
	return docs, opts, errs.Err()
}
