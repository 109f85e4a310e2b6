package operations

import (
	"context"

	"github.com/hookflow/hookflow/flows"
)

// ItemDelete removes items (docs/items.md#item-operations): the item `key` names (returns its
// id), or those `keys` or `query` select (returns their ids). One of the
// three is required, so that no flow deletes a whole collection by
// leaving it out. Options: collection, key, keys, query, permissions,
// emitEvents.
type ItemDelete Items

// Prepare checks the options and compiles the query.
func (op ItemDelete) Prepare(p Prepare) (Step, error) {
	var errs flows.ValidationErrors
	checkKnown(p.Options, &errs, "collection", "key", "keys", "query", "permissions", "emitEvents")
	checkItemOptions(p.Options, &errs)
	checkSelection(p.Options, true, &errs)
	step := &itemDeleteStep{
		selector: selectorOf(p.Options),
		itemBase: itemBase{Items: Items(op), action: "delete"},
		query:    prepareQueryOption(p, &errs),
	}
	return step, errs.Err()
}

type itemDeleteStep struct {
	itemBase
	selector selector // key or keys as the flow gives them
	query    *queryOption
}

// SelfRendered: the query is compiled by the step.
func (s *itemDeleteStep) SelfRendered() []string { return []string{"query"} }

// Run deletes.
func (s *itemDeleteStep) Run(ctx context.Context, in Input) (any, error) {
	t, err := s.begin(ctx, in)
	if err != nil {
		return nil, err
	}
	sel, single, err := writeSelection(ctx, t, in, s.selector, s.query)
	if err != nil {
		return nil, err
	}
	ids, err := s.Store.DeleteItems(ctx, t.collection, sel, t.write)
	if err != nil {
		return nil, itemFailure(s.action, err)
	}
	if single {
		return ids[0], nil
	}
	return ids, nil
}
