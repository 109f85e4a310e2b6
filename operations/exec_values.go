package operations

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/goccy/go-json"
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/query"
)

// identifierCheck collects the variables an expression reads, so a typo
// such as `$triger` is an upload finding rather than a null at run time.
type identifierCheck struct {
	known    map[string]bool // operation keys
	used     []string
	declared map[string]bool // let variables and called function names
}

// chainVars are the data chain names an expression may read.
var chainVars = map[string]bool{
	"$trigger": true, "$last": true, "$accountability": true, "$flow": true, "$run": true,
	environmentVar: true, "$env": true,
}

// Visit records identifiers, let declarations and callee names.
func (c *identifierCheck) Visit(node *ast.Node) {
	if c.declared == nil {
		c.declared = map[string]bool{}
	}
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		c.used = append(c.used, n.Value)
	case *ast.VariableDeclaratorNode:
		c.declared[n.Name] = true
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			c.declared[id.Value] = true
		}
	}
}

// unknown lists the identifiers that name nothing, sorted.
func (c *identifierCheck) unknown() []string {
	seen := map[string]bool{}
	var out []string
	for _, name := range c.used {
		if chainVars[name] || c.known[name] || c.declared[name] || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// jsonValue converts an expression's result to the data chain's JSON
// types: integers become float64, times RFC 3339 text, durations text
// ("1h30m0s"); other Go values go
// through their JSON encoding. NaN and infinities have no JSON form.
func jsonValue(v any) (any, error) {
	out, _, err := normalizeJSON(v)
	return out, err
}

func normalizeJSON(v any) (out any, changed bool, err error) {
	switch x := v.(type) {
	case nil, string, bool, json.Number:
		return v, false, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, false, fmt.Errorf("is not a finite number")
		}
		return v, false, nil
	case int:
		return float64(x), true, nil
	case time.Time:
		return query.FormatTime(x), true, nil
	case time.Duration:
		return x.String(), true, nil
	case []any:
		var copied []any
		for i, e := range x {
			ne, ch, err := normalizeJSON(e)
			if err != nil {
				return nil, false, err
			}
			if ch {
				if copied == nil {
					copied = append([]any(nil), x...)
				}
				copied[i] = ne
			}
		}
		if copied == nil {
			return v, false, nil
		}
		return copied, true, nil
	case map[string]any:
		var copied map[string]any
		for k, e := range x {
			ne, ch, err := normalizeJSON(e)
			if err != nil {
				return nil, false, err
			}
			if ch {
				if copied == nil {
					copied = make(map[string]any, len(x))
					for k2, e2 := range x {
						copied[k2] = e2
					}
				}
				copied[k] = ne
			}
		}
		if copied == nil {
			return v, false, nil
		}
		return copied, true, nil
	default:
		return viaJSON(v)
	}
}

// viaJSON converts other Go values (time.Time, typed slices, …) through
// their JSON encoding.
func viaJSON(v any) (any, bool, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, false, fmt.Errorf("cannot be expressed as JSON (%T)", v)
	}
	out, err := jsonnum.Decode(raw)
	if err != nil {
		return nil, false, fmt.Errorf("cannot be expressed as JSON (%T)", v)
	}
	return out, true, nil
}

// indentedJSON is toJSON's format: two-space indentation.
func indentedJSON(v any) (string, error) {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return "", err
	}
	return string(raw), nil
}
