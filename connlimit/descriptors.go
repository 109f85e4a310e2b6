package connlimit

import "math"

// MaxWithin is the largest Max whose connections, with reserve more for
// health checks, fit an open-file limit while leaving a quarter of it (at
// most 1 024 descriptors) for everything else the process opens: the
// database and its journal, outgoing requests, webhook deliveries, logs.
// A limit of 0 is unknown: nothing is bounded.
func MaxWithin(limit uint64, reserve int) int {
	if limit == 0 || limit > math.MaxInt32 {
		return math.MaxInt32
	}
	others := min(limit/4, 1024)
	return max(int(limit)-int(others)-reserve, 0)
}
