package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image/color"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	qry "github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/store"
)

// Chart sizes are in pixels; PNG is rendered at 96 dots per inch and SVG
// uses the same size in points at 96 per inch (1 px = 0.75 pt).
const (
	chartDPI           = 96
	defaultChartWidth  = 1200
	defaultChartHeight = 675
)

// handleChart answers GET /api/chart/{file} where file is ID.png, ID.svg or
// ID.csv. kind=line (default) draws the series (from, to, smooth, entity as
// for /api/series); kind=spaghetti draws every year of a daily series
// against the calendar day with the climatology band of baseline (as
// /api/daily). Every chart carries its title, unit and source line
// (dataset, version, sha256, retrieval date) and licence. CSV downloads
// hold the charted numbers with their provenance.
func handleChart(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	file := r.PathValue("file")
	dot := strings.LastIndexByte(file, '.')
	if dot <= 0 {
		return reply{}, notFound("chart %q: want ID.png, ID.svg or ID.csv", file)
	}
	id, ext := file[:dot], file[dot+1:]
	if ext != "png" && ext != "svg" && ext != "csv" {
		return reply{}, notFound("chart %q: format %q: want png, svg or csv", file, ext)
	}
	kind, err := q.enum("kind", "line", "line", "spaghetti")
	if err != nil {
		return reply{}, err
	}
	// Sizes are clamped to the maximum and rounded up to a few steps
	// (limits.go), so that any request maps to one of a few renders.
	width, err := q.integerOr("width", 300, 1<<20, defaultChartWidth)
	if err != nil {
		return reply{}, err
	}
	height, err := q.integerOr("height", 200, 1<<20, defaultChartHeight)
	if err != nil {
		return reply{}, err
	}
	width, height = snapSize(min(width, MaxChartWidth), chartWidths), snapSize(min(height, MaxChartHeight), chartHeights)
	// The chart's language (chartfont.go) travels to chartReply in ctx.
	lang, err := chartLang(r, ext)
	if err != nil {
		return reply{}, err
	}
	ctx = withLang(ctx, lang)
	if ext == "csv" {
		return chartReply(s, ctx, gc, q, id, ext, kind, width, height)
	}
	// A picture is built once per canonical request (sizes snapped, the
	// other parameters sorted), whatever width or height was asked: the
	// plot and its render are shared by every request that maps to it.
	canon := make([]string, 0, len(q.Values))
	for _, k := range sortedKeys(q.Values) {
		if k != "width" && k != "height" {
			canon = append(canon, k+"="+q.Get(k))
		}
	}
	key := fmt.Sprintf("render|%s|%s|%dx%d|%s|%s", id, ext, width, height, strings.Join(canon, "&"), lang)
	// The render is not tracked for rebuilds (rt nil): an update drops it.
	e, _, err := gc.get(ctx, key, nil, "", func(ctx context.Context) (reply, error) {
		return chartReply(s, ctx, gc, q, id, ext, kind, width, height)
	})
	if err != nil {
		return reply{}, err
	}
	rp := e.reply
	// A request for another size than the one drawn is answered but not
	// cached under its own query string, so that a stream of distinct sizes
	// cannot fill the response cache and evict the cheap endpoints.
	if (q.Get("width") != "" && q.Get("width") != strconv.Itoa(width)) || (q.Get("height") != "" && q.Get("height") != strconv.Itoa(height)) {
		rp.noStore = true
	}
	return rp, nil
}

