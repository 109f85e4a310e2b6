package triggers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/storage"
)

// The rules of editing saved flows live here: every change loads what it
// changes, validates the whole flow and saves it while holding the edit
// lock, so two concurrent edits of one flow cannot overwrite each other.
// The HTTP API only decodes, calls these and encodes.

// CreateFlows decodes, checks and saves new flows, all or nothing. Flows
// without an id get a UUID. Every finding of every document comes back at
// once (paths prefixed with "[i]" when several were sent); when there are
// none, an id that a saved flow or an earlier document has is an
// *IDConflictError. warnings name `$env` variables outside the allow
// list.
func (c *Catalog) CreateFlows(ctx context.Context, docs []map[string]any, several bool) (created []*flows.Flow, warnings flows.ValidationErrors, err error) {
	created = make([]*flows.Flow, len(docs))
	err = c.withSharedEditLock(ctx, func() error {
		now := time.Now().UTC()
		var all flows.ValidationErrors
		var conflict error
		seen := make(map[string]bool, len(docs))
		for i, doc := range docs {
			prefix := ""
			if several {
				prefix = fmt.Sprintf("[%d]", i)
			}
			f, w, errs := CheckDocument(c.engine, doc)
			warnings.Merge(prefix, w)
			all.Merge(prefix, errs)
			if f.ID == "" {
				f.ID = uuid.NewString()
			} else if conflict == nil {
				conflict = c.idTaken(ctx, f.ID, seen, flows.JoinPath(prefix, "id"))
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
		return c.Save(ctx, created...)
	})
	if err != nil {
		return nil, nil, err
	}
	return created, warnings, nil
}

// idTaken is the conflict of a new flow whose id a saved flow or an
// earlier flow of the same request (seen) has, or nil.
func (c *Catalog) idTaken(ctx context.Context, id string, seen map[string]bool, path string) error {
	if seen[id] {
		return &IDConflictError{Path: path, Message: fmt.Sprintf("%s: flow id %s is given twice in this request", path, id)}
	}
	_, err := c.store.GetFlow(ctx, id)
	switch {
	case err == nil:
		return &IDConflictError{Path: path, Message: fmt.Sprintf(
			"%s: a flow with id %s already exists (use PUT or PATCH /flows/%s to change it)", path, id, id)}
	case errors.Is(err, storage.ErrNotFound):
		return nil
	default:
		return err
	}
}

// ReplaceFlow replaces the saved flow id with doc. The document may not
// name another id. A document that changes nothing an author writes (its
// canonical file is the same) saves nothing: the flow is returned as it
// is, so applying a file twice is a no-op.
func (c *Catalog) ReplaceFlow(ctx context.Context, id string, doc map[string]any) (*flows.Flow, flows.ValidationErrors, error) {
	return c.editFlow(ctx, id, true, func(*flows.Flow) (map[string]any, error) { return doc, nil })
}

// PatchFlow changes the fields patch gives of the saved flow id;
// `operations`, when given, replaces the whole graph (seed shape, with the
// implicit-sequence rule). The entry stays the operation it named while
// the new graph holds it, else the first operation leads.
func (c *Catalog) PatchFlow(ctx context.Context, id string, patch map[string]any) (*flows.Flow, flows.ValidationErrors, error) {
	return c.editFlow(ctx, id, false, func(existing *flows.Flow) (map[string]any, error) {
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

// editFlow loads the saved flow id, validates the document next builds
// from it and saves it, holding the edit lock so that no concurrent
// change of the flow is lost. With keepUnchanged, a flow whose canonical
// file stays the same is not saved again.
func (c *Catalog) editFlow(ctx context.Context, id string, keepUnchanged bool,
	next func(existing *flows.Flow) (map[string]any, error),
) (f *flows.Flow, warnings flows.ValidationErrors, err error) {
	err = c.withSharedEditLock(ctx, func() error {
		existing, err := c.store.GetFlow(ctx, id)
		if err != nil {
			return err
		}
		doc, err := next(existing)
		if err != nil {
			return err
		}
		f, warnings, err = c.replaceLocked(ctx, existing, doc, keepUnchanged)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return f, warnings, nil
}

// replaceLocked checks doc as the new version of existing and saves it;
// the caller holds the edit lock. The document may not name another id.
func (c *Catalog) replaceLocked(ctx context.Context, existing *flows.Flow, doc map[string]any, keepUnchanged bool,
) (*flows.Flow, flows.ValidationErrors, error) {
	doc = flows.UnwrapData(doc)
	if given, ok := doc["id"].(string); ok && !strings.EqualFold(given, existing.ID) {
		return nil, nil, flows.ValidationErrors{{Path: "id", Message: "cannot change a flow's id"}}
	}
	doc["id"] = existing.ID
	f, warnings, errs := CheckDocument(c.engine, doc)
	if len(errs) > 0 {
		return nil, nil, errs
	}
	f.ID = existing.ID // as stored, whatever its case
	if keepUnchanged && sameFile(f, existing) {
		return existing, warnings, nil
	}
	stamp(f, existing, time.Now().UTC())
	return f, warnings, c.Save(ctx, f)
}

// sameFile reports whether two versions of a flow have the same canonical
// file: nothing an author writes differs.
func sameFile(a, b *flows.Flow) bool {
	fa, errA := flows.Export(a)
	fb, errB := flows.Export(b)
	return errA == nil && errB == nil && bytes.Equal(fa, fb)
}

// DeleteFlow removes a saved flow and its operations.
func (c *Catalog) DeleteFlow(ctx context.Context, id string) error {
	return c.withSharedEditLock(ctx, func() error { return c.Delete(ctx, id) })
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

// document turns a saved flow back into the document form flows.Decode
// reads.
func document(f *flows.Flow) (map[string]any, error) {
	raw, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	return jsonnum.DecodeObject(raw)
}
