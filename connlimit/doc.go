// Package connlimit caps the connections an HTTP server holds, so that no
// number of clients — slow ones included — can use up the process's file
// descriptors, while health checks still get through at the cap.
//
// A Listener serves up to Max connections normally. Past Max it still
// accepts connections, but marks them over capacity (OverCapacity): the
// API answers only its health routes on them and closes them after one
// answer, and each lives at most OverflowTimeout, however slowly its
// client reads or writes. At most Reserve of them are open at once: a new
// one pushes the oldest out, so clients that hold connections cannot
// keep a health check out. The descriptors beyond Max+Reserve are left
// for the database, outgoing requests and deliveries (MaxWithin).
package connlimit
