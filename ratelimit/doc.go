// Package ratelimit counts calls per key in token buckets
// (golang.org/x/time/rate) and says what to tell the caller: the
// X-RateLimit-* headers and, for a refused call, Retry-After.
//
// A Rule of Points calls per Duration is a bucket of Points tokens that
// refills continuously at Points/Duration: a client may send Points calls
// at once, then one every Duration/Points. Buckets are kept per key (a
// client address, a caller, a flow) in bounded LRU sets, so memory stays
// fixed whatever the number of clients; an evicted key starts again with a
// full bucket. The clock is injected, so tests move time themselves.
package ratelimit
