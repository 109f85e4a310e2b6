// Package buildinfo says which build of hookflow is running: its version,
// the commit it was built from and the Go version that built it. `hookflow
// version` prints it and GET /server/info returns it.
//
// Go records the module version and, when the build ran in a git checkout
// with VCS stamping on, the commit. Release builds set both explicitly:
//
//	go build -ldflags "-X github.com/hookflow/hookflow/buildinfo.version=v1.4.0 \
//	  -X github.com/hookflow/hookflow/buildinfo.commit=$(git rev-parse HEAD)" ./cmd/hookflow
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// version and commit are written by the linker (-ldflags -X) and never
// changed at run time; empty means "ask the Go build information".
var (
	version string
	commit  string
)

// Info describes one build.
type Info struct {
	// Version is the release ("v1.4.0"), the module version Go recorded,
	// or "devel" for a build of a working copy.
	Version string `json:"version"`
	// Commit is the git commit, with "+dirty" when the working copy had
	// changes; "unknown" when the build did not record it.
	Commit string `json:"commit"`
	// GoVersion is the Go release that built the binary.
	GoVersion string `json:"go_version"`
}

// Read returns the running build's information: the values set with
// -ldflags, else those Go recorded in the binary.
func Read() Info {
	info := Info{Version: "devel", Commit: "unknown", GoVersion: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		fromBuild(&info, bi)
	}
	if version != "" {
		info.Version = version
	}
	if commit != "" {
		info.Commit = commit
	}
	return info
}

// fromBuild fills info from Go's build information.
func fromBuild(info *Info, bi *debug.BuildInfo) {
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		info.Version = v
	}
	if bi.GoVersion != "" {
		info.GoVersion = bi.GoVersion
	}
	var revision string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if revision != "" {
		info.Commit = revision
		if dirty {
			info.Commit += "+dirty"
		}
	}
}
