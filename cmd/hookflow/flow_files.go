package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsondepth"
	"github.com/hookflow/hookflow/jsonnum"
)

// maxFlowFileSize bounds one flow file, as the server bounds a request
// body by default (MAX_PAYLOAD_SIZE).
const maxFlowFileSize = 1 << 20

// flowFile is one file read: its name and its flow document, or why it
// could not be read.
type flowFile struct {
	name string
	doc  map[string]any
	err  error
}

// isFlowFile reports whether a file name is a flow file's.
func isFlowFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json", ".yaml", ".yml":
		return true
	}
	return false
}

// readFlowFiles reads the flow files args name: files as they are, and
// the *.json, *.yaml and *.yml files directly in a directory, in name
// order. A path that cannot be listed is an error; a file that cannot be
// read or parsed is one with its err set.
func readFlowFiles(args []string) ([]flowFile, error) {
	var names []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			names = append(names, arg)
			continue
		}
		entries, err := os.ReadDir(arg)
		if err != nil {
			return nil, err
		}
		var inDir []string
		for _, e := range entries {
			if !e.IsDir() && isFlowFile(e.Name()) {
				inDir = append(inDir, filepath.Join(arg, e.Name()))
			}
		}
		sort.Strings(inDir)
		names = append(names, inDir...)
	}
	files := make([]flowFile, len(names))
	for i, name := range names {
		files[i] = flowFile{name: name}
		files[i].doc, files[i].err = readFlowFile(name)
	}
	return files, nil
}

// readFlowFile reads one flow document from a JSON or YAML file.
func readFlowFile(name string) (map[string]any, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFlowFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFlowFileSize {
		return nil, fmt.Errorf("larger than %d bytes", maxFlowFileSize)
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return flows.DecodeYAML(data)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if jsondepth.Exceeds(data, jsondepth.MaxDocument) {
		path, _ := jsondepth.Where(data, jsondepth.MaxDocument)
		return nil, fmt.Errorf("%s: nests deeper than %d levels", path, jsondepth.MaxDocument)
	}
	doc, err := jsonnum.DecodeObject(data)
	if err != nil {
		return nil, fmt.Errorf("not a JSON flow object: %w", err)
	}
	return doc, nil
}

// fileOf splits a finding's path "[i].rest" (or "flows[i].rest", as the
// server answers) into the index of the document and the rest.
func fileOf(path string) (index int, rest string, ok bool) {
	path = strings.TrimPrefix(path, "flows")
	if !strings.HasPrefix(path, "[") {
		return 0, path, false
	}
	end := strings.IndexByte(path, ']')
	if end < 0 {
		return 0, path, false
	}
	i, err := strconv.Atoi(path[1:end])
	if err != nil {
		return 0, path, false
	}
	return i, strings.TrimPrefix(path[end+1:], "."), true
}

// located writes a finding as "file: path: message".
func located(files []flowFile, path, message string) string {
	i, rest, ok := fileOf(path)
	if !ok || i < 0 || i >= len(files) {
		if path == "" {
			return message
		}
		return path + ": " + message
	}
	if rest == "" {
		return files[i].name + ": " + message
	}
	return files[i].name + ": " + rest + ": " + message
}
