package triggers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
)

// PutFlow creates the flow id from doc when there is none (created is
// true) and replaces it otherwise, as ReplaceFlow does (a document that
// changes nothing saves nothing): create-or-update, so that applying a
// flow file twice is a no-op. The id is a UUID or a slug
// (flows.ValidID); the document may leave it out or repeat it.
func (c *Catalog) PutFlow(ctx context.Context, id string, doc map[string]any,
) (f *flows.Flow, created bool, warnings flows.ValidationErrors, err error) {
	err = c.withSharedEditLock(ctx, func() error {
		existing, err := c.store.GetFlow(ctx, id)
		switch {
		case err == nil:
			f, warnings, err = c.replaceLocked(ctx, existing, doc, true)
			return err
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		created = true
		f, warnings, err = c.createLocked(ctx, id, doc)
		return err
	})
	if err != nil {
		return nil, false, nil, err
	}
	return f, created, warnings, nil
}

// createLocked checks doc as the new flow id and saves it; the caller
// holds the edit lock and found no flow id.
func (c *Catalog) createLocked(ctx context.Context, id string, doc map[string]any) (*flows.Flow, flows.ValidationErrors, error) {
	doc = flows.UnwrapData(doc)
	if finding := flows.IDFinding(id); finding != "" {
		return nil, nil, flows.ValidationErrors{{Path: "id", Message: "the id in the URL " + finding}}
	}
	if given, ok := doc["id"].(string); ok && flows.CanonicalID(given) != flows.CanonicalID(id) {
		return nil, nil, flows.ValidationErrors{{Path: "id", Message: fmt.Sprintf("is %s, but the URL names flow %s", given, id)}}
	}
	doc["id"] = flows.CanonicalID(id)
	f, warnings, errs := CheckDocument(c.engine, doc)
	if len(errs) > 0 {
		return nil, nil, errs
	}
	stamp(f, nil, time.Now().UTC())
	return f, warnings, c.Save(ctx, f)
}
