package api

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot/font"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/obs"
)

// inkRows counts the non-white pixels of img in rows y0..y1 (fractions of
// the height), the ink of the text drawn there.
func inkRows(img image.Image, y0, y1 float64) int {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y + int(y0*float64(b.Dy())); y < b.Min.Y+int(y1*float64(b.Dy())); y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xc000 || g < 0xc000 || bl < 0xc000 {
				n++
			}
		}
	}
	return n
}

// TestChartsInChinese: without a CJK font a Chinese chart is a 503 that
// names the package to install; with Noto Sans CJK (fonts-noto-cjk) the
// title of a zh-Hant PNG is drawn, differs from the English title's
// pixels, is written in Chinese and every one of its characters has a
// glyph in the face used (no empty boxes). CSV downloads need no font.
func TestChartsInChinese(t *testing.T) {
	s := testServer(t)
	target := "/api/chart/seaice.south.png?from=2023-01-01&to=2023-12-31&width=800&height=450"
	if !cjk.loaded {
		t.Setenv(cjkEnv, "/nonexistent/NotoSansCJK-Regular.ttc")
		r := get(t, s, target+"&lang=zh-Hant")
		if r.code != 503 || !strings.Contains(string(r.body), "fonts-noto-cjk") || !strings.Contains(string(r.body), cjkEnv) {
			t.Errorf("no font: %d %s", r.code, r.body)
		}
		if r := get(t, s, strings.Replace(target, ".png", ".csv", 1)+"&lang=zh-Hant"); r.code != 200 {
			t.Errorf("CSV in zh-Hant without a font: %d %s", r.code, r.body)
		}
		t.Setenv(cjkEnv, "")
	}
	if _, err := findCJKFont(); err != nil {
		t.Fatalf("the test machine has fonts-noto-cjk (scripts/setup.sh): %v", err)
	}
	decode := func(hdr ...string) (image.Image, resp) {
		t.Helper()
		r := get(t, s, target, hdr...)
		if r.code != 200 || r.h.Get("Content-Type") != "image/png" {
			t.Fatalf("GET %s %v: %d %s", target, hdr, r.code, r.body)
		}
		img, err := png.Decode(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		return img, r
	}
	en, _ := decode()
	zh, rz := decode("Accept-Language", "zh-TW")
	if rz.h.Get("Content-Language") != "zh-Hant" {
		t.Errorf("Content-Language %q", rz.h.Get("Content-Language"))
	}
	inkEn, inkZh := inkRows(en, 0, 0.08), inkRows(zh, 0, 0.08)
	if inkEn == 0 || inkZh == 0 || inkEn == inkZh {
		t.Errorf("title ink: English %d, zh-Hant %d pixels", inkEn, inkZh)
	}
	diff := 0
	b := en.Bounds()
	for y := 0; y < int(0.08*float64(b.Dy())); y++ {
		for x := 0; x < b.Dx(); x++ {
			if en.At(x, y) != zh.At(x, y) {
				diff++
			}
		}
	}
	if diff < 100 {
		t.Errorf("title area: %d pixels differ between English and zh-Hant", diff)
	}
	// The title is Chinese and the face has a glyph for each character.
	ref, err := catalog.Resolve("seaice.south")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []i18n.Lang{i18n.ZhHant, i18n.ZhHans} {
		title := chartTitleIn(l, "Antarctic sea-ice extent (5d running mean)", ref, obs.Series{Indicator: "seaice.south"})
		want := map[i18n.Lang]string{i18n.ZhHant: "南極海冰範圍（5日滑動平均）", i18n.ZhHans: "南极海冰范围（5日滑动平均）"}[l]
		if title != want {
			t.Errorf("%s title %q, want %q", l, title, want)
		}
		face := font.DefaultCache.Lookup(font.Font{Typeface: cjkTypeface(l)}, 12)
		var buf sfnt.Buffer
		for _, r := range title {
			if !unicode.Is(unicode.Han, r) {
				continue
			}
			if gi, err := face.Face.GlyphIndex(&buf, r); err != nil || gi == 0 {
				t.Errorf("%s: no glyph for %q in %s", l, r, face.Font.Typeface)
			}
		}
	}
	// An SVG in zh-Hans names the face's family and holds the Chinese title.
	r := get(t, s, strings.Replace(target, ".png", ".svg", 1)+"&lang=zh-Hans")
	if r.code != 200 || !strings.Contains(string(r.body), "Noto Sans CJK SC") || !strings.Contains(string(r.body), "南极海冰范围") {
		t.Errorf("SVG in zh-Hans: %d %.400s", r.code, r.body)
	}
}

func TestChartWords(t *testing.T) {
	f := func(l i18n.Lang, in, want string) {
		t.Helper()
		if got := chartWords(l, in); got != want {
			t.Errorf("chartWords(%s, %q) = %q, want %q", l, in, got, want)
		}
	}
	f(i18n.ZhHant, "Feb", "2月")
	f(i18n.ZhHant, "8 Feb", "2月8日")
	f(i18n.ZhHans, "Mar 2023", "2023年3月")
	f(i18n.ZhHans, "1981-2010 10th-90th percentile", "1981–2010年 第10–90百分位数")
	f(i18n.ZhHant, "1981-2010 mean", "1981–2010年 平均")
	f(i18n.ZhHant, "2023 (record min)", "2023年（紀錄低值）")
	f(i18n.ZhHans, "3.5 million", "350万")
	f(i18n.ZhHans, "12,000", "12,000")
	f(i18n.En, "8 Feb", "8 Feb")
}
