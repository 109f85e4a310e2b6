package engine

import (
	"context"
	"net/http"
	"reflect"

	"github.com/hookflow/hookflow/jsonsize"
	"github.com/hookflow/hookflow/operations"
)

// ctxCheckEvery is how many placeholders a rendering resolves between two
// looks at its context: often enough that a deadline stops a long
// rendering within microseconds, rarely enough to cost nothing.
const ctxCheckEvery = 64

// budget bounds one rendering (a step's options, a value an operation
// renders, a run's return value): the bytes its result may take once
// encoded, and the context whose end interrupts it. Text is counted as it
// is appended; a value copied by reference (a whole placeholder inside an
// object or array) is charged the size of its encoding, estimated once.
type budget struct {
	ctx   context.Context
	limit int
	left  int
	ticks int
	// shared remembers the estimated sizes of the objects and arrays
	// already charged, so a value referenced many times is walked once
	// (held in the budget itself: no allocation).
	shared  [maxRemembered]sharedSize
	nshared int
}

type sharedSize struct {
	ptr  uintptr
	len  int
	size int
}

// maxRemembered bounds budget.shared; a rendering with more distinct
// shared values than that walks the others each time (still bounded by
// the limit, which every walk consumes).
const maxRemembered = 8

// maxNumberSize is the longest JSON form of a float64
// (-2.2250738585072014e-308).
const maxNumberSize = 24

// reset prepares the budget for a new rendering.
func (b *budget) reset(ctx context.Context, limit int) {
	b.ctx, b.limit, b.left, b.ticks, b.nshared = ctx, limit, limit, 0, 0
}

// charge takes n bytes from the budget.
func (b *budget) charge(n int) error {
	if n > b.left {
		b.left = -1
		return b.tooLarge()
	}
	b.left -= n
	return nil
}

// tick counts one placeholder and, every ctxCheckEvery, looks at the
// context.
func (b *budget) tick() error {
	b.ticks++
	if b.ticks%ctxCheckEvery == 0 && b.ctx != nil {
		if err := b.ctx.Err(); err != nil {
			return operations.Failf(http.StatusGatewayTimeout, "FLOW_TIMEOUT", "rendering stopped: %v", err)
		}
	}
	return nil
}

func (b *budget) tooLarge() error { return operations.RenderTooLarge(b.limit) }

// chargeValue charges the encoded size of a value placed by reference.
// Scalars cost their length (a number the longest a float64 takes, which
// saves formatting it); an object or array is walked once per rendering
// however often it is referenced.
func (b *budget) chargeValue(v any) error {
	switch x := v.(type) {
	case nil, bool:
		return b.charge(5)
	case float64:
		return b.charge(maxNumberSize)
	case string:
		return b.charge(len(x) + 2)
	case map[string]any, []any:
		return b.charge(b.sharedSize(x))
	default:
		return b.charge(jsonsize.Compact(x, b.left))
	}
}

// sharedSize estimates an object's or array's encoded size, remembering
// it by identity (a map's pointer, a slice's array and length).
func (b *budget) sharedSize(v any) int {
	rv := reflect.ValueOf(v)
	key := sharedSize{ptr: uintptr(rv.UnsafePointer()), len: rv.Len()}
	for _, s := range b.shared[:b.nshared] {
		if s.ptr == key.ptr && s.len == key.len {
			return s.size
		}
	}
	key.size = jsonsize.Compact(v, b.left)
	if key.size <= b.left && b.nshared < maxRemembered {
		b.shared[b.nshared] = key
		b.nshared++
	}
	return key.size
}
