package api

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
)

// Charts in Chinese.
//
// A chart asked in zh-Hant or zh-Hans (lang= or Accept-Language) has its
// title, axis labels, tick labels and legend in that language, drawn with
// Noto Sans CJK (the TC face for zh-Hant, SC for zh-Hans). The font is
// found at run time: the file named by STOCKTAKE_CJK_FONT (a .ttc/.otc
// collection or a single .otf/.ttf), else NotoSansCJK-Regular.ttc under
// the standard font folders (Debian's fonts-noto-cjk installs
// /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc). When no font is
// found a Chinese PNG or SVG is refused with 503 and a message naming the
// package to install: a chart in the wrong language, or one whose Chinese
// text is drawn as empty boxes, would be worse than none. CSV downloads
// need no font. The source and licence lines under a chart stay as the
// producers publish them (English).

// cjkEnv names the font file that overrides the search.
const cjkEnv = "STOCKTAKE_CJK_FONT"

// fontDirs are searched, in order, for NotoSansCJK-Regular.ttc.
var fontDirs = []string{"/usr/share/fonts", "/usr/local/share/fonts", filepath.Join(os.Getenv("HOME"), ".local/share/fonts"), filepath.Join(os.Getenv("HOME"), ".fonts")}

// cjkFileNames are the names of the Noto Sans CJK collection.
var cjkFileNames = map[string]bool{"NotoSansCJK-Regular.ttc": true, "NotoSansCJK-Regular.otc": true, "NotoSansCJK.ttc": true}

// cjkFamilies are the family names of the face each language uses.
var cjkFamilies = map[i18n.Lang]string{i18n.ZhHant: "Noto Sans CJK TC", i18n.ZhHans: "Noto Sans CJK SC"}

// cjkTypeface is the typeface under which a language's face is registered
// in gonum's font cache.
func cjkTypeface(l i18n.Lang) font.Typeface { return font.Typeface("NotoSansCJK-" + string(l)) }

var cjk struct {
	mu     sync.Mutex
	loaded bool
	path   string
}

// errNoCJKFont is wrapped by the error of a missing or unreadable font.
var errNoCJKFont = errors.New("no CJK font")

// findCJKFont returns the font file to use: $STOCKTAKE_CJK_FONT, or the
// first Noto Sans CJK collection under fontDirs.
func findCJKFont() (string, error) {
	if p := os.Getenv(cjkEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%w: %s=%s: %v", errNoCJKFont, cjkEnv, p, err)
		}
		return p, nil
	}
	var found string
	for _, dir := range fontDirs {
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || found != "" {
				return fs.SkipDir
			}
			if !d.IsDir() && cjkFileNames[d.Name()] {
				found = p
				return fs.SkipAll
			}
			return nil
		})
		if found != "" {
			return found, nil
		}
	}
	return "", fmt.Errorf("%w: NotoSansCJK-Regular.ttc not found under %s", errNoCJKFont, strings.Join(fontDirs, ", "))
}

// loadCJKFonts registers the TC and SC faces in gonum's font cache once;
// a failure is not remembered, so installing the font later needs no
// restart.
func loadCJKFonts() error {
	cjk.mu.Lock()
	defer cjk.mu.Unlock()
	if cjk.loaded {
		return nil
	}
	path, err := findCJKFont()
	if err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w: %v", errNoCJKFont, err)
	}
	faces := map[i18n.Lang]*opentype.Font{}
	if coll, err := opentype.ParseCollection(b); err == nil {
		var buf sfnt.Buffer
		for i := 0; i < coll.NumFonts(); i++ {
			f, err := coll.Font(i)
			if err != nil {
				continue
			}
			name, _ := f.Name(&buf, sfnt.NameIDFamily)
			for l, fam := range cjkFamilies {
				if name == fam {
					faces[l] = f
				}
			}
		}
	} else if f, err := opentype.Parse(b); err == nil {
		// A single font (e.g. NotoSansCJKtc-Regular.otf) serves both scripts.
		faces[i18n.ZhHant], faces[i18n.ZhHans] = f, f
	} else {
		return fmt.Errorf("%w: %s: %v", errNoCJKFont, path, err)
	}
	var coll font.Collection
	for l := range cjkFamilies {
		f := faces[l]
		if f == nil {
			return fmt.Errorf("%w: %s has no %q face", errNoCJKFont, path, cjkFamilies[l])
		}
		coll = append(coll, font.Face{Font: font.Font{Typeface: cjkTypeface(l)}, Face: f})
	}
	font.DefaultCache.Add(coll)
	cjk.loaded, cjk.path = true, path
	return nil
}

