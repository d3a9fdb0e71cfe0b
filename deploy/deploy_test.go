package deploy

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// unitFile parses a systemd unit into section -> key -> values (a key may
// repeat), ignoring comments and blank lines.
func unitFile(t *testing.T, path string) map[string]map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			out[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s:%d: not KEY=VALUE inside a section: %q", path, n, line)
			}
			out[section][k] = append(out[section][k], v)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSystemdUnit checks the watch unit's command and hardening options,
// then has systemd-analyze verify it and rate its exposure, when
// systemd-analyze is installed.
func TestSystemdUnit(t *testing.T) {
	const unit = "stocktake-watch.service"
	u := unitFile(t, unit)
	svc := u["Service"]
	if got := svc["ExecStart"]; len(got) != 1 || !strings.HasPrefix(got[0], "/usr/local/bin/stocktake watch ") {
		t.Errorf("ExecStart = %q, want /usr/local/bin/stocktake watch ...", got)
	}
	want := map[string]string{
		"DynamicUser": "yes", "NoNewPrivileges": "yes", "CapabilityBoundingSet": "", "ProtectSystem": "strict",
		"ProtectHome": "yes", "PrivateTmp": "yes", "PrivateDevices": "yes", "ProtectKernelTunables": "yes",
		"ProtectKernelModules": "yes", "ProtectControlGroups": "yes", "RestrictSUIDSGID": "yes",
		"MemoryDenyWriteExecute": "yes", "LockPersonality": "yes", "SystemCallArchitectures": "native",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "StateDirectory": "stocktake", "UMask": "0077",
	}
	for k, v := range want {
		if got := svc[k]; len(got) != 1 || got[0] != v {
			t.Errorf("[Service] %s = %q, want %q", k, got, v)
		}
	}
	if !slices.Contains(svc["SystemCallFilter"], "@system-service") {
		t.Errorf("SystemCallFilter = %q, want @system-service among them", svc["SystemCallFilter"])
	}
	if got := u["Install"]["WantedBy"]; len(got) != 1 || got[0] != "multi-user.target" {
		t.Errorf("WantedBy = %q", got)
	}

	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: the unit was checked by parsing only")
	}
	// verify requires ExecStart's program to exist: point it at this test
	// binary, in a copy of the unit with the same name.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(unit)
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(t.TempDir(), unit)
	if err := os.WriteFile(tmp, []byte(strings.ReplaceAll(string(b), "/usr/local/bin/stocktake", self)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(sa, "verify", tmp).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	// The exposure score runs from 0 (locked down) to 10 (unprotected);
	// the unit rates 1.4 with systemd 252.
	if out, err := exec.Command(sa, "security", "--offline=true", "--threshold=20", tmp).CombinedOutput(); err != nil {
		t.Errorf("systemd-analyze security: exposure above 2.0 (%v)\n%s", err, out)
	}
}

// TestGoreleaser checks the release configuration: linux amd64 and arm64,
// each without and with the netcdf tag, archives of all of them, checksums,
// and linker flags that set variables internal/buildinfo really has.
func TestGoreleaser(t *testing.T) {
	var cfg struct {
		Version int
		Builds  []struct {
			ID      string
			Main    string
			Env     []string
			Goos    []string
			Goarch  []string
			Tags    []string
			Ldflags []string
		}
		Archives []struct {
			ID           string
			IDs          []string `yaml:"ids"`
			Formats      []string
			NameTemplate string `yaml:"name_template"`
			Files        []string
		}
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
			Algorithm    string
		}
	}
	readYAML(t, filepath.Join("..", ".goreleaser.yaml"), &cfg)
	if cfg.Version != 2 {
		t.Errorf("version: %d, want 2", cfg.Version)
	}
	src, err := os.ReadFile(filepath.Join("..", "internal", "buildinfo", "buildinfo.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^var version, commit string$`).Match(src) {
		t.Fatal("internal/buildinfo no longer declares `var version, commit string`, which the release ldflags set")
	}
	targets := map[string]bool{}
	ids := map[string]bool{}
	for _, b := range cfg.Builds {
		ids[b.ID] = true
		if b.Main != "./cmd/stocktake" {
			t.Errorf("build %s: main %q", b.ID, b.Main)
		}
		netcdf := slices.Contains(b.Tags, "netcdf")
		cgo := slices.Contains(b.Env, "CGO_ENABLED=1")
		if netcdf != cgo || (!netcdf && !slices.Contains(b.Env, "CGO_ENABLED=0")) {
			t.Errorf("build %s: tags %v with env %v; the netcdf builds need cgo, the others must be pure Go", b.ID, b.Tags, b.Env)
		}
		flags := strings.Join(b.Ldflags, " ")
		for _, v := range []string{"buildinfo.version={{ .Version }}", "buildinfo.commit={{ .FullCommit }}"} {
			if !strings.Contains(flags, "-X github.com/stocktake/stocktake/internal/"+v) {
				t.Errorf("build %s: ldflags lack -X .../internal/%s", b.ID, v)
			}
		}
		for _, os := range b.Goos {
			for _, arch := range b.Goarch {
				key := os + "/" + arch
				if netcdf {
					key += "+netcdf"
				}
				if targets[key] {
					t.Errorf("%s built twice", key)
				}
				targets[key] = true
			}
		}
	}
	for _, want := range []string{"linux/amd64", "linux/arm64", "linux/amd64+netcdf", "linux/arm64+netcdf"} {
		if !targets[want] {
			t.Errorf("no build for %s", want)
		}
	}
	archived := map[string]bool{}
	names := map[string]bool{}
	for _, a := range cfg.Archives {
		for _, id := range a.IDs {
			archived[id] = true
		}
		if names[a.NameTemplate] {
			t.Errorf("two archives named %q", a.NameTemplate)
		}
		names[a.NameTemplate] = true
		if !slices.Contains(a.Files, "LICENSE") {
			t.Errorf("archive %s lacks LICENSE", a.ID)
		}
		for _, f := range a.Files {
			if _, err := os.Stat(filepath.Join("..", f)); err != nil {
				t.Errorf("archive %s: %v", a.ID, err)
			}
		}
	}
	for id := range ids {
		if !archived[id] {
			t.Errorf("build %s is in no archive", id)
		}
	}
	if cfg.Checksum.NameTemplate == "" || cfg.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum: %+v", cfg.Checksum)
	}
}

