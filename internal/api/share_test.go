package api

import (
	"bytes"
	"html"
	"image"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/present"
)

// metaTag matches the <meta> tags of a share page, by property or name.
var metaTag = regexp.MustCompile(`<meta (?:property|name|http-equiv)="([^"]+)" content="([^"]*)">`)

// shareMeta fetches a share page, requires 200 HTML with the share page's
// Content-Security-Policy and returns its <meta> tags (unescaped, the
// last of each name) and the body.
func shareMeta(t *testing.T, s *Server, target string, hdr ...string) (map[string]string, string) {
	t.Helper()
	r := get(t, s, target, hdr...)
	if r.code != 200 {
		t.Fatalf("GET %s: %d %s", target, r.code, r.body)
	}
	if ct := r.h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("GET %s: Content-Type %q", target, ct)
	}
	if csp := r.h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Fatalf("GET %s: Content-Security-Policy %q allows scripts", target, csp)
	}
	m := map[string]string{}
	for _, sm := range metaTag.FindAllStringSubmatch(string(r.body), -1) {
		m[sm[1]] = html.UnescapeString(sm[2])
	}
	return m, string(r.body)
}

// TestSharePages checks the share link of an indicator view: every Open
// Graph and Twitter tag is there, the description holds the overview card's
// value, date and source and the rank for the date, og:image is the
// absolute URL of the view's PNG chart (which answers 200 image/png), the
// locale follows lang=, and the page sends people on to the same view of
// the dashboard.
func TestSharePages(t *testing.T) {
	s := testServer(t)
	var o overviewBody
	getJSON(t, s, "/api/overview", &o)
	sst := findSign(o.Signs, "sst.world")
	if sst == nil {
		t.Fatal("no sst.world card")
	}
	ref, err := catalog.Resolve("sst.world")
	if err != nil {
		t.Fatal(err)
	}
	value := present.ValueAt(sst.Latest.Value, ref.Indicator.Resolution) + " °C"

	for _, c := range []struct{ lang, locale, htmlLang, source string }{
		{"", "en_US", "en", "Source: "},
		{"zh-Hant", "zh_TW", "zh-Hant", "資料來源："},
		{"zh-TW", "zh_TW", "zh-Hant", "資料來源："},
		{"zh-Hans", "zh_CN", "zh-Hans", "数据来源："},
		{"zh-CN", "zh_CN", "zh-Hans", "数据来源："},
	} {
		q := url.Values{"smooth": {"5d"}, "baseline": {"1982-2011"}}
		if c.lang != "" {
			q.Set("lang", c.lang)
		}
		m, body := shareMeta(t, s, "/share/indicator/sst.world?"+q.Encode())
		for _, k := range []string{"og:title", "og:description", "og:image", "og:url", "og:locale", "og:type", "og:image:alt",
			"twitter:card", "twitter:title", "twitter:description", "twitter:image", "refresh"} {
			if m[k] == "" {
				t.Errorf("lang %q: no %s tag", c.lang, k)
			}
		}
		if m["og:locale"] != c.locale || !strings.Contains(body, `<html lang="`+c.htmlLang+`">`) {
			t.Errorf("lang %q: og:locale %q, want %q; html lang %q", c.lang, m["og:locale"], c.locale, c.htmlLang)
		}
		d := m["og:description"]
		for _, want := range []string{value, sst.Latest.Date, c.source, sst.Source.SHA256[:12], "1991-2020"} {
			if !strings.Contains(d, want) {
				t.Errorf("lang %q: og:description lacks %q: %s", c.lang, want, d)
			}
		}
		if c.lang == "" && sst.Sentence != nil && !strings.Contains(d, *sst.Sentence) {
			t.Errorf("og:description lacks the record sentence %q: %s", *sst.Sentence, d)
		}
		if c.locale == "zh_TW" && !strings.Contains(d, "年來同日") || c.locale == "zh_CN" && !strings.Contains(d, "年来同日") {
			t.Errorf("lang %q: no rank for the date in words: %s", c.lang, d)
		}
		if !strings.HasPrefix(m["og:title"], "Daily sea-surface temperature") {
			t.Errorf("og:title %q", m["og:title"])
		}
		// The picture is drawn in the page's language (the chart route
		// takes lang=), so its URL carries the canonical language tag.
		wantLang := map[string]string{"": "", "zh-Hant": "zh-Hant", "zh-TW": "zh-Hant", "zh-Hans": "zh-Hans", "zh-CN": "zh-Hans"}[c.lang]
		wantImg := "http://example.com/api/chart/sst.world.png?baseline=1982-2011&kind=spaghetti&smooth=5d"
		if wantLang != "" {
			wantImg = "http://example.com/api/chart/sst.world.png?baseline=1982-2011&kind=spaghetti&lang=" + wantLang + "&smooth=5d"
		}
		img := m["og:image"]
		if img != wantImg || m["twitter:image"] != img {
			t.Errorf("og:image %q, twitter:image %q, want %q", img, m["twitter:image"], wantImg)
		}
		q.Del("lang")
		if wantLang != "" {
			q.Set("lang", wantLang)
		}
		if want := "http://example.com/share/indicator/sst.world?" + q.Encode(); m["og:url"] != want {
			t.Errorf("og:url %q, want %q", m["og:url"], want)
		}
		if want := "0; url=http://example.com/#/indicator/sst.world?" + q.Encode(); m["refresh"] != want {
			t.Errorf("refresh %q, want %q", m["refresh"], want)
		}
		if !strings.Contains(body, `<a href="http://example.com/#/indicator/sst.world?`) {
			t.Errorf("no visible link to the dashboard:\n%s", body)
		}
		if strings.Contains(body, "<script") {
			t.Errorf("the share page has a script")
		}
	}

	// The image answers with a PNG of the size the tags announce.
	m, _ := shareMeta(t, s, "/share/indicator/sst.world?smooth=5d")
	path := strings.TrimPrefix(m["og:image"], "http://example.com")
	r := get(t, s, path)
	if r.code != 200 || r.h.Get("Content-Type") != "image/png" {
		t.Fatalf("og:image %s: %d %s", path, r.code, r.h.Get("Content-Type"))
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(r.body))
	if err != nil || m["og:image:width"] != "1200" || m["og:image:height"] != "675" || cfg.Width != 1200 || cfg.Height != 675 {
		t.Fatalf("og:image %s: %dx%d (%v), tags %sx%s", path, cfg.Width, cfg.Height, err, m["og:image:width"], m["og:image:height"])
	}

	// Behind a TLS proxy the absolute URLs are https.
	m, _ = shareMeta(t, s, "/share/indicator/seaice.north@4.0", "X-Forwarded-Proto", "https")
	if !strings.HasPrefix(m["og:image"], "https://example.com/api/chart/seaice.north@4.0.png?kind=spaghetti") ||
		m["refresh"] != "0; url=https://example.com/#/indicator/seaice.north@4.0" {
		t.Errorf("https: og:image %q, refresh %q", m["og:image"], m["refresh"])
	}
	// A monthly indicator is charted as a line over the view's period.
	m, _ = shareMeta(t, s, "/share/indicator/gmst.noaa?span=10&basis=published")
	noaa := findSign(o.Signs, "gmst.noaa")
	if noaa == nil {
		t.Fatal("no gmst.noaa card")
	}
	latestYear, err := strconv.Atoi(noaa.Latest.Date[:4])
	if err != nil {
		t.Fatal(err)
	}
	if m["og:image"] != "http://example.com/api/chart/gmst.noaa.png?from="+strconv.Itoa(latestYear-9) {
		t.Errorf("gmst.noaa og:image %q (latest %s)", m["og:image"], noaa.Latest.Date)
	}
	if r := get(t, s, strings.TrimPrefix(m["og:image"], "http://example.com")); r.code != 200 || r.h.Get("Content-Type") != "image/png" {
		t.Errorf("gmst.noaa og:image: %d %s", r.code, r.body)
	}
	if !strings.Contains(m["refresh"], "basis=published") || !strings.Contains(m["refresh"], "span=10") {
		t.Errorf("gmst.noaa refresh %q lost the view's state", m["refresh"])
	}
}

