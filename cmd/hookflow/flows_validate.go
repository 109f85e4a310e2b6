package main

import (
	"fmt"
	"io"
	"os"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/envconfig"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/triggers"
	"github.com/spf13/cobra"
)

// newValidateCommand is `hookflow flows validate DIR|FILE…`: every finding
// of every file, offline, by the server's own checks.
func newValidateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "validate DIR|FILE...",
		Short: "Check flow files offline, with the server's checks: every finding with its file and path",
		Long: `validate checks flow files without a server, with the checks the server runs on an upload
(the same code, over the built-in operation types): every finding of every file, with the file's
name and the path in the document. $env variables outside FLOWS_ENV_ALLOW_LIST (read from this
environment) are warnings. It exits 1 when a file has a finding.`,
		Args: atLeastOneArg("the flow files or directories to validate"),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := readFlowFiles(args)
			if err != nil {
				return err
			}
			if !validate(cmd.OutOrStdout(), files) {
				return &exitError{code: exitFailure}
			}
			return nil
		},
	}
}

// checkingEngine is an engine over the built-in operation types, for the
// checks of flow files; FLOWS_ENV_ALLOW_LIST is this environment's.
func checkingEngine() *engine.Engine {
	return engine.New(operations.ForChecks(), engine.Config{EnvAllowList: envconfig.EnvAllowList(os.Getenv)})
}

// validate prints the findings and warnings of files and a summary, and
// reports whether there was no finding.
func validate(out io.Writer, files []flowFile) bool {
	findings, warnings := checkFiles(files)
	for _, w := range warnings {
		fmt.Fprintln(out, "warning:", w)
	}
	for _, f := range findings {
		fmt.Fprintln(out, f)
	}
	switch {
	case len(files) == 0:
		fmt.Fprintln(out, "no flow files (*.json, *.yaml, *.yml) found")
	case len(findings) == 0:
		fmt.Fprintf(out, "%d flow files valid\n", len(files))
	default:
		fmt.Fprintf(out, "%d findings in %d flow files\n", len(findings), len(files))
	}
	return len(findings) == 0
}

// checkFiles checks files as POST /flows/apply checks its documents
// (triggers.CheckFlowFiles); files that could not be read are findings
// of their own. Lines name the file.
func checkFiles(files []flowFile) (findings, warnings []string) {
	var docs []map[string]any
	var names []string
	var readable []flowFile
	for _, f := range files {
		if f.err != nil {
			findings = append(findings, f.name+": "+f.err.Error())
			continue
		}
		docs, names = append(docs, f.doc), append(names, f.name)
		readable = append(readable, f)
	}
	_, warns, errs := triggers.CheckFlowFiles(checkingEngine(), docs, names)
	return append(findings, locate(readable, errs)...), locate(readable, warns)
}

// locate writes findings as "file: path: message".
func locate(files []flowFile, list flows.ValidationErrors) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = located(files, e.Path, e.Message)
	}
	return out
}
