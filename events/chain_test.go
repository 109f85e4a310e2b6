package events

import (
	"context"
	"fmt"
	"testing"
)

func TestChainRecordsStoppedEventsWithinABound(t *testing.T) {
	t.Parallel()
	if DepthFrom(context.Background()) != 0 || ChainFrom(context.Background()) != nil {
		t.Fatal("a context without a run has a chain")
	}
	var none *Chain
	none.Stop("items.create", "orders", nil) // a write no run made records nothing
	if none.StoppedEvents() != nil || none.CurrentDepth() != 0 {
		t.Fatal("a nil chain holds something")
	}
	c := &Chain{Depth: 5}
	ctx := WithChain(context.Background(), c)
	if DepthFrom(ctx) != 5 || ChainFrom(ctx) != c {
		t.Fatal("the chain is not in the context")
	}
	for range 3 {
		c.Stop("items.create", "orders", []string{"f"})
	}
	for i := range 2 * maxStopped {
		c.Stop(fmt.Sprintf("custom.e%d", i), "", []string{"g"})
	}
	got := c.StoppedEvents()
	if len(got) != maxStopped || got[0].Count != 3 || got[0].Event != "items.create" || got[1].Count != 1 {
		t.Fatalf("%d stopped events: %+v", len(got), got[:2])
	}
}
