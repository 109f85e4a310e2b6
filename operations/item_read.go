package operations

import (
	"context"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
)

// ItemRead reads items of a collection (docs/items.md#item-operations): with `key`, that item (an
// object; not found fails with 404); otherwise an array of the items `keys`
// and `query` select, or the aggregate rows of an aggregate query
// ([{"count": 12}], which a following condition reads as {"count": 12}).
// Options: collection, key, keys, query, permissions (emitEvents is
// accepted, as Directus sends it, and means nothing for a read).
type ItemRead Items

// Prepare checks the options and compiles the query.
func (op ItemRead) Prepare(p Prepare) (Step, error) {
	var errs flows.ValidationErrors
	checkKnown(p.Options, &errs, "collection", "key", "keys", "query", "permissions", "emitEvents")
	checkItemOptions(p.Options, &errs)
	checkSelection(withoutQuery(p.Options), false, &errs)
	step := &itemReadStep{
		selector: selectorOf(p.Options),
		itemBase: itemBase{Items: Items(op), action: "read"},
		query:    prepareQueryOption(p, &errs),
	}
	if c, isStr := p.Options["collection"].(string); isStr && !isTemplate(c) {
		step.collection = c
	}
	return step, errs.Err()
}

// withoutQuery hides `query` from the key/keys/query exclusivity check:
// a read may narrow keys with a query.
func withoutQuery(opts map[string]any) map[string]any {
	out := make(map[string]any, len(opts))
	for k, v := range opts {
		if k != "query" {
			out[k] = v
		}
	}
	return out
}

type itemReadStep struct {
	itemBase
	selector   selector // key or keys as the flow gives them
	query      *queryOption
	collection string // the collection when it is constant
}

// ReadCollections is the collection read, or any when it is templated.
func (s *itemReadStep) ReadCollections() ([]string, bool) {
	if s.collection == "" {
		return nil, true
	}
	return []string{s.collection}, false
}

// SelfRendered: the query is compiled by the step.
func (s *itemReadStep) SelfRendered() []string { return []string{"query"} }

// Run reads.
func (s *itemReadStep) Run(ctx context.Context, in Input) (any, error) {
	t, err := s.begin(ctx, in)
	if err != nil {
		return nil, err
	}
	params, err := s.query.resolve(ctx, t, in)
	if err != nil {
		return nil, err
	}
	keys, single, err := selection(in.Options, s.selector)
	if err != nil {
		return nil, err
	}
	if single {
		item, err := s.Store.GetItem(ctx, t.collection, keys[0])
		if err != nil {
			return nil, itemFailure(s.action, err)
		}
		if params != nil {
			item = params.Fields.Project(item)
		}
		return item, nil
	}
	page, err := s.Store.ReadItems(ctx, t.collection, storage.ItemQuery{Params: params, Keys: keys, Env: t.env})
	if err != nil {
		return nil, itemFailure(s.action, err)
	}
	return listOf(page.Data), nil
}
