package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/labstack/echo/v4"
)

// listFlows lists the flows with their operations, shaped by the global
// query parameters (filter, search, sort, limit, offset, page, fields,
// meta) as Directus lists are.
func (s *server) listFlows(c echo.Context) error {
	all, err := s.Store.ListFlows(c.Request().Context())
	if err != nil {
		return err
	}
	docs, err := documents(all)
	if err != nil {
		return err
	}
	return writeList(c, "flows", docs)
}

// getFlow returns one flow.
func (s *server) getFlow(c echo.Context) error {
	f, err := s.Store.GetFlow(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, f)
}

// createFlows creates one flow (object body) or several (array body, all or
// nothing). Every finding of every flow is reported at once.
func (s *server) createFlows(c echo.Context) error {
	ctx := c.Request().Context()
	docs, isArray, err := readObjects(c, "flow")
	if err != nil {
		return err
	}
	created := make([]*flows.Flow, len(docs))
	if err := s.Catalog.Edit(func() error { return s.createChecked(ctx, docs, isArray, created) }); err != nil {
		return err
	}
	if isArray {
		return writeData(c, http.StatusOK, created)
	}
	return writeData(c, http.StatusOK, created[0])
}

// createChecked decodes and saves new flows into created, all or nothing;
// callers hold Catalog.Edit, so an id cannot be taken between the check
// and the save. Findings are a 400; when there are none, an id that a
// saved flow or an earlier flow of the same request has is a 409
// RECORD_NOT_UNIQUE, as for every other record.
func (s *server) createChecked(ctx context.Context, docs []map[string]any, isArray bool, created []*flows.Flow) error {
	now := time.Now().UTC()
	var all flows.ValidationErrors
	var conflict error
	seen := make(map[string]bool, len(docs))
	for i, doc := range docs {
		prefix := ""
		if isArray {
			prefix = fmt.Sprintf("[%d]", i)
		}
		f, errs := s.decodeAndCheck(doc)
		all.Merge(prefix, errs)
		if f.ID == "" {
			f.ID = uuid.NewString()
		} else if conflict == nil {
			conflict = s.idTaken(ctx, f.ID, seen, flows.JoinPath(prefix, "id"))
		}
		seen[f.ID] = true
		stamp(f, nil, now)
		created[i] = f
	}
	if len(all) > 0 {
		return all
	}
	if conflict != nil {
		return conflict
	}
	return s.Catalog.Save(ctx, created...)
}

// idTaken is the conflict of a new flow whose id a saved flow or an
// earlier flow of the request (seen) has, or nil.
func (s *server) idTaken(ctx context.Context, id string, seen map[string]bool, path string) error {
	var msg string
	if seen[id] {
		msg = fmt.Sprintf("%s: flow id %s is given twice in this request", path, id)
	} else if _, err := s.Store.GetFlow(ctx, id); err == nil {
		msg = fmt.Sprintf("%s: a flow with id %s already exists (use PUT or PATCH /flows/%s to change it)", path, id, id)
	} else if !isNotFound(err) {
		return err
	} else {
		return nil
	}
	return &apiError{Status: http.StatusConflict, Code: "RECORD_NOT_UNIQUE", Message: msg, Extra: map[string]any{"path": path}}
}

// patchFlow changes the fields given; `operations`, when given, replaces
// the whole graph (seed shape, with the implicit-sequence rule).
func (s *server) patchFlow(c echo.Context) error {
	patch, err := readObject(c)
	if err != nil {
		return err
	}
	return s.saveReplacement(c, func(existing *flows.Flow) (map[string]any, error) {
		doc, err := document(existing)
		if err != nil {
			return nil, err
		}
		for k, v := range patch {
			doc[k] = v
		}
		_, newGraph := patch["operations"]
		if _, newEntry := patch["operation"]; newGraph && !newEntry && !namesOperation(patch["operations"], doc["operation"]) {
			// The entry was an operation of the old graph: the new one
			// starts at its first operation, as a flow created without
			// `operation` does.
			delete(doc, "operation")
		}
		return doc, nil
	})
}

// namesOperation reports whether ref (a flow's `operation`) is the id or
// key of one of the operation documents in list.
func namesOperation(list, ref any) bool {
	ops, _ := list.([]any)
	name, _ := ref.(string)
	for _, op := range ops {
		m, _ := op.(map[string]any)
		if name != "" && (m["id"] == name || m["key"] == name) {
			return true
		}
	}
	return false
}

// replaceFlow replaces a flow with the document sent.
func (s *server) replaceFlow(c echo.Context) error {
	doc, err := readObject(c)
	if err != nil {
		return err
	}
	return s.saveReplacement(c, func(*flows.Flow) (map[string]any, error) { return doc, nil })
}

// saveReplacement loads the flow of the URL, validates the document next
// builds from it and saves it, under Catalog.Edit so that no concurrent
// change of the flow is lost.
func (s *server) saveReplacement(c echo.Context, next func(existing *flows.Flow) (map[string]any, error)) error {
	ctx := c.Request().Context()
	var f *flows.Flow
	err := s.Catalog.Edit(func() error {
		existing, err := s.Store.GetFlow(ctx, c.Param("id"))
		if err != nil {
			return err
		}
		doc, err := next(existing)
		if err != nil {
			return err
		}
		if id, ok := doc["id"].(string); ok && !strings.EqualFold(id, existing.ID) {
			return flows.ValidationErrors{{Path: "id", Message: "cannot change a flow's id"}}
		}
		doc["id"] = existing.ID
		var errs flows.ValidationErrors
		f, errs = s.decodeAndCheck(doc)
		if len(errs) > 0 {
			return errs
		}
		f.ID = existing.ID // as stored, whatever its case
		stamp(f, existing, time.Now().UTC())
		return s.Catalog.Save(ctx, f)
	})
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, f)
}

// deleteFlow removes a flow and its operations.
func (s *server) deleteFlow(c echo.Context) error {
	err := s.Catalog.Edit(func() error { return s.Catalog.Delete(c.Request().Context(), c.Param("id")) })
	if err != nil {
		return err
	}
	return noContent(c)
}

// decodeAndCheck decodes a flow document and compiles it, returning every
// finding of both steps.
func (s *server) decodeAndCheck(doc map[string]any) (*flows.Flow, flows.ValidationErrors) {
	f, errs := flows.Decode(doc)
	if _, err := s.Catalog.Compile(f); err != nil {
		var cerrs flows.ValidationErrors
		if !errors.As(err, &cerrs) {
			cerrs = flows.ValidationErrors{{Message: err.Error()}}
		}
		errs = append(errs, cerrs...)
	}
	return f, errs.Unique()
}

// stamp sets creation and update times; operations keep the creation time
// they had in the previous version of the flow.
func stamp(f *flows.Flow, previous *flows.Flow, now time.Time) {
	if previous == nil {
		f.DateCreated = now
	} else {
		f.DateCreated = previous.DateCreated
		f.DateUpdated = &now
	}
	for _, op := range f.Operations {
		op.Flow = f.ID
		op.DateCreated = now
		if previous != nil {
			if old := previous.OperationByID(op.ID); old != nil {
				op.DateCreated = old.DateCreated
			}
		}
	}
}

// document turns a stored flow back into the document form Decode reads.
func document(f *flows.Flow) (map[string]any, error) {
	raw, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	return jsonnum.DecodeObject(raw)
}
