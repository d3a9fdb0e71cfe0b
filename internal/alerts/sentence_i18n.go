package alerts

import (
	"strconv"
	"strings"
	"text/template"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
)

// Sentences in other languages.
//
// An event's sentence is written from its structured fields (indicator,
// entity, kind, direction, value, unit, date, previous holder, margin,
// streak, rank and comparison). English is Sentence, the reference
// rendering whose wording the tests fix; every other language fills the
// same fields (sentenceFields, written in that language: names from the
// glossary, numbers with the language's units and scale words, dates as
// 2023年3月16日) into its own templates (sentenceTemplates). Chinese has no
// plural and writes ordinals as 第N.

// sentenceFields are the parts of an event sentence, each already written
// in the sentence's language.
type sentenceFields struct {
	Name    string // indicator name, with the entity for national series
	Value   string // the value with its unit (and smoothing)
	When    string // the event's date at its resolution
	High    bool   // a maximum (true) or a minimum
	Prev    *prevFields
	Period  string // the calendar day or month of a record for the date or month
	Monthly bool   // a monthly series (a month record is the month's value, not a mean)
	// Streaks.
	N       int
	Unit    string // 日 or 月 (day or month)
	From    string
	Earlier *prevFields // the longest earlier run: Value is its length
	// Year extremes.
	Year           int
	Record         bool
	RecordOpposite bool
	Years          int
	RankHigh       bool // the rank is counted from the high end
	Rank           int
	Kind           string
	Direction      string
}

// prevFields describe the previous holder: its value, date, the margin
// and, for a record inside the combined uncertainty, the verdict's values.
type prevFields struct {
	Value, When, Margin string
	Indistinguishable   bool
	Uncertainty         string // "48.80 ± 2.53 對 46.77 ± 2.53 ×10²² 焦耳", or "" when not known
}

