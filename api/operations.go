package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/hookflow/hookflow/flows"
	"github.com/labstack/echo/v4"
)

// The Directus-shaped /operations API edits one operation of a flow at a
// time. Each change loads the flow, applies the change, re-validates the
// whole flow and saves it: the flow stays the unit of consistency, and its
// plan is recompiled. Nothing is chained implicitly here.

// listOperations lists operations, optionally of one flow (?flow=<id>),
// shaped by the global query parameters: the Directus SDK reads a flow's
// operations with filter[flow][_eq]=<id>.
func (s *server) listOperations(c echo.Context) error {
	ctx := c.Request().Context()
	var list []*flows.Flow
	if id := c.QueryParam("flow"); id != "" {
		f, err := s.Store.GetFlow(ctx, id)
		if err != nil {
			return err
		}
		list = []*flows.Flow{f}
	} else {
		all, err := s.Store.ListFlows(ctx)
		if err != nil {
			return err
		}
		list = all
	}
	ops := []*flows.Operation{}
	for _, f := range list {
		ops = append(ops, f.Operations...)
	}
	docs, err := documents(ops)
	if err != nil {
		return err
	}
	return writeList(c, "operations", docs)
}

// getOperation returns one operation.
func (s *server) getOperation(c echo.Context) error {
	_, op, err := s.findOperation(c)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, op)
}

// createOperations adds one operation (object body) or several (array,
// all or nothing) to their flows (`flow` field). Ids are UUIDs unless
// given; keys default to `<type>_<n>`. An operation added to a flow
// without an entry becomes it.
func (s *server) createOperations(c echo.Context) error {
	ctx := c.Request().Context()
	docs, isArray, err := readObjects(c, "operation")
	if err != nil {
		return err
	}
	created := make([]*flows.Operation, 0, len(docs))
	err = s.Catalog.Edit(func() error {
		byID := map[string]*flows.Flow{}
		var changed []*flows.Flow
		var all flows.ValidationErrors
		for i, doc := range docs {
			prefix := ""
			if isArray {
				prefix = fmt.Sprintf("[%d]", i)
			}
			op, errs := flows.DecodeOperation(doc)
			if op.Flow == "" {
				errs.Add("flow", "is required: the id of the flow the operation belongs to")
			}
			if len(errs) > 0 {
				all.Merge(prefix, errs)
				continue
			}
			f := byID[op.Flow]
			if f == nil {
				loaded, err := s.Store.GetFlow(ctx, op.Flow)
				if isNotFound(err) {
					all.Add(flows.JoinPath(prefix, "flow"), "names no existing flow")
					continue
				}
				if err != nil {
					return err
				}
				f, byID[op.Flow] = loaded, loaded
				changed = append(changed, f)
			}
			if op.ID == "" {
				op.ID = uuid.NewString()
			}
			if op.Key == "" {
				op.Key = flows.GenerateKey(f, op.Type)
			}
			op.DateCreated = time.Now().UTC()
			if f.OperationByID(op.ID) != nil {
				return &apiError{Status: http.StatusConflict, Code: "RECORD_NOT_UNIQUE",
					Message: fmt.Sprintf("flow %s already has an operation with id %q", f.ID, op.ID)}
			}
			f.Operations = append(f.Operations, op)
			if f.Operation == nil {
				f.Operation = &op.ID
			}
			created = append(created, op)
		}
		if len(all) > 0 {
			return all
		}
		return s.saveEdited(ctx, changed...)
	})
	if err != nil {
		return err
	}
	if isArray {
		return writeData(c, http.StatusOK, created)
	}
	return writeData(c, http.StatusOK, created[0])
}

