package triggers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
)

// Catalog is the set of saved flows, each compiled into a plan. Plans are
// compiled when a flow is saved (or when the server starts) and looked up
// by id on every trigger.
type Catalog struct {
	engine *engine.Engine
	store  *storage.Store
	logger *slog.Logger

	mu    sync.RWMutex
	plans map[string]*engine.Plan
	// edit serializes read-modify-write changes of saved flows
	// (withEditLock).
	edit sync.Mutex
	// index finds the flows that start on their own (event_index.go),
	// rebuilt with every change of plans; changed is signalled then.
	index   atomic.Pointer[triggerIndex]
	changed chan struct{}
}

// withEditLock runs fn alone among the edits of saved flows on this
// server. Loading flows again (catalog_reload.go) runs inside, so that a
// reload does not put back a version an edit is replacing. fn must not
// call withEditLock.
func (c *Catalog) withEditLock(fn func() error) error {
	c.edit.Lock()
	defer c.edit.Unlock()
	return fn()
}

// withSharedEditLock runs fn alone among the edits of saved flows on
// every server of the database (flow_edit.go, operation_edit.go,
// flow_put.go, flow_apply.go). A change that loads a saved flow, changes
// it and saves it runs inside, so two concurrent edits of one flow (an
// editor adding two operations at once, or two servers behind a load
// balancer each changing one operation) cannot overwrite each other.
func (c *Catalog) withSharedEditLock(ctx context.Context, fn func() error) error {
	return c.withEditLock(func() error { return c.store.WithFlowEditLock(ctx, fn) })
}

// NewCatalog returns an empty catalog; call Load to fill it from the store.
func NewCatalog(e *engine.Engine, store *storage.Store, logger *slog.Logger) *Catalog {
	c := &Catalog{
		engine:  e,
		store:   store,
		logger:  logger,
		plans:   map[string]*engine.Plan{},
		changed: make(chan struct{}, 1),
	}
	c.index.Store(emptyIndex())
	return c
}

// reindex rebuilds the index of flows that start on their own; call it
// with mu held, after changing plans.
func (c *Catalog) reindex() {
	c.index.Store(newTriggerIndex(c.plans))
	select {
	case c.changed <- struct{}{}:
	default:
	}
}

// triggers is the current index of flows that start on their own.
func (c *Catalog) triggers() *triggerIndex { return c.index.Load() }

// Changed is signalled after flows were saved or deleted (for the
// scheduler; one reader).
func (c *Catalog) Changed() <-chan struct{} { return c.changed }

// Load compiles every stored flow. A flow that no longer compiles (for
// example one using an operation type this build lacks) is logged and left
// out, so one bad flow cannot keep the server from starting.
func (c *Catalog) Load(ctx context.Context) error {
	all, err := c.store.ListFlows(ctx)
	if err != nil {
		return fmt.Errorf("load flows: %w", err)
	}
	plans := make(map[string]*engine.Plan, len(all))
	for _, f := range all {
		if p := c.compileSaved(f); p != nil {
			plans[catalogKey(f.ID)] = p
		}
	}
	c.mu.Lock()
	c.plans = plans
	c.reindex()
	c.mu.Unlock()
	return nil
}

// compileSaved compiles a flow read from the store; one that no longer
// compiles is logged and left out (nil).
func (c *Catalog) compileSaved(f *flows.Flow) *engine.Plan {
	if errs := flows.CheckGraph(f); len(errs) > 0 {
		c.logger.Error("stored flow is invalid; it will not run", "flow", f.ID, "error", errs)
		return nil
	}
	p, err := c.engine.Compile(f)
	if err != nil {
		c.logger.Error("stored flow does not compile; it will not run", "flow", f.ID, "error", err)
		return nil
	}
	return p
}

// Reload makes the catalog's plan of flow id what the store holds now:
// compiled again when the flow exists (left out, and logged, when it no
// longer compiles), dropped when it does not. It is the one entry point
// for a change the catalog did not make itself, such as another server
// on the same database saving or deleting the flow.
func (c *Catalog) Reload(ctx context.Context, id string) error {
	f, err := c.store.GetFlow(ctx, id)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		c.setPlans(nil, []string{id})
		return nil
	case err != nil:
		return fmt.Errorf("reload flow %s: %w", id, err)
	}
	if p := c.compileSaved(f); p != nil {
		c.setPlans([]*engine.Plan{p}, nil)
	} else {
		c.setPlans(nil, []string{f.ID})
	}
	return nil
}

// setPlans makes plans live and drops the plans of the flows remove
// names, at once for every trigger.
func (c *Catalog) setPlans(plans []*engine.Plan, remove []string) {
	c.mu.Lock()
	for _, id := range remove {
		delete(c.plans, catalogKey(id))
	}
	for _, p := range plans {
		c.plans[catalogKey(p.Flow.ID)] = p
	}
	c.reindex()
	c.mu.Unlock()
}

// Compile checks a flow's graph and compiles it without saving it; the
// findings of both checks are reported together. Uploads are checked
// further before they are saved (CheckDocument, CheckEditedFlow).
func (c *Catalog) Compile(f *flows.Flow) (*engine.Plan, error) {
	return compileFlow(c.engine, f, c.engine.Compile)
}

// Save compiles and stores flows in one transaction, then makes their new
// plans live. Nothing is stored when any flow has findings.
func (c *Catalog) Save(ctx context.Context, fs ...*flows.Flow) error {
	plans := make([]*engine.Plan, len(fs))
	var all flows.ValidationErrors
	for i, f := range fs {
		p, err := c.Compile(f)
		if err != nil {
			var verrs flows.ValidationErrors
			if errors.As(err, &verrs) && len(fs) > 1 {
				all.Merge(fmt.Sprintf("[%d]", i), verrs)
				continue
			}
			if len(fs) == 1 {
				return err
			}
			all.Add(fmt.Sprintf("[%d]", i), "%v", err)
			continue
		}
		plans[i] = p
	}
	if len(all) > 0 {
		return all
	}
	if err := c.store.SaveFlows(ctx, fs...); err != nil {
		return err
	}
	c.mu.Lock()
	for _, p := range plans {
		c.plans[catalogKey(p.Flow.ID)] = p
	}
	c.reindex()
	c.mu.Unlock()
	return nil
}

// Delete removes a flow from the store and the catalog.
func (c *Catalog) Delete(ctx context.Context, id string) error {
	if err := c.store.DeleteFlow(ctx, id); err != nil {
		return err
	}
	c.mu.Lock()
	delete(c.plans, catalogKey(id))
	c.reindex()
	c.mu.Unlock()
	return nil
}

// Plan returns the compiled plan of a flow. Flow ids (UUIDs and slugs)
// are matched whatever the case of their letters
// (/flows/trigger/<ID IN UPPER CASE>).
func (c *Catalog) Plan(id string) (*engine.Plan, bool) {
	c.mu.RLock()
	p, ok := c.plans[id]
	if !ok {
		if key := catalogKey(id); key != id {
			p, ok = c.plans[key]
		}
	}
	c.mu.RUnlock()
	return p, ok
}

// catalogKey is the key of a flow id in the catalog: its lower-case form.
// Ids are saved in that form; the catalog lowers them again for flows saved
// before it was the rule.
func catalogKey(id string) string { return strings.ToLower(id) }