// TestShareOtherPages checks the overview's and the countries page's share
// links and their images.
func TestShareOtherPages(t *testing.T) {
	s := testServer(t)
	var o overviewBody
	getJSON(t, s, "/api/overview", &o)
	// The overview describes its headline card: the first one at a record.
	var head *overviewSign
	for i := range o.Signs {
		if o.Signs[i].Sentence != nil {
			head = &o.Signs[i]
			break
		}
	}
	if head == nil {
		t.Fatal("no card at a record")
	}
	m, _ := shareMeta(t, s, "/share/")
	if !strings.Contains(m["og:description"], *head.Sentence) || !strings.Contains(m["og:image"], "/api/chart/"+head.Indicator+".png") {
		t.Errorf("overview: description %q, image %q; headline %s", m["og:description"], m["og:image"], head.Indicator)
	}
	if m["refresh"] != "0; url=http://example.com/#/" {
		t.Errorf("overview refresh %q", m["refresh"])
	}
	m, _ = shareMeta(t, s, "/share/countries?a=ind&b=CHN&chart=co2.emissions&lang=zh-Hans")
	if m["og:image"] != "http://example.com/api/chart/co2.emissions.png?entity=IND&lang=zh-Hans" || !strings.Contains(m["og:title"], "国家并列比较：IND与CHN") {
		t.Errorf("countries: image %q, title %q", m["og:image"], m["og:title"])
	}
	if r := get(t, s, strings.TrimPrefix(m["og:image"], "http://example.com")); r.code != 200 || r.h.Get("Content-Type") != "image/png" {
		t.Errorf("countries og:image: %d %s", r.code, r.body)
	}
	m, _ = shareMeta(t, s, "/share/paris?year=2024&lang=zh-Hant")
	if !strings.Contains(m["og:title"], "巴黎協定") || m["og:image"] == "" || m["refresh"] != "0; url=http://example.com/#/paris?lang=zh-Hant&year=2024" {
		t.Errorf("paris: %v", m)
	}
}

