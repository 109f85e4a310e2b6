package operations

import (
	"slices"
	"strings"
)

// Redacted stands for a hidden `$env` value.
const Redacted = "[REDACTED]"

// MinHiddenLength is the shortest `$env` value HideEnv hides; shorter ones
// ("1", "eu") cannot be told apart from ordinary text (run records use the
// same rule).
const MinHiddenLength = 4

// HideEnv returns v with every occurrence of an `$env` value (env is the
// data chain's `$env`) inside its strings replaced by Redacted. Maps and
// slices that hold none are returned as they are; v is never changed.
// Reports an operation builds from its rendered options — a condition's
// `expected` is `{{$env.WEBHOOK_SECRET}}` in the seed's API key check —
// go through it, so a caller who fails a check is never shown the secret
// it was checked against.
func HideEnv(v any, env any) any {
	values := envValues(env)
	if len(values) == 0 {
		return v
	}
	out, _ := hideIn(v, strings.NewReplacer(values...), values)
	return out
}

// envValues lists the value/Redacted pairs of env, longest value first so
// that a longer secret wins over a shorter one inside it.
func envValues(env any) []string {
	m, _ := env.(map[string]any)
	var values []string
	for _, v := range m {
		if s, ok := v.(string); ok && len(s) >= MinHiddenLength {
			values = append(values, s)
		}
	}
	slices.SortFunc(values, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(values))
	for _, v := range values {
		pairs = append(pairs, v, Redacted)
	}
	return pairs
}

// hideIn walks v copying only what changes.
func hideIn(v any, r *strings.Replacer, pairs []string) (any, bool) {
	switch x := v.(type) {
	case string:
		for i := 0; i < len(pairs); i += 2 {
			if strings.Contains(x, pairs[i]) {
				return r.Replace(x), true
			}
		}
		return x, false
	case map[string]any:
		var out map[string]any
		for k, e := range x {
			if h, changed := hideIn(e, r, pairs); changed {
				if out == nil {
					out = make(map[string]any, len(x))
					for k2, e2 := range x {
						out[k2] = e2
					}
				}
				out[k] = h
			}
		}
		if out == nil {
			return x, false
		}
		return out, true
	case []any:
		var out []any
		for i, e := range x {
			if h, changed := hideIn(e, r, pairs); changed {
				if out == nil {
					out = slices.Clone(x)
				}
				out[i] = h
			}
		}
		if out == nil {
			return x, false
		}
		return out, true
	default:
		return v, false
	}
}
