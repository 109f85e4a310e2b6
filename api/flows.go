package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/hookflow/hookflow/flows"
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
	now := time.Now().UTC()
	created := make([]*flows.Flow, len(docs))
	var all flows.ValidationErrors
	for i, doc := range docs {
		prefix := ""
		if isArray {
			prefix = fmt.Sprintf("[%d]", i)
		}
		f, errs := s.decodeAndCheck(doc)
		all.Merge(prefix, errs)
		if f.ID == "" {
			f.ID = uuid.NewString()
		} else if _, err := s.Store.GetFlow(ctx, f.ID); err == nil {
			all.Add(flows.JoinPath(prefix, "id"), "a flow with this id already exists (use PUT to replace it)")
		}
		stamp(f, nil, now)
		created[i] = f
	}
	if len(all) > 0 {
		return all
	}
	if err := s.Catalog.Save(ctx, created...); err != nil {
		return err
	}
	if isArray {
		return writeData(c, http.StatusOK, created)
	}
	return writeData(c, http.StatusOK, created[0])
}

// patchFlow changes the fields given; `operations`, when given, replaces
// the whole graph (seed shape, with the implicit-sequence rule).
func (s *server) patchFlow(c echo.Context) error {
	ctx := c.Request().Context()
	existing, err := s.Store.GetFlow(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	patch, err := readObject(c)
	if err != nil {
		return err
	}
	doc, err := document(existing)
	if err != nil {
		return err
	}
	for k, v := range patch {
		doc[k] = v
	}
	return s.saveReplacement(c, existing, doc)
}

// replaceFlow replaces a flow with the document sent.
func (s *server) replaceFlow(c echo.Context) error {
	ctx := c.Request().Context()
	existing, err := s.Store.GetFlow(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	doc, err := readObject(c)
	if err != nil {
		return err
	}
	return s.saveReplacement(c, existing, doc)
}

// saveReplacement validates a new document for an existing flow and saves it.
func (s *server) saveReplacement(c echo.Context, existing *flows.Flow, doc map[string]any) error {
	if id, ok := doc["id"].(string); ok && id != existing.ID {
		return flows.ValidationErrors{{Path: "id", Message: "cannot change a flow's id"}}
	}
	doc["id"] = existing.ID
	f, errs := s.decodeAndCheck(doc)
	if len(errs) > 0 {
		return errs
	}
	stamp(f, existing, time.Now().UTC())
	if err := s.Catalog.Save(c.Request().Context(), f); err != nil {
		return err
	}
	return writeData(c, http.StatusOK, f)
}

// deleteFlow removes a flow and its operations.
func (s *server) deleteFlow(c echo.Context) error {
	if err := s.Catalog.Delete(c.Request().Context(), c.Param("id")); err != nil {
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
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	return doc, nil
}
