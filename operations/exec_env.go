package operations

import (
	"sort"

	"github.com/expr-lang/expr/ast"
)

// envPatch gives `$env` inside expressions the meaning it has in
// templates: hookflow's `$env`, the variables FLOWS_ENV_ALLOW_LIST names
// (`$env.API_KEY`, `$env["API_KEY"]`, `"API_KEY" in $env`). expr reserves
// `$env` for its whole environment, the data chain; the patch renames it
// to environmentVar when the expression is compiled. A constant name that
// is an operation key or a chain variable (`$env["save-log"]`,
// `$env["$trigger"]`) keeps reading the chain, as it did before `$env`
// meant the environment variables: it is how keys that are not
// identifiers are read.
type envPatch struct {
	keys map[string]bool // operation keys
	// read are the variable names the expression reads (`$env.NAME`,
	// `$env["NAME"]`).
	read map[string]bool
	// renamed are the identifiers the patch wrote; their member
	// expressions are visited after them (children come first).
	renamed map[*ast.IdentifierNode]bool
}

// Visit renames `$env` and restores expr's `$env` for chain reads.
func (p *envPatch) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if n.Value == "$env" {
			id := &ast.IdentifierNode{Value: environmentVar}
			if p.renamed == nil {
				p.renamed = map[*ast.IdentifierNode]bool{}
			}
			p.renamed[id] = true
			ast.Patch(node, id)
		}
	case *ast.MemberNode:
		id, isID := n.Node.(*ast.IdentifierNode)
		name, isName := n.Property.(*ast.StringNode)
		switch {
		case !isID || !isName || !p.renamed[id]:
		case chainVars[name.Value] || p.keys[name.Value]:
			n.Node = &ast.IdentifierNode{Value: "$env"}
		default:
			if p.read == nil {
				p.read = map[string]bool{}
			}
			p.read[name.Value] = true
		}
	}
}

// names lists the variables the expression reads, in order.
func (p *envPatch) names() []string {
	out := make([]string, 0, len(p.read))
	for name := range p.read {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