// sentenceTemplates are the Chinese sentences, one template set per
// script; the two differ only in characters. Templates "prev" and
// "verdict" write the previous holder; one template per event kind writes
// the sentence.
var sentenceTemplates = map[i18n.Lang]*template.Template{
	i18n.ZhHant: template.Must(template.New("zh-Hant").Parse(`
{{- define "hl"}}{{if .High}}最高{{else}}最低{{end}}{{end}}
{{- define "prev"}}{{with .Prev}}；前紀錄為{{.When}}的{{.Value}}{{if .Margin}}（差距{{.Margin}}）{{end}}{{if .Indistinguishable}}；與{{.When}}在統計上無法區分{{if .Uncertainty}}（{{.Uncertainty}}，95%）{{end}}{{end}}{{end}}{{end}}
{{- define "all_time"}}{{.Name}}於{{.When}}達{{.Value}}，為有紀錄以來{{template "hl" .}}{{template "prev" .}}。{{end}}
{{- define "day_of_year"}}{{.Name}}於{{.When}}達{{.Value}}，為有紀錄以來{{.Period}}的{{template "hl" .}}值{{template "prev" .}}。{{end}}
{{- define "month"}}{{.Name}}{{.When}}{{if .Monthly}}為{{else}}平均為{{end}}{{.Value}}，為有紀錄以來{{.Period}}的{{template "hl" .}}值{{template "prev" .}}。{{end}}
{{- define "streak"}}{{.Name}}於{{.When}}連續第{{.N}}{{.Unit}}創同{{if eq .Unit "個月"}}月{{else}}日{{end}}紀錄{{if .High}}高{{else}}低{{end}}值{{if .From}}（自{{.From}}起）{{end}}{{with .Earlier}}；此前最長連續紀錄為{{.Value}}，止於{{.When}}{{end}}。{{end}}
{{- define "year_extreme"}}{{.Name}}{{.Year}}年的年{{if .High}}最大值{{else}}最小值{{end}}為{{.Value}}，出現於{{.When}}
{{- if .Record}}，為有紀錄以來{{template "hl" .}}的年{{if .High}}最大值{{else}}最小值{{end}}{{template "prev" .}}。
{{- else if .RecordOpposite}}，為有紀錄以來{{if .High}}最低{{else}}最高{{end}}的年{{if .High}}最大值{{else}}最小值{{end}}。
{{- else if gt .Years 1}}，在{{.Years}}年中排第{{.Rank}}{{if .RankHigh}}高{{else}}低{{end}}。
{{- else}}。{{end}}{{end}}
{{- define "other"}}{{.Name}}於{{.When}}達{{.Value}}（{{.Kind}} {{.Direction}}）。{{end}}`)),
	i18n.ZhHans: template.Must(template.New("zh-Hans").Parse(`
{{- define "hl"}}{{if .High}}最高{{else}}最低{{end}}{{end}}
{{- define "prev"}}{{with .Prev}}；前纪录为{{.When}}的{{.Value}}{{if .Margin}}（差距{{.Margin}}）{{end}}{{if .Indistinguishable}}；与{{.When}}在统计上无法区分{{if .Uncertainty}}（{{.Uncertainty}}，95%）{{end}}{{end}}{{end}}{{end}}
{{- define "all_time"}}{{.Name}}于{{.When}}达{{.Value}}，为有记录以来{{template "hl" .}}{{template "prev" .}}。{{end}}
{{- define "day_of_year"}}{{.Name}}于{{.When}}达{{.Value}}，为有记录以来{{.Period}}的{{template "hl" .}}值{{template "prev" .}}。{{end}}
{{- define "month"}}{{.Name}}{{.When}}{{if .Monthly}}为{{else}}平均为{{end}}{{.Value}}，为有记录以来{{.Period}}的{{template "hl" .}}值{{template "prev" .}}。{{end}}
{{- define "streak"}}{{.Name}}于{{.When}}连续第{{.N}}{{.Unit}}创同{{if eq .Unit "个月"}}月{{else}}日{{end}}纪录{{if .High}}高{{else}}低{{end}}值{{if .From}}（自{{.From}}起）{{end}}{{with .Earlier}}；此前最长连续纪录为{{.Value}}，止于{{.When}}{{end}}。{{end}}
{{- define "year_extreme"}}{{.Name}}{{.Year}}年的年{{if .High}}最大值{{else}}最小值{{end}}为{{.Value}}，出现于{{.When}}
{{- if .Record}}，为有记录以来{{template "hl" .}}的年{{if .High}}最大值{{else}}最小值{{end}}{{template "prev" .}}。
{{- else if .RecordOpposite}}，为有记录以来{{if .High}}最低{{else}}最高{{end}}的年{{if .High}}最大值{{else}}最小值{{end}}。
{{- else if gt .Years 1}}，在{{.Years}}年中排第{{.Rank}}{{if .RankHigh}}高{{else}}低{{end}}。
{{- else}}。{{end}}{{end}}
{{- define "other"}}{{.Name}}于{{.When}}达{{.Value}}（{{.Kind}} {{.Direction}}）。{{end}}`)),
}

// templateNames name the template of each event kind.
var templateNames = map[Kind]string{AllTime: "all_time", DayRecord: "day_of_year", MonthRec: "month", Streak: "streak", YearExtrem: "year_extreme"}

// NameIn returns the name of an indicator in l: Name in English, the
// glossary's name otherwise.
func NameIn(l i18n.Lang, indicator string) string {
	return i18n.IndicatorName(l, indicator, Name(indicator))
}

// unitIn writes a catalog unit in l.
func unitIn(l i18n.Lang, unit string) string {
	u := unitText[unit]
	if u == "" {
		u = unit
	}
	return i18n.Unit(l, unit, u)
}

