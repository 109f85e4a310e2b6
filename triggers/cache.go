package triggers

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/hookflow/hookflow/engine"
)

// Defaults of the response cache.
const (
	// DefaultCacheTTL is how long a cached answer is served (CACHE_TTL).
	DefaultCacheTTL = 5 * time.Minute
	// DefaultCacheMaxSize bounds the cached answers' bytes (CACHE_MAX_SIZE).
	DefaultCacheMaxSize = 32 << 20
)

// entryOverhead approximates the bytes an entry costs besides its key and
// answer (the LRU's node and the entry itself).
const entryOverhead = 128

// CacheConfig tunes a ResponseCache.
type CacheConfig struct {
	// TTL is how long an answer is served when its flow sets no cacheTTL
	// (DefaultCacheTTL when zero).
	TTL time.Duration
	// MaxSize bounds the bytes of cached keys and answers
	// (DefaultCacheMaxSize when zero); the least recently used go first,
	// and an answer over an eighth of it is never cached.
	MaxSize int
	// Now is the clock (time.Now by default).
	Now func() time.Time
}

// ResponseCache keeps the answers of GET webhook flows with cacheEnabled.
//
// An entry is valid for the plan it was computed with (saving a flow makes
// a new plan, so its entries stop matching), until its TTL, and while no
// item collection the plan reads has been written and no permission has
// changed since (see changeLog). Invalid entries are dropped when they are
// next looked up, or by the LRU.
type ResponseCache struct {
	ttl     time.Duration
	maxSize int
	now     func() time.Time

	mu      sync.Mutex
	entries *simplelru.LRU[string, *cacheEntry]
	size    int
	changes changeLog
}

// cacheEntry is one cached answer.
type cacheEntry struct {
	plan    *engine.Plan
	body    []byte // the encoded `data`
	expires time.Time
	version uint64 // the changeLog's sequence when the answer's run started
	size    int
}

// NewResponseCache returns an empty cache.
func NewResponseCache(cfg CacheConfig) *ResponseCache {
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultCacheTTL
	}
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = DefaultCacheMaxSize
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &ResponseCache{
		ttl:     cfg.TTL,
		maxSize: cfg.MaxSize,
		now:     cfg.Now,
		changes: newChangeLog(),
	}
	// The entry count is bounded by bytes; the LRU's own cap only has to
	// be out of the way.
	c.entries, _ = simplelru.NewLRU[string, *cacheEntry](1<<30, func(_ string, e *cacheEntry) { c.size -= e.size })
	return c
}

// CollectionWritten records a committed write to a collection's items:
// cached answers of plans that read it stop being served. It is called by
// the item writer before the write is acknowledged, so an answer computed
// before a write can never be served after it.
func (c *ResponseCache) CollectionWritten(collection string) {
	c.mu.Lock()
	c.changes.collectionWritten(collection)
	c.mu.Unlock()
}

// AccessChanged records a change of users, roles or permissions: no
// cached answer computed before it is served after it, as what a role may
// read (and so what a flow run with its permissions answers) may have
// changed. It is called once the new permissions are in force.
func (c *ResponseCache) AccessChanged() {
	c.mu.Lock()
	c.changes.accessChanged()
	c.mu.Unlock()
}

// ForgetAll stops every cached answer from being served: another server
// may have written any collection (a change notification was missed).
func (c *ResponseCache) ForgetAll() {
	c.mu.Lock()
	c.changes.everything()
	c.mu.Unlock()
}

// Version is taken before a plan runs for an answer that will be cached:
// Put refuses the answer if a collection the plan reads was written, or
// access changed, in between.
func (c *ResponseCache) Version() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changes.seq
}

// Get returns the cached answer for key computed with plan, if it is still
// valid.
func (c *ResponseCache) Get(key string, p *engine.Plan) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries.Get(key)
	if !ok {
		return nil, false
	}
	if e.plan != p || !c.now().Before(e.expires) || c.changes.lastChange(p) > e.version {
		c.entries.Remove(key)
		return nil, false
	}
	return e.body, true
}

// Put caches an answer computed with plan from the state of version; ttl
// zero means the cache's default.
func (c *ResponseCache) Put(key string, p *engine.Plan, body []byte, ttl time.Duration, version uint64) {
	size := len(key) + len(body) + entryOverhead
	if size > c.maxSize/8 {
		return
	}
	if ttl <= 0 {
		ttl = c.ttl
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changes.lastChange(p) > version {
		return
	}
	c.entries.Remove(key) // Add would replace an entry without accounting for it
	c.entries.Add(key, &cacheEntry{
		plan:    p,
		body:    body,
		expires: c.now().Add(ttl),
		version: version,
		size:    size,
	})
	c.size += size
	for c.size > c.maxSize {
		c.entries.RemoveOldest()
	}
}

// Len is the number of entries held (valid or not yet dropped).
func (c *ResponseCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries.Len()
}
