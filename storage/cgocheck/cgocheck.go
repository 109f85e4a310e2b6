// Package cgocheck stops a build without cgo with a message that says so.
//
// hookflow keeps its SQLite database through mattn/go-sqlite3, which is C
// code compiled with cgo; storage imports this package first so that a
// CGO_ENABLED=0 build fails here, naming the cause, instead of deep inside
// the driver with "undefined: sqlite3.Error".
package cgocheck
