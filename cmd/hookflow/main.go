// Command hookflow runs the hookflow server and manages its flows as files.
//
//	hookflow              serve (the default; configured by environment variables)
//	hookflow serve        the same
//	hookflow version      print the version, commit and Go version
//	hookflow flows …      validate, diff, apply and export flow files
//
// With no configuration the server listens on 0.0.0.0:8055 and keeps its
// data in ./data/hookflow.db. `hookflow --help` lists the subcommands and
// every environment variable.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], os.Stdout, os.Stderr, stop)
	stop()
	os.Exit(code)
}
