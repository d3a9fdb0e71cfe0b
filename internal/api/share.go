package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	qry "github.com/stocktake/stocktake/internal/query"
)

// This file answers the dashboard's share links: GET /share/<page>[/<arg>]
// with the page's state in the query string, for example
// /share/indicator/sst.world?smooth=5d&lang=zh-Hant. The dashboard itself is
// hash-routed (/#/indicator/sst.world?smooth=5d), and the part after # never
// reaches a server, so a link pasted in a chat would show nothing; the share
// link is path-based instead. Its answer is a small HTML page with Open
// Graph and Twitter card tags (title; a description with the latest value,
// its rank or record sentence and its source, all from internal/query; the
// absolute URL of the server-rendered PNG chart of that view; the page's
// URL; the locale of its lang=) that sends people on to the dashboard's
// route with a <meta http-equiv="refresh"> and a visible link (no script:
// the page's Content-Security-Policy forbids scripts altogether).
//
// Absolute URLs (og:url, og:image) are made from the request: the scheme is
// https when the connection is TLS or a proxy says so in X-Forwarded-Proto
// (http or https; other values are ignored), http otherwise, and the host
// is the request's Host header, which must be a plain host name or address
// with an optional port (anything else is a 400). A reverse proxy in front
// of stocktake must therefore pass the public Host and X-Forwarded-Proto.
//
// Errors: an unknown page, indicator, entity or national indicator is a
// 404; a malformed smooth, baseline or span, a query string longer than
// maxShareQuery bytes or a parameter name that is not a lower-case word is
// a 400. Every other parameter is passed on to the dashboard unchanged.

// maxShareQuery bounds the raw query string of a share link, in bytes.
const maxShareQuery = 1024

// sharePages are the dashboard's pages that have a share link; the
// empty name is the overview (the dashboard's #/).
var sharePages = map[string]bool{"": true, "indicators": true, "indicator": true, "countries": true,
	"rankings": true, "events": true, "sources": true, "paris": true, "stations": true, "station": true}

