package alerts

import (
	"fmt"
	"strconv"

	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/warming"
)

// thresholdWords are the patterns of a threshold event's sentence in one
// Chinese script, filled from the same fields as thresholdSentence's
// English: the threshold ("1.5 °C above pre-industrial"), the basis of the
// values, dates in the language's own format, counts as 第N.
type thresholdWords struct {
	above                           string // threshold in °C
	day, dayRun                     string // date, year, rank, threshold, basis, value; run length
	month, monthMean, monthRun      string // month, year, rank, what, threshold, basis, value; run length
	m12Run, m12First, m12Other      string // see thresholdSentenceIn
	year, yearRun                   string
	firstDay                        string
	run, runSince, runLongest, prev string
	basisERA5, basisOwn, basisWMO   string
}

var thresholdTemplates = map[i18n.Lang]thresholdWords{
	i18n.ZhHant: {
		above: "比工業化前高%s °C",
		day:   "%s是%d年第%s個達到或超過%s的日子（%s）：%s", dayRun: "，連續第%d天",
		month: "%s是%d年第%s個達到或超過%s的月份%s（%s）：%s", monthMean: "（以日數值平均）", monthRun: "，連續第%d個月",
		m12Run:   "截至%s的12個月，是連續第%d個達到或超過%s的12個月期間（%s）：%s",
		m12First: "截至%s的12個月，是有紀錄以來第一個達到或超過%s的12個月期間（%s）：%s",
		m12Other: "截至%s的12個月達到或超過%s（%s）：%s，為有紀錄以來第%s個這樣的12個月期間",
		year:     "%d年是有紀錄以來第%s個達到或超過%s的日曆年（%s）：%s", yearRun: "，連續第%d年",
		firstDay: "%s是有紀錄以來第一個達到或超過%s的日子（%s）：%s",
		run:      "%s，達到或超過%s（%s）的連續日數達到%d天", runSince: "（自%s起）", runLongest: "，為有紀錄以來最長",
		prev:      "；先前最長為%d天，結束於%s",
		basisERA5: "ERA5，%d–%d + %.2f °C", basisOwn: "%s，相對於自身1850–1900年平均", basisWMO: "GISTEMP，以%d–%d年對齊HadCRUT5與NOAAGlobalTemp",
	},
	i18n.ZhHans: {
		above: "比工业化前高%s °C",
		day:   "%s是%d年第%s个达到或超过%s的日子（%s）：%s", dayRun: "，连续第%d天",
		month: "%s是%d年第%s个达到或超过%s的月份%s（%s）：%s", monthMean: "（以日数值平均）", monthRun: "，连续第%d个月",
		m12Run:   "截至%s的12个月，是连续第%d个达到或超过%s的12个月期间（%s）：%s",
		m12First: "截至%s的12个月，是有记录以来第一个达到或超过%s的12个月期间（%s）：%s",
		m12Other: "截至%s的12个月达到或超过%s（%s）：%s，为有记录以来第%s个这样的12个月期间",
		year:     "%d年是有记录以来第%s个达到或超过%s的日历年（%s）：%s", yearRun: "，连续第%d年",
		firstDay: "%s是有记录以来第一个达到或超过%s的日子（%s）：%s",
		run:      "%s，达到或超过%s（%s）的连续日数达到%d天", runSince: "（自%s起）", runLongest: "，为有记录以来最长",
		prev:      "；此前最长为%d天，结束于%s",
		basisERA5: "ERA5，%d–%d + %.2f °C", basisOwn: "%s，相对于自身1850–1900年平均", basisWMO: "GISTEMP，以%d–%d年对齐HadCRUT5与NOAAGlobalTemp",
	},
}

// thresholdBasisIn is thresholdBasis in the words of w.
func thresholdBasisIn(w thresholdWords, indicator string) string {
	switch indicator {
	case "t2m.world":
		return fmt.Sprintf(w.basisERA5, warming.ERA5ClimFirst, warming.ERA5ClimLast, warming.ERA5Offset)
	case "gmst.hadcrut5":
		return fmt.Sprintf(w.basisOwn, "HadCRUT5")
	case "gmst.noaa":
		return fmt.Sprintf(w.basisOwn, "NOAAGlobalTemp")
	case "gmst.gistemp":
		return fmt.Sprintf(w.basisWMO, warming.WMOCommonFirst, warming.WMOCommonLast)
	}
	return Name(indicator)
}

// thresholdSentenceIn writes a threshold event in l from the same fields
// as thresholdSentence (English, and any language without templates).
func thresholdSentenceIn(e Event, l i18n.Lang) string {
	w, ok := thresholdTemplates[l]
	if !ok {
		return thresholdSentence(e)
	}
	tk := thresholdKinds[e.Kind]
	th := fmt.Sprintf(w.above, strconv.FormatFloat(tk.th, 'f', 1, 64))
	basis := thresholdBasisIn(w, e.Indicator)
	val := formatValueIn(l, e.Value, e.Unit, 0)
	d, _ := obs.ParseDate(e.Date)
	y, m, _ := d.YMD()
	date := func(d obs.Date) string { y, m, dd := d.YMD(); return i18n.Date(l, y, m, dd) }
	runLen, runFrom := 0, ""
	if e.Streak != nil {
		runLen, runFrom = e.Streak.Len, e.Streak.From
	}
	// nth writes a rank as the English does: "first" for 1 (一), digits
	// otherwise.
	nth := func(n int) string {
		if n == 1 {
			return i18n.Pick(l, "first", "一", "一")
		}
		return strconv.Itoa(n)
	}
	var s string
	switch tk.step {
	case stepDay:
		s = fmt.Sprintf(w.day, date(d), y, nth(e.Rank), th, basis, val)
		if runLen > 1 {
			s += fmt.Sprintf(w.dayRun, runLen)
		}
	case stepMonth:
		what := ""
		if e.Indicator == "t2m.world" {
			what = w.monthMean
		}
		s = fmt.Sprintf(w.month, i18n.YearMonth(l, y, m), y, nth(e.Rank), th, what, basis, val)
		if runLen > 1 {
			s += fmt.Sprintf(w.monthRun, runLen)
		}
	case stepMonths12:
		to := i18n.YearMonth(l, y, m)
		switch {
		case runLen > 1:
			s = fmt.Sprintf(w.m12Run, to, runLen, th, basis, val)
		case e.Rank == 1:
			s = fmt.Sprintf(w.m12First, to, th, basis, val)
		default:
			s = fmt.Sprintf(w.m12Other, to, th, basis, val, nth(e.Rank))
		}
	case stepYear:
		s = fmt.Sprintf(w.year, y, nth(e.Rank), th, basis, val)
		if runLen > 1 {
			s += fmt.Sprintf(w.yearRun, runLen)
		}
	case stepFirstDay:
		s = fmt.Sprintf(w.firstDay, date(d), th, basis, val)
	case stepLongestRun:
		s = fmt.Sprintf(w.run, date(d), th, basis, runLen)
		if f, err := obs.ParseDate(runFrom); err == nil {
			s += fmt.Sprintf(w.runSince, date(f))
		}
		s += w.runLongest
		if e.Previous != nil {
			if p, err := obs.ParseDate(e.Previous.Date); err == nil {
				s += fmt.Sprintf(w.prev, int(e.Previous.Value), date(p))
			}
		}
	}
	s += "。"
	if e.Retracted {
		return i18n.T(l, "term:retracted", "Retracted after a data revision") + "：" + s
	}
	return s
}