// TestShareEscapesAndErrors checks that what a link carries is escaped in
// the page, and the errors: unknown page, indicator or entity (404),
// malformed view state or Host (400).
func TestShareEscapesAndErrors(t *testing.T) {
	s := testServer(t)
	evil := `"><script>alert(1)</script><meta x="`
	m, body := shareMeta(t, s, "/share/indicator/sst.world?year="+url.QueryEscape(evil))
	if strings.Contains(body, "<script") || strings.Contains(body, `<meta x=`) {
		t.Fatalf("a parameter reached the page unescaped:\n%s", body)
	}
	u, err := url.Parse(strings.TrimPrefix(m["refresh"], "0; url="))
	if err != nil {
		t.Fatal(err)
	}
	route, query, _ := strings.Cut(u.Fragment, "?")
	if q, err := url.ParseQuery(query); err != nil || route != "/indicator/sst.world" || q.Get("year") != evil {
		t.Fatalf("refresh %q does not carry the value (%v)", m["refresh"], err)
	}
	_, body = shareMeta(t, s, "/share/station/"+url.PathEscape(`<b>x</b>`))
	if strings.Contains(body, "<b>") {
		t.Fatalf("the page's argument reached the page unescaped:\n%s", body)
	}
	for _, c := range []struct {
		target string
		code   int
	}{
		{"/share/indicator/no.such.indicator", 404},
		{"/share/indicator/", 404},
		{"/share/nosuchpage", 404},
		{"/share/countries?a=XXX", 404},
		{"/share/countries?chart=sst.world", 404},
		{"/share/indicator/sst.world?smooth=5x", 400},
		{"/share/indicator/sst.world?baseline=2020-1991", 400},
		{"/share/indicator/gmst.noaa?span=7", 400},
		{"/share/indicator/sst.world?Bad-Name=1", 400},
		{"/share/?x=" + strings.Repeat("a", maxShareQuery), 400},
	} {
		if r := get(t, s, c.target); r.code != c.code {
			t.Errorf("GET %s: %d, want %d: %s", c.target, r.code, c.code, r.body)
		}
	}
	// A Host that is not a host name is refused rather than written into
	// the page's absolute URLs.
	for _, host := range []string{`evil"host`, "a b", "x/y"} {
		req := httptest.NewRequest(http.MethodGet, "/share/", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 400 {
			t.Errorf("Host %q: %d, want 400", host, rec.Code)
		}
	}
	if r := get(t, s, "/share"); r.code != 301 && r.code != 307 && r.code != 308 {
		t.Errorf("/share: %d, want a redirect to /share/", r.code)
	}
}

// TestShareNationalIndicator checks an indicator page of a national
// indicator: charted for the link's entity, and without a picture (rather
// than another indicator's) when the link names none.
func TestShareNationalIndicator(t *testing.T) {
	s := testServer(t)
	m, _ := shareMeta(t, s, "/share/indicator/co2.emissions?entity=chn")
	if m["og:image"] != "http://example.com/api/chart/co2.emissions.png?entity=CHN" || !strings.HasSuffix(m["og:title"], "· CHN · stocktake") {
		t.Errorf("co2.emissions for CHN: image %q, title %q", m["og:image"], m["og:title"])
	}
	m, _ = shareMeta(t, s, "/share/indicator/co2.emissions")
	if m["og:image"] != "" || m["twitter:card"] != "summary" {
		t.Errorf("co2.emissions without entity: image %q, card %q", m["og:image"], m["twitter:card"])
	}
	if r := get(t, s, "/share/indicator/co2.emissions?entity=NOWHERE"); r.code != 404 {
		t.Errorf("unknown entity: %d %s", r.code, r.body)
	}
}
