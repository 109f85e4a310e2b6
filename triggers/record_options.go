package triggers

import (
	"reflect"
	"sync"
	"unsafe"

	"github.com/hookflow/hookflow/jsonenc"
	"github.com/hookflow/hookflow/redact"
)

// maxPlannedOptions bounds the options an optionsCache holds; past it the
// cache starts again empty (flows edited many times leave old entries).
const maxPlannedOptions = 4096

// optionsCache holds the scrubbed encoding of the steps' options that are
// the same map in every run (engine.StepRecord.PlannedOptions: a step
// whose options hold no template records its plan's own map): they are
// scrubbed and encoded once per plan instead of once per run. It serves
// only the runner's own scrubber: a run whose request carried credentials
// hides them in its options too, so it writes them itself.
type optionsCache struct {
	scrub *redact.Scrubber

	mu      sync.RWMutex
	entries map[unsafe.Pointer]plannedOptions
}

// plannedOptions is one entry. It keeps its map: a map a key points to
// cannot be collected, so no other map can take its address.
type plannedOptions struct {
	options map[string]any
	encoded []byte
}

func newOptionsCache(scrub *redact.Scrubber) *optionsCache {
	return &optionsCache{scrub: scrub, entries: make(map[unsafe.Pointer]plannedOptions)}
}

// appendOptions appends a step's planned options as sc writes them, from
// the cache when sc is the cache's scrubber; false when they cannot be
// encoded.
func (c *optionsCache) appendOptions(dst []byte, options map[string]any, sc *redact.Scrubber) ([]byte, bool) {
	if c == nil || sc != c.scrub {
		out, err := sc.AppendJSON(dst, options)
		return out, err == nil
	}
	key := reflect.ValueOf(options).UnsafePointer()
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if ok {
		return append(dst, e.encoded...), true
	}
	encoded, err := sc.AppendJSON(nil, options)
	if err != nil {
		return dst, false
	}
	c.mu.Lock()
	if len(c.entries) >= maxPlannedOptions {
		clear(c.entries)
	}
	c.entries[key] = plannedOptions{options: options, encoded: jsonenc.Encoded(encoded)}
	c.mu.Unlock()
	return append(dst, encoded...), true
}