// chartReply builds the chart or CSV download of handleChart at the given
// (already bounded) size; the render runs in a render slot (boundedRender).
func chartReply(s *Server, ctx context.Context, gc *genCache, q query, id, ext, kind string, width, height int) (reply, error) {
	ref, err := s.resolve(ctx, gc, id)
	if err != nil {
		return reply{}, err
	}
	var p *plot.Plot
	var se obs.Series
	var src store.Source
	var csvBody []byte
	switch kind {
	case "line":
		if q.Get("baseline") != "" {
			return reply{}, badRequest("baseline applies to kind=spaghetti")
		}
		var sm qry.Smoothing
		se, src, sm, err = s.windowed(ctx, gc, id, q)
		if err != nil {
			return reply{}, err
		}
		if len(se.Points) == 0 {
			return reply{}, notFound("%s has no values in that range", se.Indicator)
		}
		if ext == "csv" {
			var b bytes.Buffer
			if err := present.WriteSeriesCSV(&b, se, src); err != nil {
				return reply{}, err
			}
			csvBody = b.Bytes()
		} else if p, err = lineChart(ref, se, sm); err != nil {
			return reply{}, err
		}
	case "spaghetti":
		for _, k := range []string{"from", "to"} {
			if q.Get(k) != "" {
				return reply{}, badRequest("%s applies to kind=line", k)
			}
		}
		var d *DailyYears
		if d, src, err = s.dailyFor(ctx, gc, id, q, ""); err != nil {
			return reply{}, err
		}
		se = obs.Series{Indicator: d.Indicator, Entity: deref(d.Entity)}
		if ext == "csv" {
			csvBody = spaghettiCSV(d, src)
		} else if p, err = spaghettiChart(ref, d); err != nil {
			return reply{}, err
		}
	}
	localizeChart(ctx, p, ref, se)
	name := fileName(se, ext)
	if kind == "spaghetti" {
		name = strings.TrimSuffix(name, "."+ext) + "-by-day." + ext
	}
	rp := reply{filename: name, source: sourceHeader(src)}
	switch ext {
	case "csv":
		rp.body, rp.ctype = csvBody, "text/csv; charset=utf-8"
		return rp, nil
	case "png":
		rp.ctype = "image/png"
	default:
		rp.ctype = "image/svg+xml"
	}
	l := langFrom(ctx)
	footer := []string{present.SourceLineIn(l, ref.Dataset.Title, present.NewSource(src))}
	if ref.Dataset.Licence != "" {
		footer = append(footer, i18n.Pick(l, "Licence: "+ref.Dataset.Licence+". Chart: stocktake.",
			"授權："+ref.Dataset.Licence+"。圖表：stocktake。", "许可："+ref.Dataset.Licence+"。图表：stocktake。"))
	}
	rp.body, err = s.boundedRender(ctx, func() ([]byte, error) { return render(p, ext, width, height, footer) })
	return rp, err
}

// boundedRender runs fn in one of the server's render slots. It waits at
// most renderWait for a slot and renderBudget for the render; either wait
// exceeded is a 503 (Retry-After is added by ServeHTTP). A render past its
// budget keeps its slot until it ends, so at most Options.MaxRenders renders
// ever use the CPUs.
func (s *Server) boundedRender(ctx context.Context, fn func() ([]byte, error)) ([]byte, error) {
	wait := time.NewTimer(renderWait)
	defer wait.Stop()
	select {
	case s.renders <- struct{}{}:
	case <-wait.C:
		s.log.Warn("chart render refused: every render slot busy", "slots", cap(s.renders))
		return nil, errBusy("chart renderer busy; retry shortly")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-s.renders }()
		b, err := fn()
		done <- result{b, err}
	}()
	budget := time.NewTimer(renderBudget)
	defer budget.Stop()
	select {
	case r := <-done:
		return r.b, r.err
	case <-budget.C:
		return nil, errBusy("chart render exceeded its time budget; retry shortly")
	}
}

// chartTitle names the indicator, the entity of a national series and the
// smoothing.
func chartTitle(ref catalog.Ref, se obs.Series, sm qry.Smoothing) string {
	t := ref.Indicator.Title
	if t == "" {
		t = se.Indicator
	}
	if se.Entity != "" {
		t += ", " + national.Name(se.Entity)
	}
	if !sm.None() {
		t += " (" + sm.String() + " running mean)"
	}
	// Producers' titles are often lower case ("global land and ocean
	// temperature anomaly"); a chart title starts with a capital.
	if r, n := utf8.DecodeRuneInString(t); n > 0 {
		t = string(unicode.ToUpper(r)) + t[n:]
	}
	return t
}

