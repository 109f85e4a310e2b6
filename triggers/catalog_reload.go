package triggers

import "context"

// FollowChange makes the catalog serve a flow that another server sharing
// the database changed (storage.TopicFlows) as it is stored now (Reload).
// It waits for the edits made here, so that a flow edited here while the
// change arrives keeps the newer of the two.
func (c *Catalog) FollowChange(ctx context.Context, id string) error {
	return c.withEditLock(func() error { return c.Reload(ctx, id) })
}

// FollowAll makes the catalog serve every flow as stored now, after a
// change notification from another server was missed; like FollowChange
// it waits for the edits made here.
func (c *Catalog) FollowAll(ctx context.Context) error {
	return c.withEditLock(func() error { return c.Load(ctx) })
}
