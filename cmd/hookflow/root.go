package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/hookflow/hookflow/buildinfo"
	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and failed (or found errors)
	exitUsage   = 2 // the command line was wrong; flows diff: something would change
)

// usageError is a command line the program cannot follow: an unknown
// subcommand or flag, a missing argument. It exits 2 with the usage.
type usageError struct {
	cmd *cobra.Command
	err error
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// exitError ends a command with a code of its own after it printed what
// it had to say (flows validate: 1 on findings; flows diff: 2 on changes).
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// execute runs the command line args and returns the process's exit
// code. stopSignals is called when serving begins to shut down, so that a
// second signal stops the process at once.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer, stopSignals func()) int {
	root := newRootCommand(stopSignals)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	var usage *usageError
	var exit *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &exit):
		return exit.code
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "hookflow: %v\n\n%s", usage.err, usage.cmd.UsageString())
		return exitUsage
	default:
		fmt.Fprintln(stderr, "hookflow:", err)
		return exitFailure
	}
}

// newRootCommand builds the command tree; without a subcommand it serves.
func newRootCommand(stopSignals func()) *cobra.Command {
	root := &cobra.Command{
		Use:   "hookflow",
		Short: "A flow engine in one binary: webhooks in, flows of operations, signed webhooks out",
		Long: `hookflow runs flows: graphs of operations started by webhooks (POST /flows/trigger/<id>),
with {{ }} templates over a data chain, a built-in item store, and durable, signed,
retried outgoing webhooks. Without a command it serves (hookflow serve).`,
		Version:           buildinfo.Read().Version,
		Args:              noArgs,
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		RunE:              func(cmd *cobra.Command, _ []string) error { return serve(cmd.Context(), stopSignals) },
	}
	root.SetVersionTemplate(versionText(buildinfo.Read()))
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &usageError{cmd: c, err: err} })
	serveCmd := newServeCommand(stopSignals)
	root.AddCommand(serveCmd, newVersionCommand(), newFlowsCommand())
	defaultHelp := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		defaultHelp(c, args)
		if c == root || c == serveCmd {
			fmt.Fprint(c.OutOrStdout(), "\n"+environmentHelp())
		}
	})
	return root
}

// noArgs refuses arguments: on a command with subcommands an argument is
// a subcommand that does not exist.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if !cmd.HasSubCommands() {
		msg = fmt.Sprintf("%q takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's own default for its suggestions
	}
	if suggestions := cmd.SuggestionsFor(args[0]); len(suggestions) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", suggestions[0])
	}
	return &usageError{cmd: cmd, err: errors.New(msg)}
}

// newServeCommand is `hookflow serve`.
func newServeCommand(stopSignals func()) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the server (the default command), configured by the environment variables below",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return serve(cmd.Context(), stopSignals) },
	}
}

// newVersionCommand is `hookflow version` (also `hookflow --version`).
func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the commit and the Go version of this build",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), versionText(buildinfo.Read()))
			return err
		},
	}
}

// versionText is what `hookflow version` prints.
func versionText(info buildinfo.Info) string {
	return fmt.Sprintf("hookflow %s\ncommit   %s\ngo       %s\n", info.Version, info.Commit, info.GoVersion)
}