// yLabel is the unit for people, with the baseline of anomaly series.
func yLabel(ref catalog.Ref, unit string) string {
	u := present.Unit(unit)
	if ref.Indicator.Baseline != "" && !strings.Contains(u, "vs") {
		u += " (vs " + ref.Indicator.Baseline + ")"
	}
	return u
}

// decimalYear places a date on a continuous year axis (2023.5 is about
// 2 July 2023).
func decimalYear(d obs.Date) float64 {
	y := d.Year()
	start := obs.NewDate(y, 1, 1)
	n := 365.0
	if obs.IsLeap(y) {
		n = 366
	}
	return float64(y) + float64(d-start)/n
}

// lineChart draws a series against time: decimal years on the axis for
// spans of more than three years, dates otherwise. Gaps of more than 31
// days (more than one period for coarser series) break the line.
func lineChart(ref catalog.Ref, se obs.Series, sm qry.Smoothing) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = chartTitle(ref, se, sm)
	p.Y.Label.Text = yLabel(ref, se.Unit)
	p.Y.Tick.Marker = humanTicks{}
	pts := se.Points
	span := pts[len(pts)-1].Date - pts[0].Date
	x := func(d obs.Date) float64 { return decimalYear(d) }
	if span <= 3*366 {
		x = func(d obs.Date) float64 { return float64(d.Time().Unix()) }
		p.X.Tick.Marker = dateTicks{}
	} else {
		p.X.Tick.Marker = yearTicks{}
	}
	maxGap := obs.Date(31)
	switch se.Frequency {
	case obs.Monthly:
		maxGap = 62
	case obs.Annual:
		maxGap = 2 * 366
	}
	p.Add(plotter.NewGrid())
	if ref.Indicator.Baseline != "" {
		// An anomaly series gets its zero line: the baseline mean.
		zero, err := plotter.NewLine(plotter.XYs{{X: x(pts[0].Date), Y: 0}, {X: x(pts[len(pts)-1].Date), Y: 0}})
		if err != nil {
			return nil, err
		}
		zero.Color, zero.Width = color.Gray{Y: 0x40}, vg.Points(0.8)
		p.Add(zero)
	}
	col := color.RGBA{R: 0x1f, G: 0x5f, B: 0xa8, A: 0xff}
	for _, seg := range segments(pts, maxGap) {
		xys := make(plotter.XYs, len(seg))
		for i, pt := range seg {
			xys[i] = plotter.XY{X: x(pt.Date), Y: pt.Value}
		}
		if len(xys) == 1 {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, err
			}
			sc.Color = col
			p.Add(sc)
			continue
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = col, vg.Points(1.2)
		p.Add(l)
	}
	return p, nil
}

// segments splits pts where consecutive dates are more than maxGap apart.
func segments(pts []obs.Point, maxGap obs.Date) [][]obs.Point {
	var out [][]obs.Point
	start := 0
	for i := 1; i <= len(pts); i++ {
		if i == len(pts) || pts[i].Date-pts[i-1].Date > maxGap {
			out = append(out, pts[start:i])
			start = i
		}
	}
	return out
}

// dateTicks labels a time axis in Unix seconds at calendar dates: the 1st,
// 8th, 15th and 22nd of each month ("8 Feb") for spans up to ten weeks,
// otherwise the first of every month, second, third or sixth month
// ("Mar 2023"), whichever gives at most about twelve labels.
type dateTicks struct{}