// patchOperation changes the fields given of one operation.
func (s *server) patchOperation(c echo.Context) error {
	ctx := c.Request().Context()
	patch, err := readObject(c)
	if err != nil {
		return err
	}
	var updated *flows.Operation
	err = s.Catalog.Edit(func() error {
		f, op, err := s.findOperation(c)
		if err != nil {
			return err
		}
		doc, err := document(f)
		if err != nil {
			return err
		}
		var current map[string]any
		for _, o := range doc["operations"].([]any) {
			if m := o.(map[string]any); m["id"] == op.ID {
				current = m
			}
		}
		for k, v := range patch {
			current[k] = v
		}
		if id, ok := current["id"].(string); !ok || id != op.ID {
			return flows.ValidationErrors{{Path: "id", Message: "cannot change an operation's id"}}
		}
		if flowID, ok := current["flow"].(string); ok && flowID != f.ID {
			return flows.ValidationErrors{{Path: "flow", Message: "cannot move an operation to another flow"}}
		}
		var errs flows.ValidationErrors
		updated, errs = flows.DecodeOperation(current)
		if len(errs) > 0 {
			return errs
		}
		updated.Flow, updated.DateCreated = f.ID, op.DateCreated
		for i, o := range f.Operations {
			if o.ID == op.ID {
				f.Operations[i] = updated
			}
		}
		return s.saveEdited(ctx, f)
	})
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, updated)
}

// deleteOperation removes an operation; edges that pointed at it (and the
// flow's entry, if it was the entry) are cleared, as Directus does.
func (s *server) deleteOperation(c echo.Context) error {
	err := s.Catalog.Edit(func() error {
		f, op, err := s.findOperation(c)
		if err != nil {
			return err
		}
		kept := f.Operations[:0]
		for _, o := range f.Operations {
			if o.ID == op.ID {
				continue
			}
			if o.Resolve != nil && *o.Resolve == op.ID {
				o.Resolve = nil
			}
			if o.Reject != nil && *o.Reject == op.ID {
				o.Reject = nil
			}
			kept = append(kept, o)
		}
		f.Operations = kept
		if f.Operation != nil && *f.Operation == op.ID {
			f.Operation = nil
		}
		return s.saveEdited(c.Request().Context(), f)
	})
	if err != nil {
		return err
	}
	return noContent(c)
}

// saveEdited validates and saves flows changed through /operations, in one
// transaction; findings point into the flow (`operations[2].options.filter`).
// Callers hold Catalog.Edit.
func (s *server) saveEdited(ctx context.Context, fs ...*flows.Flow) error {
	now := time.Now().UTC()
	for _, f := range fs {
		f.DateUpdated = &now
	}
	return s.Catalog.Save(ctx, fs...)
}

// findOperation resolves /operations/{id}. Seed-form ids (such as
// "validate") may repeat across flows; ?flow=<id> then picks one.
func (s *server) findOperation(c echo.Context) (*flows.Flow, *flows.Operation, error) {
	ctx := c.Request().Context()
	id := c.Param("id")
	flowIDs, err := s.Store.FlowIDsOfOperation(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	flowID := flows.CanonicalID(c.QueryParam("flow"))
	switch {
	case flowID != "":
		found := false
		for _, f := range flowIDs {
			found = found || f == flowID
		}
		if !found {
			return nil, nil, notFound("operation", id)
		}
	case len(flowIDs) == 0:
		return nil, nil, notFound("operation", id)
	case len(flowIDs) > 1:
		return nil, nil, &apiError{Status: http.StatusConflict, Code: "AMBIGUOUS_ID",
			Message: fmt.Sprintf("operation id %q exists in %d flows; add ?flow=<flow id>", id, len(flowIDs))}
	default:
		flowID = flowIDs[0]
	}
	f, err := s.Store.GetFlow(ctx, flowID)
	if err != nil {
		return nil, nil, err
	}
	op := f.OperationByID(id)
	if op == nil {
		return nil, nil, notFound("operation", id)
	}
	return f, op, nil
}

func notFound(kind, id string) error {
	return &apiError{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: fmt.Sprintf("%s %q does not exist", kind, id)}
}

func isNotFound(err error) bool {
	var a *apiError
	return errors.As(err, &a) && a.Status == http.StatusNotFound || errorsIsNotFound(err)
}
