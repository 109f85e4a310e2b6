package hookflow

import (
	"context"
	"log/slog"
	"time"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/ratelimit"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/triggers"
	"github.com/hookflow/hookflow/webhooks"
)

// sharedRecount is how often a server sharing its database reads the
// number of unfinished runs behind FLOWS_QUEUE_LIMIT again: other servers
// queue runs too, and between two reads a server knows only its own.
const sharedRecount = time.Second

// followOtherServers keeps what this server holds in memory in step with
// the changes that other servers sharing its database make (storage.Watch,
// nothing on SQLite): compiled flows, permissions and cached tokens,
// webhook subscriptions, and cached GET answers.
func followOtherServers(store *storage.Store, catalog *triggers.Catalog, acl *access.Service, hooks *webhooks.Service,
	cache *triggers.ResponseCache, logger *slog.Logger,
) {
	failed := func(what string, err error) {
		if err != nil {
			logger.Error("following another server's change failed", "change", what, "error", err)
		}
	}
	store.Watch(storage.TopicFlows, func(ctx context.Context, id string) {
		if id == "" {
			failed("flows", catalog.FollowAll(ctx))
			return
		}
		failed("flow "+id, catalog.FollowChange(ctx, id))
	})
	store.Watch(storage.TopicAccess, func(ctx context.Context, _ string) {
		failed("access", acl.Reload(ctx))
	})
	store.Watch(storage.TopicWebhooks, func(ctx context.Context, id string) {
		failed("webhook "+id, hooks.Reload(ctx))
	})
	store.Watch(storage.TopicItems, func(_ context.Context, collection string) {
		if collection == "" {
			cache.ForgetAll()
			return
		}
		cache.CollectionWritten(collection)
	})
}

// sharedLimits is where rate limits are counted when other servers share
// the database (nil: in memory).
func sharedLimits(store *storage.Store) ratelimit.Shared {
	if store.SharesRateLimits() {
		return store
	}
	return nil
}

// newLimiter is a rate limiter counting in the database when other
// servers share it; name tells its buckets apart there.
func newLimiter(cfg Config, store *storage.Store, name string) *ratelimit.Limiter {
	return ratelimit.New(ratelimit.Config{
		Now:    cfg.Now,
		Shared: sharedLimits(store),
		Name:   name,
		Logger: cfg.Logger,
	})
}

// recountInterval is how often the queue reads the number of unfinished
// runs again: every second when other servers may queue runs too, else
// the queue's default (it counts its own changes exactly).
func recountInterval(store *storage.Store) time.Duration {
	if store.Exclusive() {
		return 0
	}
	return sharedRecount
}