func (dateTicks) Ticks(min, max float64) []plot.Tick {
	const day = 86400
	lo, hi := obs.Date(math.Ceil(min/day)), obs.Date(math.Floor(max/day))
	var ts []plot.Tick
	at := func(d obs.Date, label string) {
		if d >= lo && d <= hi {
			ts = append(ts, plot.Tick{Value: float64(d.Time().Unix()), Label: label})
		}
	}
	y, m := lo.Year(), lo.Month()
	if hi-lo <= 70 {
		for ; obs.NewDate(y, m, 1) <= hi; y, m = nextMonth(y, m) {
			for _, day := range []int{1, 8, 15, 22} {
				d := obs.NewDate(y, m, day)
				at(d, fmt.Sprintf("%d %s", day, present.MonthName(m)[:3]))
			}
		}
		return ts
	}
	step := 6
	for _, s := range []int{1, 2, 3} {
		if int(hi-lo)/(30*s) <= 12 {
			step = s
			break
		}
	}
	for ; obs.NewDate(y, m, 1) <= hi; y, m = nextMonth(y, m) {
		d := obs.NewDate(y, m, 1)
		if (m-1)%step == 0 {
			at(d, fmt.Sprintf("%s %d", present.MonthName(m)[:3], y))
		} else {
			at(d, "")
		}
	}
	return ts
}

// nextMonth returns the month after y-m.
func nextMonth(y, m int) (int, int) {
	if m == 12 {
		return y + 1, 1
	}
	return y, m + 1
}

// yearTicks labels a decimal-year axis with whole years.
type yearTicks struct{}

func (yearTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(math.Round(ts[i].Value), 'f', 0, 64)
			if math.Abs(ts[i].Value-math.Round(ts[i].Value)) > 1e-9 {
				ts[i].Label = ""
			}
		}
	}
	return ts
}

// humanTicks labels a value axis in plain numbers at a round step (1, 2 or
// 5 times a power of ten) chosen for five to ten labels: "1.2" not
// "1.2000000000000002", "12,000", and from a million up "3.5 million" or
// "10 billion" instead of e-notation. Every label has the decimals its step
// needs, so labels on one axis line up (1.50, 1.75, 2.00).
type humanTicks struct{}

func (humanTicks) Ticks(min, max float64) []plot.Tick {
	return niceTicks(min, max, 5)
}

// niceTicks returns labelled ticks at a round step with at least want
// labels between min and max, and an unlabelled minor tick halfway between
// labels.
func niceTicks(min, max float64, want int) []plot.Tick {
	if !(max > min) || math.IsInf(min, 0) || math.IsInf(max, 0) {
		return []plot.Tick{{Value: min, Label: humanNumber(min)}}
	}
	mag := math.Pow(10, math.Floor(math.Log10(max-min)))
	step := mag / 10
	for _, f := range []float64{5, 2, 1, 0.5, 0.2} {
		if st := f * mag; math.Floor(max/st)-math.Ceil(min/st)+1 >= float64(want) {
			step = st
			break
		}
	}
	// decimals is the fewest digits after the point that write step exactly.
	decimals := 0
	for ; decimals < 12; decimals++ {
		r, _ := strconv.ParseFloat(strconv.FormatFloat(step, 'f', decimals, 64), 64)
		if math.Abs(r-step) <= step*1e-9 {
			break
		}
	}
	var ts []plot.Tick
	first := math.Ceil(min/step - 1e-9)
	if minor := (first - 0.5) * step; minor >= min {
		ts = append(ts, plot.Tick{Value: minor})
	}
	for k := first; k*step <= max+step*1e-9; k++ {
		v, _ := strconv.ParseFloat(strconv.FormatFloat(k*step, 'f', decimals, 64), 64)
		ts = append(ts, plot.Tick{Value: v, Label: tickLabel(v, decimals)})
		if mid := v + step/2; mid <= max {
			ts = append(ts, plot.Tick{Value: mid})
		}
	}
	return ts
}

