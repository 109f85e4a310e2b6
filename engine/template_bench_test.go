package engine

import (
	"context"
	"testing"

	"github.com/hookflow/hookflow/operations"
)

// BenchmarkTemplateRender renders pre-parsed templates of the three kinds:
// a whole-string placeholder (typed value), text with placeholders, and a
// JSON document rendered JSON-safely.
func BenchmarkTemplateRender(b *testing.B) {
	for _, tc := range []struct{ name, src string }{
		{"whole", "{{$trigger.items.length}}"},
		{"text", "{{$trigger.customer_id}} ordered {{$trigger.items.length}} items for {{$trigger.total}}"},
		{"json", `{"customer": "{{$trigger.customer_id}}", "total": {{$trigger.total}}, "quote": "{{$trigger.quote}}"}`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			tmpl, err := ParseTemplate(tc.src)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tmpl.Render(ctx, chain, operations.DefaultMaxRenderSize); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValueRender renders an object option whose members are whole
// placeholders: scalars, and an array placed by reference (measured for
// the render bound).
func BenchmarkValueRender(b *testing.B) {
	v, errs := CompileValue(map[string]any{
		"customer": "{{$trigger.customer_id}}", "total": "{{$trigger.total}}", "items": "{{$trigger.items}}", "fixed": true,
	})
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Render(ctx, chain, 0); err != nil {
			b.Fatal(err)
		}
	}
}
