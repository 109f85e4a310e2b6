package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestFromBuild(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		bi   debug.BuildInfo
		want Info
	}{
		{
			"working copy without VCS stamp",
			debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			Info{Version: "devel", Commit: "unknown", GoVersion: "go1.26.8"},
		},
		{
			"stamped, with changes",
			debug.BuildInfo{
				GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261201120000-abcdef123456+dirty"},
				Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abcdef1234567890"}, {Key: "vcs.modified", Value: "true"}},
			},
			Info{Version: "v0.0.0-20261201120000-abcdef123456+dirty", Commit: "abcdef1234567890+dirty", GoVersion: "go1.26.8"},
		},
		{
			"installed release",
			debug.BuildInfo{
				GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"},
				Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123"}, {Key: "vcs.modified", Value: "false"}},
			},
			Info{Version: "v1.4.0", Commit: "0123", GoVersion: "go1.26.8"},
		},
	} {
		got := Info{Version: "devel", Commit: "unknown"}
		fromBuild(&got, &tc.bi)
		if got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
