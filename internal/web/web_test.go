package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// get sends a GET (or method) request with optional headers to h.
func get(h http.Handler, target string, headers ...string) *httptest.ResponseRecorder {
	return do(h, http.MethodGet, target, headers...)
}

func do(h http.Handler, method, target string, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// testFS is a small assets folder: a page template, a module importing
// another, a style sheet and, with vendor, uPlot's two files.
func testFS(vendor bool) fstest.MapFS {
	fs := fstest.MapFS{
		"index.html": {Data: []byte(`<!doctype html><link rel="stylesheet" href="{{asset "css/app.css"}}">` +
			`{{if uplot}}<script src="{{asset "vendor/uPlot.iife.min.js"}}"></script>{{end}}{{importmap}}` +
			`<script type="module" src="{{asset "js/app.js"}}"></script><main id="main"></main>`)},
		"css/app.css":  {Data: []byte("body { color: red; }\n" + strings.Repeat("/* padding */\n", 200))},
		"js/app.js":    {Data: []byte("import './dom.js';\n")},
		"js/dom.js":    {Data: []byte("export const x = 1;\n")},
		"favicon.svg":  {Data: []byte("<svg/>")},
		"vendor/.keep": {Data: []byte("")},
	}
	if vendor {
		fs["vendor/uPlot.iife.min.js"] = &fstest.MapFile{Data: []byte("var uPlot = function () {};\n")}
		fs["vendor/uPlot.min.css"] = &fstest.MapFile{Data: []byte(".uplot {}\n")}
	}
	return fs
}

func mustSite(t *testing.T, vendor bool) *site {
	t.Helper()
	s, err := newSite(testFS(vendor))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPage(t *testing.T) {
	s := mustSite(t, true)
	for _, path := range []string{"/", "/index.html"} {
		w := get(s, path)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, w.Code)
		}
		if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", path, ct)
		}
		if cc := w.Header().Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q", path, cc)
		}
		body := w.Body.String()
		for _, want := range []string{
			`href="/assets/css/app.css?v=` + s.files["css/app.css"].hash + `"`,
			`src="/assets/vendor/uPlot.iife.min.js?v=` + s.files[UPlotJS].hash + `"`,
			`"/assets/js/dom.js":"/assets/js/dom.js?v=` + s.files["js/dom.js"].hash + `"`,
			`<script type="module" src="/assets/js/app.js?v=`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: page lacks %s:\n%s", path, want, body)
			}
		}
		csp := w.Header().Get("Content-Security-Policy")
		if !regexp.MustCompile(`script-src 'self' 'sha256-[A-Za-z0-9+/=]+'`).MatchString(csp) {
			t.Errorf("CSP %q does not allow exactly the import map", csp)
		}
	}
	// Other paths are left to the rest of the server.
	for _, path := range []string{"/feed.xml", "/countries", "/assets/nope.js", "/assets/"} {
		if w := get(s, path); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, w.Code)
		}
	}
	if w := do(s, http.MethodPost, "/"); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /: %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}
	if w := do(s, http.MethodHead, "/"); w.Code != http.StatusOK || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD /: %d, %d body bytes, Content-Length %q", w.Code, w.Body.Len(), w.Header().Get("Content-Length"))
	}
}

func TestAssetCaching(t *testing.T) {
	s := mustSite(t, true)
	f := func(target, wantType, wantCache string) {
		t.Helper()
		w := get(s, target)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", target, w.Code)
		}
		if ct := w.Header().Get("Content-Type"); ct != wantType {
			t.Errorf("GET %s: Content-Type %q, want %q", target, ct, wantType)
		}
		if cc := w.Header().Get("Cache-Control"); cc != wantCache {
			t.Errorf("GET %s: Cache-Control %q, want %q", target, cc, wantCache)
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", target)
		}
	}
	year := "public, max-age=31536000, immutable"
	js := s.files["js/app.js"].hash
	f("/assets/js/app.js?v="+js, "text/javascript; charset=utf-8", year)
	f("/assets/js/app.js", "text/javascript; charset=utf-8", "no-cache")
	f("/assets/js/app.js?v=000000000000", "text/javascript; charset=utf-8", "no-cache")
	f("/assets/css/app.css", "text/css; charset=utf-8", "no-cache")
	f("/assets/favicon.svg", "image/svg+xml", "no-cache")
	f("/assets/vendor/uPlot.iife.min.js?v="+s.files[UPlotJS].hash, "text/javascript; charset=utf-8", year)
	f("/assets/vendor/uPlot.min.css?v="+s.files[UPlotCSS].hash, "text/css; charset=utf-8", year)

	// Revalidation answers 304 with the strong ETag, also when listed
	// among others or given as a weak validator.
	w := get(s, "/assets/js/app.js")
	etag := w.Header().Get("ETag")
	if etag != `"`+js+`"` {
		t.Fatalf("ETag %q", etag)
	}
	for _, inm := range []string{etag, `"x", ` + etag, "W/" + etag, "*"} {
		if w := get(s, "/assets/js/app.js", "If-None-Match", inm); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: %d with %d bytes", inm, w.Code, w.Body.Len())
		}
	}
	if w := get(s, "/assets/js/app.js", "If-None-Match", `"other"`); w.Code != http.StatusOK {
		t.Errorf("stale If-None-Match: %d", w.Code)
	}
}

