// Package web serves stocktake's dashboard: a single HTML page with plain
// ES modules, a style sheet and the uPlot chart library, all embedded in the
// binary. The page reads every number from the HTTP API (internal/api),
// which mounts Handler at "/" through api.Options.UI.
//
// Contracts:
//   - GET / (and /index.html) answers the page. Its routes are hash routes
//     (#/indicator/sst.world, #/countries?a=CHN&b=USA), so no other path
//     needs to answer the page; every other path outside /assets/ is 404,
//     which leaves the rest of the URL space to the API and the feeds.
//   - Files live under /assets/. The page names each of them with its
//     content hash in the query string (?v=<12 hex digits of its sha256>),
//     including the modules imported by other modules (through an import
//     map written into the page), so a request that carries the current
//     hash is cached for a year (immutable), and a request without it must
//     be revalidated (Cache-Control: no-cache with a strong ETag).
//   - The page itself is never cached without revalidation.
//   - Text bodies of 1 KiB or more are gzip-encoded when the client accepts
//     gzip; the compressed bytes are computed once, at start-up.
//   - uPlot's distribution files (assets/vendor/uPlot.iife.min.js and
//     uPlot.min.css, with its MIT licence as uPlot.LICENSE) are committed,
//     byte for byte the files of the uPlot version web/package-lock.json
//     pins (vendor_test.go checks this against web/node_modules), so that
//     `go install` without npm gives a dashboard with charts. Should a
//     build lack them (the embed pattern is all:assets), the page leaves
//     out their tags and /assets/vendor/... answers 404 saying so.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template"
)

//go:embed all:assets
var embedded embed.FS

// UPlotJS and UPlotCSS are the vendor files the page needs, relative to the
// assets folder.
const (
	UPlotJS  = "vendor/uPlot.iife.min.js"
	UPlotCSS = "vendor/uPlot.min.css"
)

// immutableMaxAge is the max-age, in seconds, of requests that carry the
// current content hash of a file (one year).
const immutableMaxAge = 365 * 24 * 3600

// file is one asset ready to serve.
type file struct {
	body  []byte
	gz    []byte // gzip-encoded body, nil when not worth it
	ctype string
	hash  string // first 12 hex digits of the body's sha256
}

// site is the dashboard's content: the rendered page and the assets.
type site struct {
	index  *file
	files  map[string]*file // by path relative to the assets folder
	vendor bool             // uPlot's files are present
	csp    string           // the page's Content-Security-Policy
}

var (
	defaultOnce sync.Once
	defaultSite *site
	defaultErr  error
)

// Handler returns the dashboard's handler (see the package comment). It
// panics when the embedded page cannot be rendered, which only a broken
// build can cause; the package's tests render it.
func Handler() http.Handler {
	defaultOnce.Do(func() {
		sub, err := fs.Sub(embedded, "assets")
		if err != nil {
			defaultErr = err
			return
		}
		defaultSite, defaultErr = newSite(sub)
	})
	if defaultErr != nil {
		panic("web: " + defaultErr.Error())
	}
	return defaultSite
}

// HasUPlot reports whether uPlot's files were embedded (they are committed
// under assets/vendor).
func HasUPlot() bool {
	_, err := fs.Stat(embedded, "assets/"+UPlotJS)
	return err == nil
}

// contentTypes are the media types of the file extensions the dashboard
// uses. They are fixed here rather than taken from the system's MIME table,
// which varies between machines (a module served as text/plain does not run).
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
	".map":  "application/json",
}

// newSite reads every file of fsys (the assets folder), hashes and
// compresses it, and renders index.html as a template (see page).
func newSite(fsys fs.FS) (*site, error) {
	s := &site{files: map[string]*file{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") {
			return nil // .gitkeep and the like
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		ct, ok := contentTypes[path.Ext(p)]
		if !ok {
			ct = "application/octet-stream"
		}
		s.files[p] = newFile(b, ct)
		return nil
	})
	if err != nil {
		return nil, err
	}
	_, s.vendor = s.files[UPlotJS]
	if _, ok := s.files[UPlotCSS]; !ok {
		s.vendor = false
	}
	tmpl, ok := s.files["index.html"]
	if !ok {
		return nil, fmt.Errorf("assets/index.html is missing")
	}
	delete(s.files, "index.html")
	page, err := s.render(string(tmpl.body))
	if err != nil {
		return nil, err
	}
	s.index = newFile(page, contentTypes[".html"])
	return s, nil
}

