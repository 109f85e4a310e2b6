package triggers

import (
	"context"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
)

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// Prune deletes the saved flows the documents do not hold.
	Prune bool
	// DryRun changes nothing: the result says what would change.
	DryRun bool
}

// ApplyResult says what an apply changed, or would change: flow ids in
// the order of the documents (Deleted: in the order flows were created).
type ApplyResult struct {
	Created   []string
	Updated   []string
	Unchanged []string
	Deleted   []string
	// Warnings name `$env` variables outside the allow list ("[i]" is
	// the document).
	Warnings flows.ValidationErrors
}

// Apply makes the saved flows what the documents say, all or nothing
// (`hookflow flows apply`, POST /flows/apply): every document is checked
// first (CheckFlowFiles: each needs its id), and one finding anywhere
// changes nothing. A flow whose canonical file is unchanged is not saved
// again; new flows are created, changed ones replaced, and with
// opts.Prune the flows the documents do not hold are deleted, in one
// transaction.
func (c *Catalog) Apply(ctx context.Context, docs []map[string]any, opts ApplyOptions) (*ApplyResult, error) {
	res := &ApplyResult{
		Created:   []string{},
		Updated:   []string{},
		Unchanged: []string{},
		Deleted:   []string{},
	}
	err := c.withSharedEditLock(ctx, func() error {
		fs, warnings, findings := CheckFlowFiles(c.engine, docs, nil)
		res.Warnings = warnings
		if len(findings) > 0 {
			return findings
		}
		saved, err := c.store.ListFlows(ctx)
		if err != nil {
			return err
		}
		byID := make(map[string]*flows.Flow, len(saved))
		for _, f := range saved {
			byID[flows.CanonicalID(f.ID)] = f
		}
		now := time.Now().UTC()
		var save []*flows.Flow
		for _, f := range fs {
			existing := byID[f.ID]
			delete(byID, f.ID)
			if existing == nil {
				stamp(f, nil, now)
				save, res.Created = append(save, f), append(res.Created, f.ID)
				continue
			}
			f.ID = existing.ID // as stored, whatever its case
			if sameFile(f, existing) {
				res.Unchanged = append(res.Unchanged, f.ID)
				continue
			}
			stamp(f, existing, now)
			save, res.Updated = append(save, f), append(res.Updated, f.ID)
		}
		if opts.Prune {
			for _, f := range saved {
				if byID[flows.CanonicalID(f.ID)] != nil {
					res.Deleted = append(res.Deleted, f.ID)
				}
			}
		}
		if opts.DryRun || len(save)+len(res.Deleted) == 0 {
			return nil
		}
		return c.commit(ctx, save, res.Deleted)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// commit compiles the flows to save, then saves them and deletes the
// flows remove names in one transaction, and makes the change live.
func (c *Catalog) commit(ctx context.Context, save []*flows.Flow, remove []string) error {
	plans := make([]*engine.Plan, len(save))
	for i, f := range save {
		p, err := c.Compile(f)
		if err != nil {
			return err
		}
		plans[i] = p
	}
	if err := c.store.ApplyFlows(ctx, save, remove); err != nil {
		return err
	}
	c.setPlans(plans, remove)
	return nil
}