// TestCompose checks compose.yaml: PostgreSQL with a health check, one
// watch and two serve services of the same image, all on PostgreSQL, and
// ports published on the loopback address only.
func TestCompose(t *testing.T) {
	var c struct {
		Services map[string]struct {
			Image       string
			Build       string
			Command     []string
			Environment map[string]string
			Ports       []string
			DependsOn   map[string]map[string]string `yaml:"depends_on"`
			Healthcheck map[string]any
			ReadOnly    bool     `yaml:"read_only"`
			CapDrop     []string `yaml:"cap_drop"`
		}
	}
	readYAML(t, filepath.Join("..", "compose.yaml"), &c)
	pg, ok := c.Services["postgres"]
	if !ok || !strings.HasPrefix(pg.Image, "postgres:") || pg.Healthcheck == nil {
		t.Fatalf("postgres service: %+v", pg)
	}
	var watch, serve int
	for name, s := range c.Services {
		if name == "postgres" {
			continue
		}
		if len(s.Command) == 0 {
			t.Errorf("%s: no command", name)
			continue
		}
		switch s.Command[0] {
		case "watch":
			watch++
		case "serve":
			serve++
		default:
			t.Errorf("%s: command %v", name, s.Command)
		}
		if s.Build != "." || s.Image != "stocktake:local" {
			t.Errorf("%s: build %q image %q", name, s.Build, s.Image)
		}
		if db := s.Environment["STOCKTAKE_DB"]; !strings.HasPrefix(db, "postgres://") || !strings.Contains(db, "@postgres:5432/") {
			t.Errorf("%s: STOCKTAKE_DB %q is not the postgres service", name, db)
		}
		if s.DependsOn["postgres"]["condition"] != "service_healthy" {
			t.Errorf("%s: does not wait for a healthy postgres", name)
		}
		if !s.ReadOnly || !slices.Contains(s.CapDrop, "ALL") {
			t.Errorf("%s: read_only %v, cap_drop %v", name, s.ReadOnly, s.CapDrop)
		}
		if !slices.Contains(s.Command, "0.0.0.0:8080") {
			t.Errorf("%s: does not listen on 0.0.0.0:8080 inside its container: %v", name, s.Command)
		}
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s: port %q is published beyond the loopback address", name, p)
			}
		}
	}
	if watch != 1 || serve != 2 {
		t.Errorf("%d watch and %d serve services, want 1 and 2", watch, serve)
	}
}

// TestDockerfile checks the Dockerfile's shape (a build stage with -tags
// netcdf, a runtime stage with the NetCDF libraries that runs as a user
// other than root), then builds it where a Docker daemon answers. It skips
// the build, saying why, when there is no daemon or the base images cannot
// be pulled (no registry access).
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	stages := regexp.MustCompile(`(?m)^FROM `).FindAllStringIndex(text, -1)
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a build and a runtime stage", len(stages))
	}
	build, runtime := text[:stages[len(stages)-1][0]], text[stages[len(stages)-1][0]:]
	if !strings.Contains(build, "-tags netcdf") || !strings.Contains(build, "internal/buildinfo.version=") {
		t.Error("the build stage does not build with -tags netcdf and the version ldflags")
	}
	for _, lib := range []string{"libnetcdf19", "libhdf5-103-1", "libdeflate0", "ca-certificates"} {
		if !strings.Contains(runtime, lib) {
			t.Errorf("the runtime stage does not install %s", lib)
		}
	}
	user := regexp.MustCompile(`(?m)^USER (\S+)`).FindStringSubmatch(runtime)
	if user == nil || strings.HasPrefix(user[1], "root") || strings.HasPrefix(user[1], "0:") || user[1] == "0" {
		t.Errorf("the runtime stage runs as %v, want a user other than root", user)
	}
	if strings.Contains(runtime, "golang:") || strings.Contains(runtime, "-dev") {
		t.Error("the runtime stage has the Go toolchain or -dev packages")
	}

	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("docker is not installed: the Dockerfile was checked by reading only")
	}
	if out, err := exec.Command(docker, "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		t.Skipf("no Docker daemon answers (%v: %s): the Dockerfile was checked by reading only", err, strings.TrimSpace(string(out)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, docker, "build", "-t", "stocktake:test", "..").CombinedOutput()
	if err != nil {
		msg := string(out)
		for _, s := range []string{"failed to resolve source metadata", "pull access denied", "dial tcp", "TLS handshake", "no such host", "i/o timeout", "failed to do request"} {
			if strings.Contains(msg, s) {
				t.Skipf("the base images cannot be pulled here (%q): the Dockerfile was checked by reading only", s)
			}
		}
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	out, err = exec.Command(docker, "run", "--rm", "stocktake:test", "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "netcdf: yes") {
		t.Errorf("docker run stocktake:test --version: %v\n%s", err, out)
	}
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
