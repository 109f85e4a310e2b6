// Package connlimit caps the connections an HTTP server holds, so that no
// number of clients — slow ones included — can use up the process's file
// descriptors, while health checks still get through at the cap.
//
// A Listener serves up to Max connections normally. Past Max it still
// accepts up to Reserve more, but marks them over capacity
// (OverCapacity): the API answers only its health routes on them, closes
// them after one answer, and each lives at most OverflowTimeout, however
// slowly its client reads or writes. Past Max+Reserve a connection is
// closed as soon as it is accepted. The descriptors beyond those are left
// for the database, outgoing requests and deliveries (MaxWithin).
package connlimit
