package triggers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
)

// The Directus-shaped /operations API edits one operation of a flow at a
// time. Each change loads the flow, applies the change, validates the
// whole flow again and saves it: the flow stays the unit of consistency,
// and its plan is recompiled. Nothing is chained implicitly here.

// AddOperations adds operations to their flows (each document's `flow`),
// all or nothing. Ids are UUIDs unless given; keys default to
// `<type>_<n>`. An operation added to a flow without an entry becomes it.
// Findings carry "[i]" prefixes when several were sent; an id the flow
// already has is an *IDConflictError. warnings are those of the changed
// flows (paths inside each flow).
func (c *Catalog) AddOperations(ctx context.Context, docs []map[string]any, several bool,
) (created []*flows.Operation, warnings flows.ValidationErrors, err error) {
	created = make([]*flows.Operation, 0, len(docs))
	err = c.withSharedEditLock(ctx, func() error {
		byID := map[string]*flows.Flow{}
		var changed []*flows.Flow
		var all flows.ValidationErrors
		for i, doc := range docs {
			prefix := ""
			if several {
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
				loaded, err := c.store.GetFlow(ctx, op.Flow)
				if errors.Is(err, storage.ErrNotFound) {
					all.Add(flows.JoinPath(prefix, "flow"), "names no existing flow")
					continue
				}
				if err != nil {
					return err
				}
				f, byID[op.Flow] = loaded, loaded
				changed = append(changed, f)
			}
			if err := addOperation(f, op); err != nil {
				return err
			}
			created = append(created, op)
		}
		if len(all) > 0 {
			return all
		}
		warnings, err = c.saveEdited(ctx, changed...)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return created, warnings, nil
}

// addOperation appends op to f, giving it an id and a key when it has
// none; the first operation of a flow without an entry becomes the entry.
func addOperation(f *flows.Flow, op *flows.Operation) error {
	if op.ID == "" {
		op.ID = uuid.NewString()
	}
	if op.Key == "" {
		op.Key = flows.GenerateKey(f, op.Type)
	}
	op.DateCreated = time.Now().UTC()
	if f.OperationByID(op.ID) != nil {
		return &IDConflictError{Message: fmt.Sprintf("flow %s already has an operation with id %q", f.ID, op.ID)}
	}
	f.Operations = append(f.Operations, op)
	if f.Operation == nil {
		f.Operation = &op.ID
	}
	return nil
}

// PatchOperation changes the fields patch gives of one operation (see
// FindOperation for id and flowID). Its id and flow cannot change.
func (c *Catalog) PatchOperation(ctx context.Context, id, flowID string, patch map[string]any,
) (updated *flows.Operation, warnings flows.ValidationErrors, err error) {
	err = c.withSharedEditLock(ctx, func() error {
		f, op, err := c.FindOperation(ctx, id, flowID)
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
		if given, ok := current["id"].(string); !ok || given != op.ID {
			return flows.ValidationErrors{{Path: "id", Message: "cannot change an operation's id"}}
		}
		if given, ok := current["flow"].(string); ok && given != f.ID {
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
		warnings, err = c.saveEdited(ctx, f)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return updated, warnings, nil
}

// DeleteOperation removes an operation (see FindOperation for id and
// flowID); edges that pointed at it, and the flow's entry if it was the
// entry, are cleared, as Directus does.
func (c *Catalog) DeleteOperation(ctx context.Context, id, flowID string) error {
	return c.withSharedEditLock(ctx, func() error {
		f, op, err := c.FindOperation(ctx, id, flowID)
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
		_, err = c.saveEdited(ctx, f)
		return err
	})
}

// saveEdited stamps and saves flows changed through /operations, in one
// transaction, and returns their warnings; findings point into the flow
// (`operations[2].options`). Callers hold the edit lock.
func (c *Catalog) saveEdited(ctx context.Context, fs ...*flows.Flow) (flows.ValidationErrors, error) {
	now := time.Now().UTC()
	var warnings flows.ValidationErrors
	for _, f := range fs {
		f.DateUpdated = &now
		warnings = append(warnings, CheckEditedFlow(c.engine, f)...)
	}
	return warnings, c.Save(ctx, fs...)
}

// FindOperation reads the operation id and its flow. Seed-form ids (such
// as "validate") may repeat across flows: flowID, when not empty, picks
// the flow; without it an id that several flows hold is an
// *AmbiguousOperationError. An unknown operation is a *NotFoundError.
func (c *Catalog) FindOperation(ctx context.Context, id, flowID string) (*flows.Flow, *flows.Operation, error) {
	flowIDs, err := c.store.FlowIDsOfOperation(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	flowID = flows.CanonicalID(flowID)
	switch {
	case flowID != "":
		found := false
		for _, f := range flowIDs {
			found = found || f == flowID
		}
		if !found {
			return nil, nil, &NotFoundError{Kind: "operation", ID: id}
		}
	case len(flowIDs) == 0:
		return nil, nil, &NotFoundError{Kind: "operation", ID: id}
	case len(flowIDs) > 1:
		return nil, nil, &AmbiguousOperationError{ID: id, Flows: len(flowIDs)}
	default:
		flowID = flowIDs[0]
	}
	f, err := c.store.GetFlow(ctx, flowID)
	if err != nil {
		return nil, nil, err
	}
	op := f.OperationByID(id)
	if op == nil {
		return nil, nil, &NotFoundError{Kind: "operation", ID: id}
	}
	return f, op, nil
}