// tickLabel writes a tick value with exactly decimals digits after the
// point, thousands grouped with commas; from a million up as humanNumber.
func tickLabel(v float64, decimals int) string {
	if math.Abs(v) >= 1e6 {
		return humanNumber(v)
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if s == "-"+strconv.FormatFloat(0, 'f', decimals, 64) {
		s = s[1:]
	}
	if math.Abs(v) < 10000 {
		return s
	}
	return groupThousands(s)
}

// humanNumber writes v with at most 4 significant digits, naming millions,
// billions and trillions and grouping thousands with commas below.
func humanNumber(v float64) string {
	a := math.Abs(v)
	for _, u := range []struct {
		f    float64
		name string
	}{{1e12, " trillion"}, {1e9, " billion"}, {1e6, " million"}} {
		if a >= u.f {
			return strconv.FormatFloat(v/u.f, 'g', 4, 64) + u.name
		}
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if a < 10000 {
		return s
	}
	return groupThousands(s)
}

// groupThousands puts commas between groups of three digits in the whole
// part of a decimal number written by strconv ("-12345.5" to "-12,345.5").
func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// monthTicks labels the calendar-slot axis with month names at the first
// of each month.
type monthTicks struct{}

var monthStarts = [12]int{0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335}

func (monthTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for m, s := range monthStarts {
		ts = append(ts, plot.Tick{Value: float64(s), Label: present.MonthName(m + 1)[:3]})
	}
	ts = append(ts, plot.Tick{Value: 365})
	return ts
}

// spaghettiChart draws every year of d against the calendar day: earlier
// years thin and grey, the record year and the latest year in colour, the
// baseline mean dashed and its 10th-90th percentile band shaded.
func spaghettiChart(ref catalog.Ref, d *DailyYears) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s by day of year", chartTitle(ref, obs.Series{Indicator: d.Indicator, Entity: deref(d.Entity)}, d.Smoothing))
	p.Y.Label.Text = yLabel(ref, d.Unit)
	p.X.Tick.Marker = monthTicks{}
	p.Y.Tick.Marker = humanTicks{}
	p.X.Min, p.X.Max = 0, 365
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())

	// The band: p10 forward, p90 backward, over the slots that have both.
	var poly plotter.XYs
	for i := range d.Band.P10 {
		if !math.IsNaN(float64(d.Band.P10[i])) && !math.IsNaN(float64(d.Band.P90[i])) {
			poly = append(poly, plotter.XY{X: float64(i), Y: float64(d.Band.P10[i])})
		}
	}
	for i := len(d.Band.P90) - 1; i >= 0; i-- {
		if !math.IsNaN(float64(d.Band.P10[i])) && !math.IsNaN(float64(d.Band.P90[i])) {
			poly = append(poly, plotter.XY{X: float64(i), Y: float64(d.Band.P90[i])})
		}
	}
	if len(poly) >= 3 {
		band, err := plotter.NewPolygon(poly)
		if err != nil {
			return nil, err
		}
		band.Color = color.NRGBA{R: 0x9e, G: 0xc5, B: 0xe8, A: 0xa0}
		band.LineStyle.Width = 0
		p.Add(band)
		p.Legend.Add(d.Baseline.String()+" 10th-90th percentile", band)
	}
	latest := d.Years[len(d.Years)-1].Year
	add := func(yv YearValues, c color.Color, w vg.Length, dashes []vg.Length, legend string) error {
		for _, seg := range slotSegments(yv.Values) {
			l, err := plotter.NewLine(seg)
			if err != nil {
				return err
			}
			l.Color, l.Width, l.Dashes = c, w, dashes
			p.Add(l)
			if legend != "" {
				p.Legend.Add(legend, l)
				legend = ""
			}
		}
		return nil
	}
	grey := color.NRGBA{R: 0x88, G: 0x88, B: 0x88, A: 0x60}
	for _, yv := range d.Years {
		if yv.Year == latest || yv.Year == d.RecordYear {
			continue
		}
		if err := add(yv, grey, vg.Points(0.5), nil, ""); err != nil {
			return nil, err
		}
	}
	if err := add(YearValues{Values: d.Band.Mean}, color.Black, vg.Points(1), []vg.Length{vg.Points(4), vg.Points(3)}, d.Baseline.String()+" mean"); err != nil {
		return nil, err
	}
	for _, yv := range d.Years {
		switch yv.Year {
		case d.RecordYear:
			if yv.Year == latest {
				continue
			}
			if err := add(yv, color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, vg.Points(1.5), nil, fmt.Sprintf("%d (record %s)", yv.Year, d.RecordKind)); err != nil {
				return nil, err
			}
		}
	}
	lbl := strconv.Itoa(latest)
	if latest == d.RecordYear {
		lbl += fmt.Sprintf(" (record %s)", d.RecordKind)
	}
	if err := add(d.Years[len(d.Years)-1], color.RGBA{R: 0x1f, G: 0x3f, B: 0x8f, A: 0xff}, vg.Points(2), nil, lbl); err != nil {
		return nil, err
	}
	return p, nil
}

