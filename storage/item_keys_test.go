package storage

import (
	"context"
	"errors"
	"testing"
)

// TestAssignedIDsStayExact checks that an assigned id is always an integer
// a JSON number holds exactly: string ids beyond 2^53 (snowflakes) do not
// push the counter there, and a counter at 2^53 refuses to assign.
func TestAssignedIDsStayExact(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	out, err := s.CreateItems(ctx, "tweets", objs(t, `[{"id": "1234567890123456789"}, {"id": "7"}, {"n": 1}]`), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := jsonOf(out); got != `[{"id":"1234567890123456789"},{"id":"7"},{"id":8,"n":1}]` {
		t.Errorf("created %s", got)
	}
	if _, err := s.CreateItems(ctx, "big", objs(t, `[{"id": 9007199254740992}]`), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateItems(ctx, "big", objs(t, `[{"id": "x"}, {"n": 1}]`), WriteOptions{})
	if !errors.Is(err, ErrInvalidPayload) {
		t.Errorf("assigning beyond 2^53: %v, want ErrInvalidPayload", err)
	}
	if _, err := s.GetItem(ctx, "big", "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("the refused write stored its first item: %v", err)
	}
}