// newFile hashes body and keeps a gzip-encoded copy when the type is text,
// the body is at least 1 KiB and compression saves something.
func newFile(body []byte, ctype string) *file {
	sum := sha256.Sum256(body)
	f := &file{body: body, ctype: ctype, hash: hex.EncodeToString(sum[:])[:12]}
	text := strings.HasPrefix(ctype, "text/") || ctype == "application/json" || ctype == "image/svg+xml"
	if text && len(body) >= 1024 {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if b.Len() < len(body) {
			f.gz = b.Bytes()
		}
	}
	return f
}

// url is the versioned address of an asset.
func (s *site) url(p string) string {
	if f, ok := s.files[p]; ok {
		return "/assets/" + p + "?v=" + f.hash
	}
	return "/assets/" + p
}

// render executes the page template. Besides text/template's own, it knows:
//
//	{{asset "css/app.css"}}   the versioned URL of an asset
//	{{if uplot}}...{{end}}    whether uPlot's files are present
//	{{importmap}}             a <script type="importmap"> mapping every
//	                          module's plain URL to its versioned URL, so
//	                          that relative imports get the content hash too
//
// The page's Content-Security-Policy allows scripts from the server itself
// and the import map, by its sha256; no other inline script runs.
func (s *site) render(src string) ([]byte, error) {
	scripts := []string{"'self'"}
	funcs := template.FuncMap{
		"asset": s.url,
		"uplot": func() bool { return s.vendor },
		"importmap": func() string {
			imports := map[string]string{}
			var names []string
			for p := range s.files {
				if path.Ext(p) == ".js" && !strings.HasPrefix(p, "vendor/") {
					names = append(names, p)
				}
			}
			sort.Strings(names)
			for _, p := range names {
				imports["/assets/"+p] = s.url(p)
			}
			b, _ := json.Marshal(map[string]any{"imports": imports})
			sum := sha256.Sum256(b)
			scripts = append(scripts, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
			return `<script type="importmap">` + string(b) + `</script>`
		},
	}
	t, err := template.New("index.html").Funcs(funcs).Parse(src)
	if err != nil {
		return nil, fmt.Errorf("index.html: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, nil); err != nil {
		return nil, fmt.Errorf("index.html: %w", err)
	}
	s.csp = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src " + strings.Join(scripts, " ") +
		"; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
	return b.Bytes(), nil
}

// missingVendor is the body of a request for uPlot's files when they were
// not embedded.
const missingVendor = "uPlot is missing from this build: internal/web/assets/vendor must hold uPlot.iife.min.js and uPlot.min.css (they are committed; the same files are in web/node_modules/uplot/dist after npm ci); restore them and rebuild stocktake.\n"

// ServeHTTP answers GET and HEAD for the page and the assets.
func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	switch p := r.URL.Path; {
	case p == "/" || p == "/index.html":
		h.Set("Content-Security-Policy", s.csp)
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-cache")
		serveFile(w, r, s.index)
	case strings.HasPrefix(p, "/assets/"):
		name := strings.TrimPrefix(p, "/assets/")
		f, ok := s.files[name]
		if !ok {
			if strings.HasPrefix(name, "vendor/") && !s.vendor {
				h.Set("Cache-Control", "no-store")
				http.Error(w, missingVendor, http.StatusNotFound)
				return
			}
			http.NotFound(w, r)
			return
		}
		if v := r.URL.Query().Get("v"); v != "" && v == f.hash {
			h.Set("Cache-Control", "public, max-age="+strconv.Itoa(immutableMaxAge)+", immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		serveFile(w, r, f)
	default:
		http.NotFound(w, r)
	}
}

// serveFile writes f with its strong ETag, answering If-None-Match with 304
// and sending the gzip-encoded copy to clients that accept gzip.
func serveFile(w http.ResponseWriter, r *http.Request, f *file) {
	h := w.Header()
	body, etag := f.body, `"`+f.hash+`"`
	if f.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = f.gz, `"`+f.hash+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	if matchETag(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", f.ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// matchETag reports whether an If-None-Match header names etag (or is *).
// Weak validators match their strong form, as RFC 9110 asks for
// If-None-Match.
func matchETag(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether the Accept-Encoding header allows gzip; a
// zero weight (q=0) refuses it.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.TrimSpace(name)
		if strings.EqualFold(name, "gzip") || name == "*" {
			q := strings.ReplaceAll(params, " ", "")
			if v, ok := strings.CutPrefix(q, "q="); ok {
				x, err := strconv.ParseFloat(v, 64)
				return err == nil && x > 0
			}
			return true
		}
	}
	return false
}
