package storage

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// MemoryFilename selects a private in-memory database (tests, embedding).
const MemoryFilename = ":memory:"

var uriPathEscaper = strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23")

// sqliteDSNs builds the write and read DSNs for a database file. WAL lets
// readers run beside the writer; NORMAL synchronous keeps every committed
// transaction across a process crash (kill -9) while skipping an fsync per
// commit; _txlock=immediate takes the write lock when a transaction starts,
// so it never fails half-way on a busy database.
func sqliteDSNs(filename string) (write, read string, err error) {
	if filename == MemoryFilename || filename == "" {
		// A uniquely named shared-cache memory database: visible to both
		// handles of this store and to nobody else in the process.
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", "", err
		}
		dsn := "file:hookflow-" + hex.EncodeToString(b[:]) +
			"?mode=memory&cache=shared&_busy_timeout=5000&_foreign_keys=on"
		return dsn, dsn, nil
	}
	if dir := filepath.Dir(filename); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return "", "", fmt.Errorf("create database directory: %w", err)
		}
	}
	common := "_journal_mode=WAL&_busy_timeout=5000&_synchronous=NORMAL&_foreign_keys=on"
	write = fileURI(filename) + "?" + common + "&_txlock=immediate"
	read = fileURI(filename) + "?" + common + "&_txlock=deferred"
	return write, read, nil
}

// fileURI is the SQLite URI of a database file.
func fileURI(filename string) string {
	path := (&url.URL{Path: filename}).EscapedPath()
	if strings.HasPrefix(filename, "/") {
		// A '?' or '#' would end the file name of the URI (and '%' start an
		// escape): /tmp/Test#01/db must not open /tmp/Test.
		path = uriPathEscaper.Replace(filename)
	}
	return "file:" + path
}