// formatValueIn is formatValue in l: the same decimals per unit, the
// language's unit and, for large values without a fixed precision, its
// scale words (萬, 億 in Chinese).
func formatValueIn(l i18n.Lang, v float64, unit string, extra int) string {
	if l == i18n.En {
		return formatValue(v, unit, extra)
	}
	u := unitIn(l, unit)
	dec, ok := unitDecimals[unit]
	if !ok {
		if s, ok := i18n.Scaled(l, v, extra); ok {
			return i18n.WithUnit(s, u)
		}
		dec = sigDecimals(abs(v), 3)
	}
	return i18n.WithUnit(strconv.FormatFloat(v, 'f', dec+extra, 64), u)
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// formatMarginIn is formatMargin in l: a difference of percentages is in
// percentage points (百分點, 百分点).
func formatMarginIn(l i18n.Lang, m float64, unit string) string {
	if l == i18n.En {
		return formatMargin(m, unit)
	}
	u := unit
	if unit == "%" {
		u = "" // written below in percentage points
	}
	dec, ok := unitDecimals[unit]
	var s string
	if !ok || abs(m) >= 1000 {
		s = formatValueIn(l, m, u, 1)
	} else {
		need := sigDecimals(abs(m), 1)
		s = strconv.FormatFloat(m, 'f', dec+max(1, need-dec), 64)
		if u != "" {
			s = i18n.WithUnit(s, unitIn(l, u))
		}
	}
	if unit == "%" {
		s = strings.TrimSpace(s) + i18n.T(l, "term:percentage_points", "percentage points")
	}
	return s
}

// valueAtIn is valueAt in l.
func valueAtIn(l i18n.Lang, v, res float64, unit string) string {
	if res <= 0 {
		return formatValueIn(l, v, unit, 0)
	}
	return i18n.WithUnit(analysis.Format(v, res), unitIn(l, unit))
}

// periodIn writes a date at the resolution of an event in l (humanPeriod).
func periodIn(l i18n.Lang, k Kind, f obs.Frequency, date string) string {
	d, err := obs.ParseDate(date)
	if err != nil {
		return date
	}
	y, m, day := d.YMD()
	switch {
	case k == MonthRec || f == obs.Monthly:
		return i18n.YearMonth(l, y, m)
	case f == obs.Annual:
		return i18n.Year(l, y)
	}
	return i18n.Date(l, y, m, day)
}

// seasonIn writes the season of a three-month series dated by its centre
// month in l.
func seasonIn(l i18n.Lang, date string) string {
	d, err := obs.ParseDate(date)
	if err != nil {
		return date
	}
	return i18n.Season(l, d.Year(), d.Month(), analysis.FormatSeason(d))
}

// SentenceIn writes the event for people in l: Sentence in English, the
// language's templates (sentenceTemplates) otherwise. Retracted and
// superseded events say so first.
func SentenceIn(e Event, l i18n.Lang) string {
	t := sentenceTemplates[l]
	if t == nil {
		return Sentence(e)
	}
	if IsThresholdKind(e.Kind) {
		return thresholdSentenceIn(e, l) // thresholds_i18n.go
	}
	f := sentenceFields{Name: NameIn(l, e.Indicator), High: e.Direction != "min", Kind: string(e.Kind), Direction: e.Direction}
	if e.Entity != "" {
		f.Name = i18n.CountryName(l, e.Entity, national.Name(e.Entity)) + "的" + f.Name
	}
	ind, _ := indicatorOf(e.Dataset, e.Indicator)
	res := ResolutionFor(ind, e.Frequency, e.Kind, e.Smoothing)
	if e.Comparison != nil {
		res = e.Comparison.Resolution
	}
	extra := 0
	if res <= 0 && e.Previous != nil && e.Kind != Streak {
		extra = distinct(e.Value, e.Previous.Value, e.Unit)
	}
	fv := func(v float64) string {
		if res > 0 {
			return valueAtIn(l, v, res, e.Unit)
		}
		return formatValueIn(l, v, e.Unit, extra)
	}
	seasonal := ind.Seasonal && e.Frequency == obs.Monthly
	f.When = periodIn(l, e.Kind, e.Frequency, e.Date)
	if seasonal {
		f.When = seasonIn(l, e.Date)
	}
	f.Value = fv(e.Value)
	if e.Smoothing != "" && e.Smoothing != "none" {
		f.Value += "（" + strings.TrimSuffix(e.Smoothing, "d") + "日平均）"
	}
	if e.Previous != nil && e.Kind != Streak {
		p := &prevFields{Value: fv(e.Previous.Value), When: periodIn(l, e.Kind, e.Frequency, e.Previous.Date)}
		if seasonal {
			p.When = seasonIn(l, e.Previous.Date)
		}
		if e.Margin != nil {
			if res > 0 {
				p.Margin = valueAtIn(l, *e.Margin, res, e.Unit)
			} else {
				p.Margin = formatMarginIn(l, *e.Margin, e.Unit)
			}
		}
		if c := e.Comparison; c != nil && c.Verdict == analysis.VerdictIndistinguishable {
			p.Indistinguishable = true
			if c.Uncertainty95 != nil && c.PreviousUncertainty95 != nil {
				p.Uncertainty = analysis.Format(c.Value, res) + " ± " + analysis.Format(*c.Uncertainty95, res) + i18n.Pick(l, " vs ", " 對 ", " 对 ") +
					analysis.Format(c.Previous, res) + " ± " + valueAtIn(l, *c.PreviousUncertainty95, res, e.Unit)
			}
		}
		f.Prev = p
	}
	d, _ := obs.ParseDate(e.Date)
	name := templateNames[e.Kind]
	if name == "" {
		name = "other"
	}
	switch e.Kind {
	case DayRecord:
		_, m, day := d.YMD()
		f.Period = i18n.DayMonth(l, m, day)
	case MonthRec:
		md, _ := obs.ParseDate(e.Date + "-01")
		f.Period = i18n.Month(l, md.Month())
		if seasonal {
			f.Period = i18n.SeasonLabel(l, md.Month(), analysis.SeasonLabel(md.Month()))
		}
		f.Monthly = e.Frequency == obs.Monthly
	case Streak:
		f.Unit = i18n.Pick(l, "day", "日", "日")
		if e.Frequency == obs.Monthly {
			f.Unit = i18n.Pick(l, "month", "個月", "个月")
		}
		if e.Streak != nil {
			f.N = e.Streak.Len
			f.From = periodIn(l, e.Kind, e.Frequency, e.Streak.From)
		}
		if e.Previous != nil {
			f.Earlier = &prevFields{Value: strconv.Itoa(int(e.Previous.Value)) + f.Unit, When: periodIn(l, e.Kind, e.Frequency, e.Previous.Date)}
		}
	case YearExtrem:
		f.Year = d.Year()
		f.Record, f.RecordOpposite, f.Years = e.Record, e.RecordOpposite, e.Years
		// The nearer end of the ranking, as in English (Sentence).
		hi, lo := e.Rank, e.Years-e.Rank+1
		if e.Direction == "min" {
			hi, lo = lo, hi
		}
		f.RankHigh, f.Rank = lo >= hi, hi
		if lo < hi {
			f.Rank = lo
		}
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, f); err != nil {
		// The templates are fixed and tested on every kind; an error here
		// is a programming error, and the English sentence is better than
		// half a sentence.
		return Sentence(e)
	}
	s := b.String()
	if e.Retracted {
		if e.RetractionReason == "superseded" {
			return i18n.T(l, "term:superseded", "Superseded") + "：" + s
		}
		return i18n.T(l, "term:retracted", "Retracted after a data revision") + "：" + s
	}
	return s
}

// Localize returns evs with their sentences written in l (a copy; evs is
// not changed). English returns evs as they are.
func Localize(evs []Event, l i18n.Lang) []Event {
	if !l.Chinese() || len(evs) == 0 {
		return evs
	}
	out := make([]Event, len(evs))
	for i, e := range evs {
		e.Sentence = SentenceIn(e, l)
		out[i] = e
	}
	return out
}

// RunSentenceIn is RunSentence in l: "全球海面溫度於2026年6月2日至8月6日
// 連續66日創同日紀錄高值，差距最大0.098 °C。" (the year once when both ends
// share it).
func RunSentenceIn(l i18n.Lang, indicator string, kind Kind, direction string, f obs.Frequency, first, last string, count int, best *float64, unit string) string {
	if !l.Chinese() {
		return RunSentence(indicator, kind, direction, f, first, last, count, best, unit)
	}
	hl := i18n.Pick(l, "", "高", "高")
	if direction == "min" {
		hl = "低"
	}
	what := map[Kind]string{DayRecord: "同日", MonthRec: "同月", AllTime: i18n.Pick(l, "", "歷史", "历史")}[kind]
	steps := "日"
	switch {
	case len(last) == 7:
		steps = i18n.Pick(l, "", "個月", "个月")
	case len(last) == 4:
		steps = "年"
	case f == obs.Weekly:
		steps = i18n.Pick(l, "", "週", "周")
	}
	a, b := periodIn(l, kind, f, first), periodIn(l, kind, f, last)
	if len(first) >= 7 && len(last) >= 4 && first[:4] == last[:4] {
		b = strings.TrimPrefix(b, first[:4]+"年")
	}
	s := NameIn(l, indicator) + i18n.Pick(l, "", "於", "于") + a + "至" + b + i18n.Pick(l, "", "連續", "连续") + strconv.Itoa(count) + steps +
		i18n.Pick(l, "", "創", "创") + what + i18n.Pick(l, "", "紀錄", "纪录") + hl + "值"
	if best != nil {
		s += "，" + i18n.Pick(l, "", "差距最大", "差距最大") + formatMarginIn(l, *best, unit)
	}
	return s + "。"
}
