package main

import (
	"errors"
	"os"

	"github.com/spf13/cobra"
)

// defaultURL is the server `hookflow flows` talks to without --url or
// HOOKFLOW_URL: one started with `hookflow` on this machine.
const defaultURL = "http://localhost:8055"

// serverFlags are the flags of the commands that talk to a server.
type serverFlags struct {
	url, token string
}

// client is the server the flags (or HOOKFLOW_URL and HOOKFLOW_TOKEN)
// name; without a token it fails. The token is never a flag's default,
// so that help never prints it.
func (f *serverFlags) client() (*apiClient, error) {
	url, token := f.url, f.token
	if url == "" {
		url = os.Getenv("HOOKFLOW_URL")
	}
	if url == "" {
		url = defaultURL
	}
	if token == "" {
		token = os.Getenv("HOOKFLOW_TOKEN")
	}
	if token == "" {
		return nil, errors.New("no token: pass --token or set HOOKFLOW_TOKEN (a token whose role may read, create, update and, to prune, delete flows)")
	}
	return newAPIClient(url, token)
}

// newFlowsCommand is `hookflow flows`: flows kept as files, validated
// offline and applied to a server (docs/flows-as-code.md).
func newFlowsCommand() *cobra.Command {
	flags := &serverFlags{}
	cmd := &cobra.Command{
		Use:   "flows",
		Short: "Keep flows as files: validate them offline, diff, apply and export them",
		Long: `Flow files are JSON (*.json) or YAML (*.yaml, *.yml), one flow per file, each with its id
(a slug such as github-push, or a UUID). validate needs no server; diff, apply and export talk
to the server at --url (HOOKFLOW_URL) with the token --token (HOOKFLOW_TOKEN).

Exit status: 0 when all went well (diff: nothing would change), 1 on errors or findings,
2 when the command line is wrong (diff: something would change).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return &usageError{cmd: cmd, err: errors.New("a subcommand is required: validate, diff, apply or export")}
		},
	}
	cmd.PersistentFlags().StringVar(&flags.url, "url", "", "the server's address (default: HOOKFLOW_URL, else "+defaultURL+")")
	cmd.PersistentFlags().StringVar(&flags.token, "token", "", "a token for the server (default: HOOKFLOW_TOKEN)")
	cmd.AddCommand(newValidateCommand(), newDiffCommand(flags), newApplyCommand(flags), newExportCommand(flags))
	return cmd
}

// atLeastOneArg asks for the files or directories a command reads.
func atLeastOneArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return &usageError{cmd: cmd, err: errors.New("name " + what)}
		}
		return nil
	}
}

// exactlyOneArg asks for the one directory a command works in.
func exactlyOneArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return &usageError{cmd: cmd, err: errors.New("name exactly one " + what)}
		}
		return nil
	}
}