// chartLang is the language of a chart request. For a Chinese PNG or SVG
// it loads the CJK font, and answers 503 naming the package to install when
// there is none.
func chartLang(r *http.Request, ext string) (i18n.Lang, error) {
	l, err := requestLang(r)
	if err != nil || !l.Chinese() || ext == "csv" {
		return l, err
	}
	if err := loadCJKFonts(); err != nil {
		return l, &apiError{http.StatusServiceUnavailable, "charts in " + string(l) + " need a CJK font: install Debian's fonts-noto-cjk (scripts/setup.sh does) or set " + cjkEnv + " to a Noto Sans CJK .ttc or .otf file (" + err.Error() + ")"}
	}
	return l, nil
}

// langCtxKey carries a chart's language through the render cache to
// chartReply.
type langCtxKey struct{}

func withLang(ctx context.Context, l i18n.Lang) context.Context {
	return context.WithValue(ctx, langCtxKey{}, l)
}

func langFrom(ctx context.Context) i18n.Lang {
	if l, ok := ctx.Value(langCtxKey{}).(i18n.Lang); ok {
		return l
	}
	return i18n.En
}

// localizeChart rewrites the text of p, drawn in English by lineChart or
// spaghettiChart for the series se of ref, in the context's language:
// title and axis label from the glossary, tick labels and legend through
// chartWords, all in the language's CJK face. English charts are left as
// they are.
func localizeChart(ctx context.Context, p *plot.Plot, ref catalog.Ref, se obs.Series) {
	l := langFrom(ctx)
	if p == nil || !l.Chinese() {
		return
	}
	p.Title.Text = chartTitleIn(l, p.Title.Text, ref, se)
	unit := se.Unit
	if unit == "" {
		// A spaghetti chart's series carries no unit: the catalog's.
		unit = ref.Indicator.Unit
	}
	p.Y.Label.Text = yLabelIn(l, ref, unit, p.Y.Label.Text)
	p.X.Label.Text = chartWords(l, p.X.Label.Text)
	tf := cjkTypeface(l)
	h := wordsHandler{Handler: p.Title.TextStyle.Handler, l: l}
	for _, sty := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		sty.Font.Typeface, sty.Font.Variant = tf, ""
		sty.Handler = h
	}
}

// chartTitleIn writes the chart title of ref in l: the glossary's name,
// the entity's CLDR name and the smoothing and "by day of year" of the
// English title (english).
func chartTitleIn(l i18n.Lang, english string, ref catalog.Ref, se obs.Series) string {
	t := i18n.IndicatorName(l, ref.Indicator.ID, english)
	if se.Entity != "" {
		t = i18n.CountryName(l, se.Entity, national.Name(se.Entity)) + i18n.Pick(l, ", ", "：", "：") + t
	}
	rest := english
	byDay := strings.HasSuffix(rest, " by day of year")
	rest = strings.TrimSuffix(rest, " by day of year")
	if i := strings.LastIndex(rest, " ("); i >= 0 && strings.HasSuffix(rest, " running mean)") {
		sm := strings.TrimSuffix(rest[i+2:], " running mean)")
		t += "（" + smoothingIn(l, sm) + i18n.T(l, "term:running_mean", "running mean") + "）"
	}
	if byDay {
		t += i18n.Pick(l, " ", "，", "，") + i18n.T(l, "term:by_day_of_year", "by day of year")
	}
	return t
}