var (
	shareParamName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`) })
	shareHost      = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$`)
	})
	shareEntity = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{1,40}$`) })
)

// shareWords are the words of the share page in one of the dashboard's
// languages (the dashboard's own text is in internal/web/assets/js).
type shareWords struct {
	lang, locale string
	open, moving string
	latest       string // value, date
	anomaly      string // signed value with unit, baseline
	source       string // prefix of the source line
	chartAlt     string // page title
	titles       map[string]string
	descriptions map[string]string
	// rank words the rank for the date: rank, years, kind, tie, frequency.
	rank func(rank, years int, kind qry.ExtremeKind, tie bool, f obs.Frequency) string
}

// shareLanguages holds the words of every language, by the dashboard's
// language tags.
var shareLanguages = map[string]*shareWords{
	"en": {lang: "en", locale: "en_US",
		open: "Open this view in the stocktake dashboard", moving: "Taking you to the dashboard…",
		latest: "Latest: %s on %s", anomaly: "%s vs the %s mean", source: "Source: ", chartAlt: "Chart: %s",
		titles: map[string]string{"": "The vital signs today", "indicators": "Indicators", "countries": "Countries side by side: %s and %s",
			"rankings": "Countries ranked", "events": "Record events", "sources": "Sources", "paris": "Paris Agreement and COP28",
			"stations": "Weather stations", "station": "Weather station %s"},
		descriptions: map[string]string{
			"indicators": "Every indicator with its unit, coverage and source.",
			"countries":  "Emissions, coal power, clean capacity and forest loss of %s and %s, with their rank and share of the world.",
			"rankings":   "Countries ranked by %s, with their share of the world.",
			"events":     "Records detected when new data arrived, newest first.",
			"sources":    "Every dataset with its producer, licence, version and sha256.",
			"paris":      "Warming above 1850–1900 and the Global Stocktake goals, with the source of every number.",
			"stations":   "GHCN-Daily station records, with the file each value came from.",
			"station":    "GHCN-Daily station records, with the file each value came from.",
			"*":          "The planet's vital signs and the big emitters' progress, with the source of every number.",
		},
		rank: func(rank, years int, kind qry.ExtremeKind, tie bool, f obs.Frequency) string {
			word := "highest"
			if kind == qry.KindMin {
				word = "lowest"
			}
			pos := word
			if rank > 1 {
				pos = ordinal(rank) + " " + word
			}
			if tie {
				pos = "joint " + pos
			}
			slot := " for the date"
			switch f {
			case obs.Monthly:
				slot = " for the month"
			case obs.Annual:
				slot = ""
			}
			return fmt.Sprintf("%s of %d years%s", pos, years, slot)
		}},
	"zh-Hant": {lang: "zh-Hant", locale: "zh_TW",
		open: "在 stocktake 儀表板中開啟此畫面", moving: "正在前往儀表板…",
		latest: "最新值：%s（%s）", anomaly: "距平 %s（相對 %s 平均）", source: "資料來源：", chartAlt: "圖表：%s",
		titles: map[string]string{"": "今日地球生命徵象", "indicators": "指標", "countries": "國家並列比較：%s與%s",
			"rankings": "各國排名", "events": "破紀錄事件", "sources": "資料來源", "paris": "《巴黎協定》與 COP28",
			"stations": "氣象站", "station": "氣象站 %s"},
		descriptions: map[string]string{
			"indicators": "每項指標的單位、涵蓋期間與資料來源。",
			"countries":  "%s與%s的排放、燃煤發電、潔淨能源裝置容量與森林損失，附世界排名與占比。",
			"rankings":   "各國%s排名，附占世界的比重。",
			"events":     "新資料到來時偵測到的紀錄，最新的在前。",
			"sources":    "每個資料集的生產者、授權、版本與 sha256。",
			"paris":      "相對 1850–1900 年的升溫幅度與全球盤點目標，每個數字都附資料來源。",
			"stations":   "GHCN-Daily 氣象站紀錄，每個數值都附來源檔案。",
			"station":    "GHCN-Daily 氣象站紀錄，每個數值都附來源檔案。",
			"*":          "地球的生命徵象與主要排放國的進展，每個數字都附資料來源。",
		},
		rank: func(rank, years int, kind qry.ExtremeKind, tie bool, f obs.Frequency) string {
			return zhRank(rank, years, kind, tie, f, "年來", "同日", "同月", "並列", "高", "低", "為", "創", "紀錄")
		}},
	"zh-Hans": {lang: "zh-Hans", locale: "zh_CN",
		open: "在 stocktake 仪表板中打开此视图", moving: "正在前往仪表板…",
		latest: "最新值：%s（%s）", anomaly: "距平 %s（相对 %s 平均）", source: "数据来源：", chartAlt: "图表：%s",
		titles: map[string]string{"": "今日地球生命体征", "indicators": "指标", "countries": "国家并列比较：%s与%s",
			"rankings": "各国排名", "events": "破纪录事件", "sources": "数据来源", "paris": "《巴黎协定》与 COP28",
			"stations": "气象站", "station": "气象站 %s"},
		descriptions: map[string]string{
			"indicators": "每项指标的单位、覆盖时段与数据来源。",
			"countries":  "%s与%s的排放、燃煤发电、清洁能源装机容量与森林损失，附世界排名与占比。",
			"rankings":   "各国%s排名，附占世界的比重。",
			"events":     "新数据到来时检测到的纪录，最新的在前。",
			"sources":    "每个数据集的生产者、许可、版本与 sha256。",
			"paris":      "相对 1850–1900 年的升温幅度与全球盘点目标，每个数字都附数据来源。",
			"stations":   "GHCN-Daily 气象站纪录，每个数值都附来源文件。",
			"station":    "GHCN-Daily 气象站纪录，每个数值都附来源文件。",
			"*":          "地球的生命体征与主要排放国的进展，每个数字都附数据来源。",
		},
		rank: func(rank, years int, kind qry.ExtremeKind, tie bool, f obs.Frequency) string {
			return zhRank(rank, years, kind, tie, f, "年来", "同日", "同月", "并列", "高", "低", "为", "创", "纪录")
		}},
}

// zhRank words a rank for the date in Chinese from the words of one
// script: "為 45 年來同日第 2 高", "為 45 年來同日並列最高", and for a
// record "創 45 年來同日最高紀錄".
func zhRank(rank, years int, kind qry.ExtremeKind, tie bool, f obs.Frequency, since, sameDay, sameMonth, joint, high, low, is, set, record string) string {
	word := high
	if kind == qry.KindMin {
		word = low
	}
	slot := sameDay
	switch f {
	case obs.Monthly:
		slot = sameMonth
	case obs.Annual:
		slot = ""
	}
	span := fmt.Sprintf("%d %s%s", years, since, slot)
	switch {
	case rank == 1 && !tie:
		return fmt.Sprintf("%s %s最%s%s", set, span, word, record)
	case rank == 1:
		return fmt.Sprintf("%s %s%s最%s", is, span, joint, word)
	case tie:
		return fmt.Sprintf("%s %s%s第 %d %s", is, span, joint, rank, word)
	}
	return fmt.Sprintf("%s %s第 %d %s", is, span, rank, word)
}

// ordinal writes n as an English ordinal (1st, 2nd, 3rd, 4th, 11th, 21st...).
func ordinal(n int) string { return i18n.Ordinal(i18n.En, n) }

// shareLang maps a lang= value to one of the dashboard's languages: any
// Traditional Chinese tag (zh-Hant, zh-TW, zh-HK, zh-MO) gives zh-Hant, any
// other Chinese tag zh-Hans, anything else (or nothing) English.
func shareLang(tag string) *shareWords {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"))
	switch {
	case t == "zh" || strings.HasPrefix(t, "zh-"):
		if strings.Contains(t, "hant") || strings.HasPrefix(t, "zh-tw") || strings.HasPrefix(t, "zh-hk") || strings.HasPrefix(t, "zh-mo") {
			return shareLanguages["zh-Hant"]
		}
		return shareLanguages["zh-Hans"]
	}
	return shareLanguages["en"]
}

// sharePage is what the share page's template shows.
type sharePage struct {
	Lang, Locale, OtherLocales []string
	Title, Description         string
	URL, Target                string
	Image, ImageAlt            string
	Open, Moving               string
}

var shareTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("share").Parse(`<!doctype html>
<html lang="{{index .Lang 0}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<meta name="description" content="{{.Description}}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="stocktake">
<meta property="og:title" content="{{.Title}}">
<meta property="og:description" content="{{.Description}}">
<meta property="og:url" content="{{.URL}}">
<meta property="og:locale" content="{{index .Locale 0}}">
{{- range .OtherLocales}}
<meta property="og:locale:alternate" content="{{.}}">
{{- end}}
{{- if .Image}}
<meta property="og:image" content="{{.Image}}">
<meta property="og:image:type" content="image/png">
<meta property="og:image:width" content="1200">
<meta property="og:image:height" content="675">
<meta property="og:image:alt" content="{{.ImageAlt}}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:image" content="{{.Image}}">
<meta name="twitter:image:alt" content="{{.ImageAlt}}">
{{- else}}
<meta name="twitter:card" content="summary">
{{- end}}
<meta name="twitter:title" content="{{.Title}}">
<meta name="twitter:description" content="{{.Description}}">
<link rel="canonical" href="{{.URL}}">
<meta http-equiv="refresh" content="0; url={{.Target}}">
</head>
<body>
<h1>{{.Title}}</h1>
<p>{{.Description}}</p>
{{- if .Image}}
<p><img src="{{.Image}}" alt="{{.ImageAlt}}" width="600" height="338"></p>
{{- end}}
<p>{{.Moving}} <a href="{{.Target}}">{{.Open}}</a></p>
</body>
</html>
`))
})

// shareCSP is the share page's Content-Security-Policy: no script at all,
// images from the server itself only.
const shareCSP = "default-src 'none'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// shareRoute is the route of the share links (mounted at /share/ by
// NewServer).
func (s *Server) shareRoute() *route {
	return &route{path: "/share/", name: "share", ui: http.HandlerFunc(s.serveShare)}
}

// serveShare answers GET and HEAD /share/<page>[/<arg>] (see the file
// comment). Pages are cached with the answers of the current data version.
func (s *Server) serveShare(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.writeError(w, r, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed: share pages are read-only (GET, HEAD)")
		return
	}
	base, err := publicBase(r)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	ctx := r.Context()
	gc := s.current(ctx)
	key := "share|" + base + "|" + r.URL.Path + "?" + r.URL.RawQuery
	var e *entry
	for attempt := 0; ; attempt++ {
		c := gc
		e, _, err = c.get(context.WithoutCancel(ctx), key, nil, "", func(ctx context.Context) (reply, error) {
			return s.sharePage(ctx, c, r, base)
		})
		if err != errChanged || attempt == 1 {
			break
		}
		s.Invalidate()
		gc = s.gen.Load()
	}
	if err != nil {
		status, msg := classify(err)
		if status >= 500 {
			s.log.Error("share page failed", "path", r.URL.RequestURI(), "err", err)
		}
		s.writeError(w, r, status, msg)
		return
	}
	h := w.Header()
	h.Set("Content-Type", e.ctype)
	h.Set("Content-Security-Policy", shareCSP)
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("X-Stocktake-Data-Version", gc.version)
	h.Set("Content-Length", strconv.Itoa(len(e.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(e.body)
	}
}

// publicBase is the scheme and host of the request as its client sees it
// (see the file comment), such as "https://stocktake.example.org".
func publicBase(r *http.Request) (string, error) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := strings.ToLower(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto"))); p == "http" || p == "https" {
		scheme = p
	}
	if !shareHost().MatchString(r.Host) {
		return "", fmt.Errorf("share page: Host %q is not a host name with an optional port", r.Host)
	}
	return scheme + "://" + r.Host, nil
}

// sharePage builds the share page of r (see the file comment).
func (s *Server) sharePage(ctx context.Context, gc *genCache, r *http.Request, base string) (reply, error) {
	rest := strings.TrimPrefix(r.URL.Path, "/share/")
	page, arg, _ := strings.Cut(rest, "/")
	if page == "overview" {
		page = ""
	}
	if !sharePages[page] {
		return reply{}, notFound("share page %q: no such dashboard page (pages: indicator/ID, countries, rankings, paris, events, sources, indicators, or none for the overview)", page)
	}
	if len(r.URL.RawQuery) > maxShareQuery {
		return reply{}, badRequest("share link: the query string is longer than %d bytes", maxShareQuery)
	}
	raw, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return reply{}, badRequest("share link: bad query string: %v", err)
	}
	params := url.Values{}
	for k, v := range raw {
		if !shareParamName().MatchString(k) {
			return reply{}, badRequest("share link: parameter name %q is not a lower-case word", k)
		}
		params.Set(k, v[0])
	}
	words := shareLang(params.Get("lang"))
	if params.Has("lang") {
		params.Set("lang", words.lang)
	}
	sp := &sharePage{Lang: []string{words.lang}, Locale: []string{words.locale}, Open: words.open, Moving: words.moving}
	for _, l := range []string{"en", "zh-Hant", "zh-Hans"} {
		if l != words.lang {
			sp.OtherLocales = append(sp.OtherLocales, shareLanguages[l].locale)
		}
	}
	var image url.Values // the chart's parameters; nil for none
	var imageID string
	subject := "" // what the chart shows, for its text alternative; "" for the page title
	switch page {
	case "indicator":
		if arg == "" {
			return reply{}, notFound("share link: /share/indicator/ needs an indicator id")
		}
		if imageID, image, err = s.shareIndicator(ctx, gc, sp, words, arg, params); err != nil {
			return reply{}, err
		}
	case "countries":
		chart := params.Get("chart")
		if chart == "" {
			chart = "co2.emissions"
		}
		ref, err := s.resolve(ctx, gc, chart)
		if err != nil {
			return reply{}, err
		}
		if !ref.Indicator.National {
			return reply{}, notFound("share link: chart=%s is not a national indicator", chart)
		}
		a, b := shareEntityOr(params.Get("a"), "CHN"), shareEntityOr(params.Get("b"), "USA")
		for _, e := range []string{a, b} {
			if !shareEntity().MatchString(e) {
				return reply{}, notFound("share link: unknown entity %q", e)
			}
			if _, err := qry.Entity(ref, e); err != nil {
				return reply{}, err
			}
		}
		sp.Title = fmt.Sprintf(words.titles["countries"], a, b)
		sp.Description = fmt.Sprintf(words.descriptions["countries"], a, b)
		imageID, image = ref.Indicator.ID, url.Values{"entity": {a}}
	case "rankings":
		id := params.Get("id")
		if id == "" {
			id = "co2.emissions"
		}
		ref, err := s.resolve(ctx, gc, id)
		if err != nil {
			return reply{}, err
		}
		sp.Title = words.titles["rankings"]
		sp.Description = fmt.Sprintf(words.descriptions["rankings"], ref.Indicator.Title)
	default:
		sp.Title = words.titles[page]
		if strings.Contains(sp.Title, "%s") {
			sp.Title = fmt.Sprintf(sp.Title, arg)
		}
		sp.Description = words.descriptions[page]
		if sp.Description == "" {
			sp.Description = words.descriptions["*"]
		}
	}
	if imageID == "" && page != "indicator" {
		// Pages without a chart of their own (and the overview) show the
		// headline vital sign: the first one whose latest value is a
		// record, else the first one. The overview's description is that
		// sign's. A national indicator's page without an entity has no
		// picture rather than another indicator's.
		sg, ok, err := s.headlineSign(ctx, gc)
		if err != nil {
			return reply{}, err
		}
		if ok {
			ref, err := s.resolve(ctx, gc, sg.Indicator)
			if err != nil {
				return reply{}, err
			}
			imageID, image, subject = sg.Indicator, chartParams(ref, nil, url.Values{}), sg.Title
			if page == "" {
				sp.Title = words.titles[""]
				sp.Description = signDescription(words, ref, sg)
			}
		}
		if sp.Title == "" {
			sp.Title = words.titles[""]
			sp.Description = words.descriptions["*"]
		}
	}
	if subject == "" {
		subject = sp.Title
	}
	if sp.Title != "" && !strings.Contains(sp.Title, "stocktake") {
		sp.Title += " · stocktake"
	}
	if imageID != "" {
		// English pictures keep the URL without lang= (English is the
		// default), so every English link shares one cached picture.
		if s.chartTakes("lang") && params.Has("lang") && words.lang != "en" {
			image.Set("lang", words.lang)
		}
		sp.Image = base + "/api/chart/" + url.PathEscape(imageID) + ".png"
		if q := image.Encode(); q != "" {
			sp.Image += "?" + q
		}
		sp.ImageAlt = fmt.Sprintf(words.chartAlt, subject)
	}
	sp.URL = base + r.URL.EscapedPath()
	if q := params.Encode(); q != "" {
		sp.URL += "?" + q
	}
	sp.Target = base + "/#/" + dashboardPath(page, arg)
	if q := params.Encode(); q != "" {
		sp.Target += "?" + q
	}
	var b bytes.Buffer
	if err := shareTemplate().Execute(&b, sp); err != nil {
		return reply{}, err
	}
	return reply{body: b.Bytes(), ctype: "text/html; charset=utf-8"}, nil
}

// dashboardPath is the dashboard's hash route of a page and its argument:
// each segment escaped, with the indicator's @VERSION kept readable.
func dashboardPath(page, arg string) string {
	segs := []string{}
	if page != "" {
		segs = append(segs, url.PathEscape(page))
	}
	for _, a := range strings.Split(arg, "/") {
		if a != "" {
			segs = append(segs, strings.ReplaceAll(url.PathEscape(a), "%40", "@"))
		}
	}
	return strings.Join(segs, "/")
}

// shareEntityOr is the upper-case entity of a countries link, or def.
func shareEntityOr(v, def string) string {
	if v = strings.ToUpper(strings.TrimSpace(v)); v != "" {
		return v
	}
	return def
}

// shareIndicator fills the title and description of an indicator's share
// page and returns the id and parameters of its chart.
func (s *Server) shareIndicator(ctx context.Context, gc *genCache, sp *sharePage, words *shareWords, id string, params url.Values) (string, url.Values, error) {
	ref, err := s.resolve(ctx, gc, id)
	if err != nil {
		return "", nil, err
	}
	sp.Title = strings.ToUpper(ref.Indicator.Title[:1]) + ref.Indicator.Title[1:]
	chart := url.Values{}
	if ref.Indicator.National {
		// A national indicator is charted for one entity; without one the
		// page has no picture of its own.
		e := params.Get("entity")
		if e == "" {
			sp.Description = words.descriptions["*"]
			return "", nil, nil
		}
		code, err := qry.Entity(ref, e)
		if err != nil {
			return "", nil, err
		}
		chart.Set("entity", code)
		sp.Title += " · " + code
		sp.Description = words.descriptions["*"]
		return id, chart, nil
	}
	sg, ok, err := s.signOf(ctx, gc, ref)
	if err != nil {
		return "", nil, err
	}
	if !ok {
		return "", nil, notFound("nothing is stored for %s", id)
	}
	sp.Description = signDescription(words, ref, sg)
	var latest *obs.Date
	if d, err := obs.ParseDate(sg.Latest.Date); err == nil {
		latest = &d
	}
	p, err := chartParamsChecked(ref, latest, params)
	if err != nil {
		return "", nil, err
	}
	return id, p, nil
}

// signOf is the vital sign of ref (query.VitalSign), memoised with the
// overview's cards when ref is one of them. An indicator the records engine
// cannot rank for its date (weekly series) keeps its latest value and
// source without a rank.
func (s *Server) signOf(ctx context.Context, gc *genCache, ref catalog.Ref) (Sign, bool, error) {
	for _, v := range qry.VitalSigns() {
		if v.Indicator.ID == ref.Indicator.ID && v.Dataset.ID == ref.Dataset.ID {
			return s.memoSign(ctx, gc, ref, nil)
		}
	}
	recordDep(ctx, ref.Dataset.ID)
	sg, ok, err := qry.VitalSign(ctx, s.qs(gc), ref, nil)
	if err != nil {
		if status, _ := classify(err); status < 500 && sg.Latest.Date != "" && !errors.Is(err, errChanged) {
			return sg, true, nil
		}
	}
	return sg, ok, err
}

// headlineSign is the overview's first sign whose latest value is a
// record, else its first sign; ok is false when nothing is stored.
func (s *Server) headlineSign(ctx context.Context, gc *genCache) (Sign, bool, error) {
	var first *Sign
	for _, ref := range qry.VitalSigns() {
		sg, ok, err := s.memoSign(ctx, gc, ref, nil)
		if err != nil {
			return Sign{}, false, err
		}
		if !ok || sg.Record == nil {
			continue
		}
		if sg.Sentence != nil {
			return sg, true, nil
		}
		if first == nil {
			first = &sg
		}
	}
	if first == nil {
		return Sign{}, false, nil
	}
	return *first, true, nil
}

// signDescription words a sign for a share page: the latest value and
// date, the anomaly, the rank for the date (in English the record sentence
// when there is one) and the source line.
func signDescription(words *shareWords, ref catalog.Ref, sg Sign) string {
	unit := present.Unit(sg.Unit)
	value := present.ValueAt(sg.Latest.Value, ref.Indicator.Resolution)
	if unit != "" {
		value += " " + unit
	}
	parts := []string{sg.Title + " — " + fmt.Sprintf(words.latest, value, sg.Latest.Date)}
	if words.lang != "en" {
		parts[0] = fmt.Sprintf(words.latest, value, sg.Latest.Date)
		if sg.Title != "" {
			parts[0] = sg.Title + "：" + parts[0]
		}
	}
	if a := sg.Anomaly; a != nil {
		d := present.Round2(a.Value)
		if a.Value >= 0 {
			d = "+" + d
		}
		if unit != "" {
			d += " " + unit
		}
		parts = append(parts, fmt.Sprintf(words.anomaly, d, a.Baseline))
	}
	if rec := sg.Record; rec != nil && rec.RankForDate > 0 {
		if words.lang == "en" && sg.Sentence != nil {
			parts = append(parts, *sg.Sentence)
		} else {
			parts = append(parts, words.rank(rec.RankForDate, rec.YearsForDate, rec.Kind, rec.Tie, sg.Frequency))
		}
	}
	src := strings.TrimPrefix(sg.SourceLine, "Source: ")
	sep, end := ". ", "."
	if words.lang != "en" {
		sep, end = "；", "。"
	}
	text := strings.Join(parts, sep) + end + " " + words.source + src
	if words.lang != "en" {
		text = strings.Join(parts, sep) + end + words.source + src
	}
	return text
}

// chartParams are the /api/chart parameters of the chart of ref as the
// dashboard shows it: the day-of-year (spaghetti) chart of a daily
// indicator with the view's smoothing and baseline, the line chart of the
// view's period (span=10, 30, 50 years or all; default 30, all for annual
// series) otherwise. Values must have been checked (chartParamsChecked).
func chartParams(ref catalog.Ref, latest *obs.Date, params url.Values) url.Values {
	out := url.Values{}
	if ref.Indicator.Frequency == obs.Daily {
		out.Set("kind", "spaghetti")
		if v := params.Get("smooth"); v != "" && v != "none" {
			out.Set("smooth", v)
		}
		if v := params.Get("baseline"); v != "" {
			out.Set("baseline", v)
		}
		return out
	}
	span := params.Get("span")
	if span == "" {
		span = "30"
		if ref.Indicator.Frequency == obs.Annual {
			span = "all"
		}
	}
	if n, err := strconv.Atoi(span); err == nil && latest != nil {
		out.Set("from", strconv.Itoa(latest.Year()-n+1))
	}
	return out
}

// chartParamsChecked is chartParams after checking the view's smooth,
// baseline and span (400 when malformed, as the API would answer).
func chartParamsChecked(ref catalog.Ref, latest *obs.Date, params url.Values) (url.Values, error) {
	if v := params.Get("smooth"); v != "" && v != "none" {
		if err := qry.CheckSmoothing(v); err != nil {
			return nil, badRequest("share link: %v", err)
		}
	}
	if v := params.Get("baseline"); v != "" {
		if err := qry.CheckBaseline(v); err != nil {
			return nil, badRequest("share link: %v", err)
		}
	}
	switch params.Get("span") {
	case "", "10", "30", "50", "all":
	default:
		return nil, badRequest("share link: span %q: want 10, 30, 50 or all", params.Get("span"))
	}
	return chartParams(ref, latest, params), nil
}

// chartTakes reports whether the chart route takes a query parameter (the
// chart's language, when the server has it).
func (s *Server) chartTakes(name string) bool {
	for _, rt := range s.routes {
		if rt.name == "getChart" {
			return rt.allows(name)
		}
	}
	return false
}