func TestGzip(t *testing.T) {
	s := mustSite(t, true)
	w := get(s, "/assets/css/app.css", "Accept-Encoding", "br, gzip")
	if w.Header().Get("Content-Encoding") != "gzip" || !strings.HasSuffix(w.Header().Get("ETag"), `-gz"`) {
		t.Fatalf("Content-Encoding %q, ETag %q", w.Header().Get("Content-Encoding"), w.Header().Get("ETag"))
	}
	if w.Header().Get("Vary") != "Accept-Encoding" {
		t.Errorf("Vary %q", w.Header().Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	if !bytes.Equal(b, s.files["css/app.css"].body) {
		t.Error("gzip body differs from the file")
	}
	for _, ae := range []string{"", "identity", "gzip;q=0", "gzip; q=0.0"} {
		if w := get(s, "/assets/css/app.css", "Accept-Encoding", ae); w.Header().Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q: got gzip", ae)
		}
	}
	// Small files are never compressed.
	if w := get(s, "/assets/js/dom.js", "Accept-Encoding", "gzip"); w.Header().Get("Content-Encoding") != "" {
		t.Error("small file compressed")
	}
}

// Without uPlot's files the package still builds and serves the page, which
// then leaves uPlot out (the scripts tell the reader to run setup), and the
// vendor URLs explain what is missing.
func TestMissingVendor(t *testing.T) {
	s := mustSite(t, false)
	w := get(s, "/")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /: %d", w.Code)
	}
	if strings.Contains(w.Body.String(), "uPlot") {
		t.Errorf("page names uPlot although it is missing:\n%s", w.Body.String())
	}
	w = get(s, "/assets/vendor/uPlot.iife.min.js")
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "internal/web/assets/vendor") {
		t.Errorf("missing vendor file: %d %q", w.Code, w.Body.String())
	}
	if _, ok := s.files["vendor/.keep"]; ok {
		t.Error("dot files are served")
	}
}

func TestBrokenTemplate(t *testing.T) {
	fs := testFS(true)
	fs["index.html"] = &fstest.MapFile{Data: []byte(`{{asset}`)}
	if _, err := newSite(fs); err == nil {
		t.Error("a broken page template was accepted")
	}
	delete(fs, "index.html")
	if _, err := newSite(fs); err == nil {
		t.Error("a missing page was accepted")
	}
}

// The embedded dashboard renders, names every module it imports through the
// import map, and has its uPlot files (committed under assets/vendor).
func TestEmbedded(t *testing.T) {
	h := Handler()
	w := get(h, "/")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /: %d", w.Code)
	}
	body := w.Body.String()
	s := h.(*site)
	for p := range s.files {
		if strings.HasSuffix(p, ".js") && !strings.HasPrefix(p, "vendor/") && !strings.Contains(body, `"/assets/`+p+`"`) {
			t.Errorf("import map lacks %s", p)
		}
	}
	// Every module's static imports name files that exist.
	imp := regexp.MustCompile(`(?m)^import [^;]*? from '([^']+)';`)
	for p, f := range s.files {
		if !strings.HasSuffix(p, ".js") || strings.HasPrefix(p, "vendor/") {
			continue
		}
		dir := p[:strings.LastIndex(p, "/")+1]
		for _, m := range imp.FindAllStringSubmatch(string(f.body), -1) {
			target := resolve(dir, m[1])
			if _, ok := s.files[target]; !ok {
				t.Errorf("%s imports %s (%s), which is not embedded", p, m[1], target)
			}
		}
	}
	if !HasUPlot() {
		t.Error("uPlot's files are not embedded: internal/web/assets/vendor must hold them")
	} else if !strings.Contains(body, "uPlot.iife.min.js?v=") {
		t.Error("uPlot is embedded but the page does not load it")
	}
}

// resolve joins a relative module specifier to the folder of the importing
// module.
func resolve(dir, spec string) string {
	parts := strings.Split(strings.TrimSuffix(dir, "/"), "/")
	if dir == "" {
		parts = nil
	}
	for _, s := range strings.Split(spec, "/") {
		switch s {
		case ".":
		case "..":
			if len(parts) > 0 {
				parts = parts[:len(parts)-1]
			}
		default:
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "/")
}
