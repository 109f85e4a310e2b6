package query

import (
	"fmt"
	"strings"
)

// Fields is a parsed `fields` selection (`*`, `id,name`, `customer.*`,
// `customer.name`, `items.sku`): which parts of each item a read shows.
//
// A selection is a union: `*` keeps every key of its level, a named key
// keeps that key (all of it, unless deeper selectors name parts of it:
// `customer.name` keeps only the name), and `customer.*` keeps all of
// customer. A selector that walks into an array applies to each element
// (`items.sku` keeps the sku of every line). Keys an item does not have are
// left out rather than shown as null: items are shown as written.
type Fields struct {
	root *fieldNode
}

type fieldNode struct {
	all      bool // keep every key of this level
	children map[string]*fieldNode
}

// ParseFields parses selectors such as "id", "customer.*", "items[0].sku";
// nil or an empty list selects everything.
func ParseFields(selectors []string) (*Fields, error) {
	if len(selectors) == 0 {
		return nil, nil
	}
	root := &fieldNode{}
	for _, sel := range selectors {
		if strings.TrimSpace(sel) == "*" {
			root.all = true
			continue
		}
		p, err := ParsePath(sel)
		if err != nil {
			return nil, err
		}
		node := root
		for i, s := range p.segs {
			if s.name == "*" {
				if i != len(p.segs)-1 {
					return nil, fmt.Errorf("field %q: * must be the last segment", sel)
				}
				node.all = true
				break
			}
			if node.children == nil {
				node.children = map[string]*fieldNode{}
			}
			child := node.children[s.name]
			if child == nil {
				child = &fieldNode{}
				node.children[s.name] = child
			}
			if i == len(p.segs)-1 {
				child.all = true
			}
			node = child
		}
	}
	return &Fields{root: root}, nil
}

// Project returns the selected parts of an item as a new map; the item is
// not changed. A nil Fields returns the item itself.
func (f *Fields) Project(item map[string]any) map[string]any {
	if f == nil {
		return item
	}
	out, _ := f.root.project(item).(map[string]any)
	return out
}

// project applies a node to a value: objects are narrowed, arrays narrowed
// element by element, other values kept whole.
func (n *fieldNode) project(v any) any {
	if len(n.children) == 0 && n.all {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(n.children))
		for k, val := range x {
			if child, named := n.children[k]; named {
				out[k] = child.project(val)
			} else if n.all {
				out[k] = val
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = n.project(e)
		}
		return out
	}
	return v
}
