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
//
// A numeric segment selects an element of an array, as in filter and
// template paths: `items.0` keeps the first line, `items.0.sku` its sku,
// `items.sku,items.0` the sku of every line and all of the first. Only the
// selected elements stay, in their order (`items.5` of two lines is []).
// On an object a numeric segment is an ordinary key (`stats.2024`).
type Fields struct {
	root *fieldNode
}

type fieldNode struct {
	all      bool // keep every key of this level
	children map[string]*fieldNode

	// How the node applies to an array, set by finish. each applies to
	// every element, or is nil when only the elements at names keep;
	// at applies to the elements named by index segments (items.0).
	each     *fieldNode
	at       map[int]*fieldNode
	finished bool
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
		p, err := parseQueryPath(sel)
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
	root.finish()
	return &Fields{root: root}, nil
}

// finish sets how n and the nodes below it apply to arrays: index
// children select elements, the other children (and all) apply to every
// element, and an element both select gets the union of the two.
func (n *fieldNode) finish() {
	if n.finished {
		return
	}
	n.finished = true
	var named map[string]*fieldNode
	for name, child := range n.children {
		child.finish()
		if i := parseIndex(name); i >= 0 {
			if n.at == nil {
				n.at = map[int]*fieldNode{}
			}
			n.at[i] = child
		} else {
			if named == nil {
				named = map[string]*fieldNode{}
			}
			named[name] = child
		}
	}
	switch {
	case n.at == nil:
		n.each = n
		return
	case !n.all && named == nil:
		return // only elements named by index
	}
	n.each = &fieldNode{all: n.all, children: named}
	n.each.each = n.each
	for i, child := range n.at {
		n.at[i] = mergeFields(n.each, child)
	}
}

// mergeFields is the selection of both a and b: the tree ParseFields
// builds from the selectors of both.
func mergeFields(a, b *fieldNode) *fieldNode {
	out := &fieldNode{all: a.all || b.all}
	for _, from := range []*fieldNode{a, b} {
		for name, child := range from.children {
			if out.children == nil {
				out.children = map[string]*fieldNode{}
			}
			if prev, ok := out.children[name]; ok {
				child = mergeFields(prev, child)
			}
			out.children[name] = child
		}
	}
	out.finish()
	return out
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
// element by element (and to the elements index segments name), other
// values kept whole.
func (n *fieldNode) project(v any) any {
	if len(n.children) == 0 && n.all {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		// The item's size, not the selection's, bounds what is kept.
		out := make(map[string]any, min(len(n.children), len(x)))
		for k, val := range x {
			if child, named := n.children[k]; named {
				out[k] = child.project(val)
			} else if n.all {
				out[k] = val
			}
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for i, e := range x {
			if at, named := n.at[i]; named {
				out = append(out, at.project(e))
			} else if n.each != nil {
				out = append(out, n.each.project(e))
			}
		}
		return out
	}
	return v
}