// deref returns *s, or "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// slotSegments turns a 366-slot array into line segments, skipping null
// slots and breaking the line where more than three slots in a row are
// null (a gap in the data, not 29 February or every-other-day sampling).
func slotSegments(vals []Num) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	lastI := -100
	for i, v := range vals {
		if math.IsNaN(float64(v)) {
			continue
		}
		if i-lastI > 4 && len(cur) > 0 {
			if len(cur) > 1 {
				out = append(out, cur)
			}
			cur = nil
		}
		cur = append(cur, plotter.XY{X: float64(i), Y: float64(v)})
		lastI = i
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

// render draws p with the footer lines (source, licence) under it, at
// width x height pixels, as PNG or SVG.
func render(p *plot.Plot, ext string, width, height int, footer []string) ([]byte, error) {
	w := vg.Length(width) * vg.Inch / chartDPI
	h := vg.Length(height) * vg.Inch / chartDPI
	var c vg.CanvasWriterTo
	if ext == "png" {
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(chartDPI), vgimg.UseBackgroundColor(color.White))}
	} else {
		c = vgsvg.New(w, h)
	}
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	sty := draw.TextStyle{Color: color.RGBA{R: 0x44, G: 0x44, B: 0x44, A: 0xff}, Font: font.From(plot.DefaultFont, vg.Points(8)),
		Handler: plot.DefaultTextHandler}
	lineH := vg.Points(11)
	pad := vg.Points(6)
	area := draw.Crop(dc, 0, 0, pad+lineH*vg.Length(len(footer)), 0)
	p.Draw(area)
	for i, line := range footer {
		y := dc.Min.Y + pad + lineH*vg.Length(len(footer)-1-i)
		dc.FillText(sty, vg.Point{X: dc.Min.X + pad, Y: y}, line)
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// spaghettiCSV writes the numbers of a spaghetti chart in long form: one
// row per date with its calendar slot, the value, the climatology of the
// slot and the provenance.
func spaghettiCSV(d *DailyYears, src store.Source) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	base := d.Baseline.String()
	_ = w.Write([]string{"date", "year", "slot", "month_day", "value", "clim_mean_" + base, "clim_p10_" + base, "clim_p90_" + base,
		"clim_lower_2sd_" + base, "clim_upper_2sd_" + base, "indicator", "unit", "smoothing", "dataset", "version", "sha256"})
	num := func(n Num) string {
		if math.IsNaN(float64(n)) {
			return ""
		}
		return present.FormatValue(roundTo6(float64(n)))
	}
	for _, yv := range d.Years {
		for slot, v := range yv.Values {
			if math.IsNaN(float64(v)) {
				continue
			}
			date, _ := d.SlotDate(yv.Year, slot)
			_ = w.Write([]string{date.String(), strconv.Itoa(yv.Year), strconv.Itoa(slot), d.Labels[slot], num(v),
				num(d.Band.Mean[slot]), num(d.Band.P10[slot]), num(d.Band.P90[slot]), num(d.Band.Lower2SD[slot]), num(d.Band.Upper2SD[slot]),
				d.Indicator, d.Unit, d.Smoothing.String(), src.Dataset, src.Version, src.SHA256})
		}
	}
	w.Flush()
	return b.Bytes()
}
