// Package buildinfo reports which stocktake is running: its version and the
// commit it was built from, read from the build information the Go
// toolchain embeds (runtime/debug.ReadBuildInfo). Release builds may also
// set them with the linker, for builds where the toolchain records no
// version control information (a source archive, or -buildvcs=false):
//
//	go build -ldflags "-X github.com/stocktake/stocktake/internal/buildinfo.version=v1.2.3 -X github.com/stocktake/stocktake/internal/buildinfo.commit=abc123" ./cmd/stocktake
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// version and commit are set with -ldflags -X by release builds; empty
// means "read them from the build information".
var version, commit string

// Info describes the running binary.
type Info struct {
	// Version is the release version ("v1.2.3"), the module version that
	// `go install ...@version` recorded, the pseudo-version the toolchain
	// derives from the repository, or "dev" when none is known.
	Version string `json:"version"`
	// Commit is the full revision the binary was built from, or "unknown".
	Commit string `json:"commit"`
	// Time is the commit time (RFC 3339), or "" when unknown.
	Time string `json:"time,omitempty"`
	// Modified is true when the work tree had uncommitted changes.
	Modified bool `json:"modified,omitempty"`
	// GoVersion is the toolchain that built the binary ("go1.26.8").
	GoVersion string `json:"go_version"`
}

var (
	once sync.Once
	info Info
)

// Read returns the running binary's Info. It is cheap after the first call.
func Read() Info {
	once.Do(func() {
		bi, ok := debug.ReadBuildInfo()
		info = fromBuildInfo(bi, ok, version, commit)
	})
	return info
}

// fromBuildInfo computes Info from the toolchain's build information (ok is
// false when there is none) and the linker-set version and commit, which
// win when not empty.
func fromBuildInfo(bi *debug.BuildInfo, ok bool, ldVersion, ldCommit string) Info {
	in := Info{Version: "dev", Commit: "unknown", GoVersion: runtime.Version()}
	if ok && bi != nil {
		if bi.GoVersion != "" {
			in.GoVersion = bi.GoVersion
		}
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			in.Version = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				in.Commit = s.Value
			case "vcs.time":
				in.Time = s.Value
			case "vcs.modified":
				in.Modified = s.Value == "true"
			}
		}
	}
	if ldVersion != "" {
		in.Version = ldVersion
	}
	if ldCommit != "" {
		in.Commit = ldCommit
	}
	return in
}

// ShortCommit returns the first 12 characters of the commit, or the whole
// of it when shorter (such as "unknown").
func (in Info) ShortCommit() string {
	if len(in.Commit) > 12 && !strings.Contains(in.Commit, " ") {
		return in.Commit[:12]
	}
	return in.Commit
}

// UserAgent is the User-Agent stocktake sends to producers:
// "stocktake/VERSION (+https://github.com/stocktake/stocktake)".
func (in Info) UserAgent() string {
	return "stocktake/" + in.Version + " (+https://github.com/stocktake/stocktake)"
}