// smoothingIn writes a smoothing name ("5d", "31d-centred") in l: "5日",
// "31日置中" (zh-Hant), "31日居中" (zh-Hans); other forms are kept.
func smoothingIn(l i18n.Lang, sm string) string {
	centred := strings.HasSuffix(sm, "-centred")
	n := strings.TrimSuffix(strings.TrimSuffix(sm, "-centred"), "d")
	if _, err := strconv.Atoi(n); err != nil {
		return sm
	}
	s := n + "日"
	if centred {
		s += i18n.Pick(l, "", "置中", "居中")
	}
	return s
}

// yLabelIn is yLabel in l: the glossary's unit and, for anomaly series,
// the baseline ("°C（相對於1991-2020）").
func yLabelIn(l i18n.Lang, ref catalog.Ref, unit, english string) string {
	u := present.UnitIn(l, unit)
	if ref.Indicator.Baseline != "" && strings.Contains(english, "(vs ") {
		u += i18n.Pick(l, "", "（相對於", "（相对于") + ref.Indicator.Baseline + "）"
	}
	return u
}

// wordsHandler draws text through chartWords: the tick labels and legend
// entries the English chart code wrote are measured and drawn in l.
type wordsHandler struct {
	text.Handler
	l i18n.Lang
}

func (h wordsHandler) Box(txt string, fnt font.Font) (vg.Length, vg.Length, vg.Length) {
	return h.Handler.Box(chartWords(h.l, txt), fnt)
}

func (h wordsHandler) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	h.Handler.Draw(c, chartWords(h.l, txt), sty, pt)
}

var (
	monthAbbr   = map[string]int{"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}
	reDayMonth  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{1,2}) ([A-Z][a-z]{2})$`) })
	reMonthYear = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Z][a-z]{2}) (\d{4})$`) })
	rePercentil = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{4})-(\d{4}) 10th-90th percentile$`) })
	reMean      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{4})-(\d{4}) mean$`) })
	reRecord    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{4}) \(record (max|min)\)$`) })
	reScaled    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(-?[\d,]+(?:\.\d+)?) (thousand|million|billion)$`) })
)

// chartWords rewrites one piece of chart text written by the English
// chart code (a tick label such as "8 Feb", "Mar 2023", "Jan" or "3.5
// million", a legend entry such as "1991-2020 mean" or "2023 (record
// min)") in l; text it does not know is returned unchanged.
func chartWords(l i18n.Lang, s string) string {
	if !l.Chinese() {
		return s
	}
	if m, ok := monthAbbr[s]; ok {
		return i18n.Month(l, m)
	}
	if g := reDayMonth().FindStringSubmatch(s); g != nil {
		if m, ok := monthAbbr[g[2]]; ok {
			d, _ := strconv.Atoi(g[1])
			return i18n.DayMonth(l, m, d)
		}
	}
	if g := reMonthYear().FindStringSubmatch(s); g != nil {
		if m, ok := monthAbbr[g[1]]; ok {
			y, _ := strconv.Atoi(g[2])
			return i18n.YearMonth(l, y, m)
		}
	}
	if g := rePercentil().FindStringSubmatch(s); g != nil {
		return g[1] + "–" + g[2] + i18n.Pick(l, "", "年 第10–90百分位數", "年 第10–90百分位数")
	}
	if g := reMean().FindStringSubmatch(s); g != nil {
		return g[1] + "–" + g[2] + "年 " + i18n.Pick(l, "", "平均", "平均")
	}
	if g := reRecord().FindStringSubmatch(s); g != nil {
		id := "term:record_high"
		if g[2] == "min" {
			id = "term:record_low"
		}
		return g[1] + "年（" + i18n.T(l, id, "") + "）"
	}
	if g := reScaled().FindStringSubmatch(s); g != nil {
		v, err := strconv.ParseFloat(strings.ReplaceAll(g[1], ",", ""), 64)
		if err == nil {
			v *= map[string]float64{"thousand": 1e3, "million": 1e6, "billion": 1e9}[g[2]]
			if out, ok := i18n.Scaled(l, v, 0); ok {
				return out
			}
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return s
}
