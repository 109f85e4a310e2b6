package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hookflow/hookflow/flows"
	"github.com/spf13/cobra"
)

// newApplyCommand is `hookflow flows apply DIR [--prune] [--dry-run]`.
func newApplyCommand(server *serverFlags) *cobra.Command {
	var prune, dryRun bool
	cmd := &cobra.Command{
		Use:   "apply DIR|FILE...",
		Short: "Create or update every flow the files hold, all or nothing",
		Long: `apply makes the server's flows what the files say, in one transaction: new flows are
created, changed ones replaced, unchanged ones left alone; if one file is invalid nothing changes.
--prune also deletes the flows on the server that the files do not hold. --dry-run changes nothing
and says what would change.`,
		Args: atLeastOneArg("the flow files or directories to apply"),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, res, _, err := server.applyFiles(cmd, args, prune, dryRun)
			if err != nil {
				return err
			}
			printApplied(cmd.OutOrStdout(), files, res, dryRun)
			return nil
		},
	}
	cmd.Flags().BoolVar(&prune, "prune", false, "delete the server's flows that the files do not hold")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "change nothing; say what would change")
	return cmd
}

// applyFiles reads the flow files args name and sends them to the server
// to apply (with dryRun, only to say what would change); findings of a
// refused request are printed by file. It returns the client too, for
// commands that ask the server more.
func (f *serverFlags) applyFiles(cmd *cobra.Command, args []string, prune, dryRun bool) ([]flowFile, *applyResult, *apiClient, error) {
	files, err := loadForServer(cmd.OutOrStdout(), args)
	if err != nil {
		return nil, nil, nil, err
	}
	client, err := f.client()
	if err != nil {
		return nil, nil, nil, err
	}
	res, err := client.apply(cmd.Context(), documents(files), prune, dryRun)
	if err != nil {
		return nil, nil, nil, explain(cmd.OutOrStdout(), files, err)
	}
	return files, res, client, nil
}

// loadForServer reads the flow files args name; a file that cannot be
// read stops the command before the server is asked anything.
func loadForServer(out io.Writer, args []string) ([]flowFile, error) {
	files, err := readFlowFiles(args)
	if err != nil {
		return nil, err
	}
	broken := false
	for _, f := range files {
		if f.err != nil {
			fmt.Fprintf(out, "%s: %v\n", f.name, f.err)
			broken = true
		}
	}
	if broken {
		return nil, &exitError{code: exitFailure}
	}
	return files, nil
}

// documents are the files' flow documents, in order.
func documents(files []flowFile) []map[string]any {
	docs := make([]map[string]any, len(files))
	for i, f := range files {
		docs[i] = f.doc
	}
	return docs
}

// explain prints the findings of a refused request by file, and fails.
func explain(out io.Writer, files []flowFile, err error) error {
	var refused *apiError
	if !errors.As(err, &refused) || len(refused.Findings) == 0 {
		return err
	}
	for _, f := range refused.Findings {
		fmt.Fprintln(out, located(files, f.Path, f.Message))
	}
	fmt.Fprintf(out, "the server refused the files (%d); nothing changed\n", refused.Status)
	return &exitError{code: exitFailure}
}

// printApplied prints warnings, each flow that changed and the counts.
func printApplied(out io.Writer, files []flowFile, res *applyResult, dryRun bool) {
	for _, w := range res.Warnings {
		fmt.Fprintln(out, "warning:", located(files, w.Path, w.Message))
	}
	verb := map[string]string{"created": "created", "updated": "updated", "deleted": "deleted"}
	if dryRun {
		verb = map[string]string{"created": "would create", "updated": "would update", "deleted": "would delete"}
	}
	for _, id := range res.Created {
		fmt.Fprintf(out, "%s %s\n", verb["created"], id)
	}
	for _, id := range res.Updated {
		fmt.Fprintf(out, "%s %s\n", verb["updated"], id)
	}
	for _, id := range res.Deleted {
		fmt.Fprintf(out, "%s %s\n", verb["deleted"], id)
	}
	summary := fmt.Sprintf("%d created, %d updated, %d unchanged, %d deleted",
		len(res.Created), len(res.Updated), len(res.Unchanged), len(res.Deleted))
	if dryRun {
		summary += " (dry run: nothing changed)"
	}
	fmt.Fprintln(out, summary)
}

// newExportCommand is `hookflow flows export DIR`.
func newExportCommand(server *serverFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "export DIR",
		Short: "Write every flow of the server as a canonical file, DIR/<id>.json",
		Long: `export writes one canonical file per flow of the server: DIR/<id>.json, keys sorted, two-space
indent, no server fields. Applying the files to an empty server and exporting again gives the same
bytes. Files of the same names are overwritten; others are left alone.`,
		Args: exactlyOneArg("directory to write the files to"),
		RunE: func(cmd *cobra.Command, args []string) error {
			client, err := server.client()
			if err != nil {
				return err
			}
			docs, err := client.exported(cmd.Context())
			if err != nil {
				return err
			}
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return err
			}
			for _, doc := range docs {
				if err := writeCanonical(args[0], doc); err != nil {
					return err
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d flows written to %s\n", len(docs), args[0])
			return nil
		},
	}
}

// writeCanonical writes a flow's canonical file, DIR/<id>.json.
func writeCanonical(dir string, doc map[string]any) error {
	id, _ := doc["id"].(string)
	if flows.IDFinding(id) != "" || strings.ContainsAny(id, `/\`) {
		return fmt.Errorf("the server sent a flow with the id %q, which names no file", id)
	}
	file, err := flows.MarshalCanonical(doc)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, id+".json"), file, 0o644)
}
