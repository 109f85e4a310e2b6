package access

import (
	"context"

	"github.com/hookflow/hookflow/flows"
)

// createAll reads every uploaded document with read and, when none has a
// finding, stores them all with store as one change. Findings are reported
// together, each with its path ("[2].role" in an array upload).
func createAll[T any](ctx context.Context, s *Service, docs []map[string]any, prefixed bool,
	read func(f fields) T, store func(context.Context, []T) error,
) ([]T, error) {
	var errs flows.ValidationErrors
	out := make([]T, len(docs))
	for i, doc := range docs {
		out[i] = read(fields{m: doc, prefix: docPrefix(i, prefixed), errs: &errs})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if err := s.change(ctx, func() error { return store(ctx, out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// updateOne applies a patch to a stored record with apply and stores it
// as one change, unless the patch has findings.
func updateOne[T any](ctx context.Context, s *Service, current *T, patch map[string]any,
	apply func(f fields, v *T), store func(context.Context, T) error,
) (*T, error) {
	var errs flows.ValidationErrors
	apply(fields{m: patch, errs: &errs}, current)
	if len(errs) > 0 {
		return nil, errs
	}
	if err := s.change(ctx, func() error { return store(ctx, *current) }); err != nil {
		return nil, err
	}
	return current, nil
}
