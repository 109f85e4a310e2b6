package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/hookflow/hookflow/flows"
	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"
)

// newDiffCommand is `hookflow flows diff DIR [--prune]`.
func newDiffCommand(server *serverFlags) *cobra.Command {
	var prune bool
	cmd := &cobra.Command{
		Use:   "diff DIR|FILE...",
		Short: "Show what apply would create, update or delete, as a diff of the canonical files",
		Long: `diff shows what apply would change, as a unified diff between the server's canonical file of
each flow and the file's canonical form. It exits 0 when nothing would change, 2 when something
would, and 1 on errors. With --prune it shows the flows apply --prune would delete.`,
		Args: atLeastOneArg("the flow files or directories to compare"),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			files, res, client, err := server.applyFiles(cmd, args, prune, true)
			if err != nil {
				return err
			}
			onServer, err := client.exported(cmd.Context())
			if err != nil {
				return err
			}
			changes, err := printDiff(out, files, onServer, res)
			if err != nil {
				return err
			}
			if !prune {
				if n := len(onServer) - len(res.Updated) - len(res.Unchanged); n > 0 {
					fmt.Fprintf(out, "%d flows on the server are not in the files (apply --prune would delete them)\n", n)
				}
			}
			if changes > 0 {
				return &exitError{code: exitUsage}
			}
			fmt.Fprintln(out, "no changes")
			return nil
		},
	}
	cmd.Flags().BoolVar(&prune, "prune", false, "also show the flows apply --prune would delete")
	return cmd
}

// printDiff writes one unified diff per flow apply would change and
// returns how many there are.
func printDiff(out io.Writer, files []flowFile, onServer []map[string]any, res *applyResult) (int, error) {
	serverFile := map[string][]byte{}
	for _, doc := range onServer {
		id, _ := doc["id"].(string)
		file, err := flows.MarshalCanonical(doc)
		if err != nil {
			return 0, err
		}
		serverFile[flows.CanonicalID(id)] = file
	}
	local := map[string]flowFile{}
	localFile := map[string][]byte{}
	for _, f := range files {
		decoded, _ := flows.Decode(f.doc)
		file, err := flows.Export(decoded)
		if err != nil {
			return 0, err
		}
		local[decoded.ID], localFile[decoded.ID] = f, file
	}
	changes := 0
	show := func(fromName, toName string, from, to []byte) error {
		changes++
		text, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A:        lines(from),
			B:        lines(to),
			FromFile: fromName,
			ToFile:   toName,
			Context:  3,
		})
		if err == nil {
			_, err = io.WriteString(out, text)
		}
		return err
	}
	for _, id := range res.Created {
		if err := show("/dev/null", local[flows.CanonicalID(id)].name, nil, localFile[flows.CanonicalID(id)]); err != nil {
			return changes, err
		}
	}
	for _, id := range res.Updated {
		key := flows.CanonicalID(id)
		if err := show("server:"+id+".json", local[key].name, serverFile[key], localFile[key]); err != nil {
			return changes, err
		}
	}
	for _, id := range res.Deleted {
		if err := show("server:"+id+".json", "/dev/null", serverFile[flows.CanonicalID(id)], nil); err != nil {
			return changes, err
		}
	}
	return changes, nil
}

// lines splits a file into its lines, each with its newline (difflib's
// SplitLines would add an empty last line to a file that ends with one).
func lines(file []byte) []string {
	if len(file) == 0 {
		return nil
	}
	out := strings.SplitAfter(string(file), "\n")
	if out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}
