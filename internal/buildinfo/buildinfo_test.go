package buildinfo

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	vcs := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-12-01T21:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	installed := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}}
	for _, c := range []struct {
		name       string
		bi         *debug.BuildInfo
		ok         bool
		ldV, ldC   string
		want       Info
		wantCommit string
	}{
		{"no build info", nil, false, "", "", Info{Version: "dev", Commit: "unknown", GoVersion: runtime.Version()}, "unknown"},
		{"work tree build", vcs, true, "", "", Info{Version: "dev", Commit: "0123456789abcdef0123456789abcdef01234567",
			Time: "2026-12-01T21:00:00Z", Modified: true, GoVersion: "go1.26.8"}, "0123456789ab"},
		{"go install @v1.4.0", installed, true, "", "", Info{Version: "v1.4.0", Commit: "unknown", GoVersion: "go1.26.8"}, "unknown"},
		{"release build", installed, true, "v1.5.0", "fedcba9876543210", Info{Version: "v1.5.0", Commit: "fedcba9876543210",
			GoVersion: "go1.26.8"}, "fedcba987654"},
	} {
		got := fromBuildInfo(c.bi, c.ok, c.ldV, c.ldC)
		if got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
		if s := got.ShortCommit(); s != c.wantCommit {
			t.Errorf("%s: ShortCommit %q, want %q", c.name, s, c.wantCommit)
		}
	}
	if ua := (Info{Version: "v1.4.0"}).UserAgent(); ua != "stocktake/v1.4.0 (+https://github.com/stocktake/stocktake)" {
		t.Errorf("UserAgent %q", ua)
	}
}
