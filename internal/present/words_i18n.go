package present

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/obs"
)

// The card sentences of the overview in other languages: the same
// structured fields (kind, value, unit, date, previous holder, comparison)
// as RecordSentence, MonthRecordSentence and the annual sentence, written
// with the language's words. English is the functions without "In",
// unchanged.

// UnitIn rewrites a catalog unit for people in l: Unit in English, the
// glossary's rendering otherwise.
func UnitIn(l i18n.Lang, u string) string { return i18n.Unit(l, u, Unit(u)) }

// recordWords are the words of a card sentence in one Chinese script.
type recordWords struct {
	record, prev, alsoHigh, alsoLow, highYear, lowYear, vs, indist, with string
}

var cardWords = map[i18n.Lang]recordWords{
	i18n.ZhHant: {record: "紀錄", prev: "，前紀錄為", alsoHigh: "；亦為有紀錄以來最高值", alsoLow: "；亦為有紀錄以來最低值",
		highYear: "有紀錄以來最高的年份：", lowYear: "有紀錄以來最低的年份：", vs: " 對 ", indist: "在統計上無法區分", with: "與"},
	i18n.ZhHans: {record: "纪录", prev: "，前纪录为", alsoHigh: "；亦为有记录以来最高值", alsoLow: "；亦为有记录以来最低值",
		highYear: "有记录以来最高的年份：", lowYear: "有记录以来最低的年份：", vs: " 对 ", indist: "在统计上无法区分", with: "与"},
}

// VerdictClauseIn is VerdictClause in l: "（與2022年在統計上無法區分：48.80 ±
// 2.53 對 46.77 ± 2.53 ×10²² 焦耳，95%）". prevYear is the year beaten.
func VerdictClauseIn(l i18n.Lang, c *analysis.Comparison, prevYear, unit string) string {
	w, ok := cardWords[l]
	if !ok {
		return VerdictClause(c, prevYear, unit)
	}
	if c == nil || c.Verdict != analysis.VerdictIndistinguishable {
		return ""
	}
	res := c.Resolution
	s := "（" + w.with + prevYear + "年" + w.indist
	if c.Uncertainty95 != nil && c.PreviousUncertainty95 != nil {
		s += "：" + analysis.Format(c.Value, res) + " ± " + analysis.Format(*c.Uncertainty95, res) + w.vs +
			i18n.WithUnit(analysis.Format(c.Previous, res)+" ± "+analysis.Format(*c.PreviousUncertainty95, res), UnitIn(l, unit)) + "，95%"
	}
	return s + "）"
}

// RecordSentenceIn is RecordSentence in l: "2月21日紀錄低值：1.79百萬平方公里，
// 前紀錄為2017年；亦為有紀錄以來最低值".
func RecordSentenceIn(l i18n.Lang, r analysis.OnResult, st SentenceStyle) string {
	w, ok := cardWords[l]
	if !ok {
		return RecordSentence(r, st)
	}
	if !r.RecordForDate {
		return ""
	}
	st = styleOf(st, r.Comparison)
	d, err := obs.ParseDate(r.Date)
	if err != nil {
		return ""
	}
	_, m, day := d.YMD()
	when := i18n.DayMonth(l, m, day)
	if len(r.Date) == 7 {
		when = i18n.Month(l, m)
		if st.Seasonal {
			when = i18n.SeasonLabel(l, m, analysis.SeasonLabel(m))
		}
	}
	s := when + w.record + hiLo(r.Kind) + "值：" + i18n.WithUnit(st.number(r.Value), UnitIn(l, r.Unit))
	if r.PreviousForDate != nil && len(r.PreviousForDate.Date) >= 4 {
		y := r.PreviousForDate.Date[:4]
		s += w.prev + y + "年" + VerdictClauseIn(l, r.Comparison, y, r.Unit)
	}
	if r.RecordAllTime {
		if r.Kind == analysis.Min {
			s += w.alsoLow
		} else {
			s += w.alsoHigh
		}
	}
	return s
}

// hiLo is 高 for a high record, 低 for a low one (the same in both scripts).
func hiLo(k analysis.Kind) string {
	if k == analysis.Min {
		return "低"
	}
	return "高"
}

// MonthRecordSentenceIn is MonthRecordSentence in l: "6月紀錄高值：1.18 °C，
// 前紀錄為2023年".
func MonthRecordSentenceIn(l i18n.Lang, r analysis.MonthResult, st SentenceStyle) string {
	w, ok := cardWords[l]
	if !ok {
		return MonthRecordSentence(r, st)
	}
	if !r.Record {
		return ""
	}
	st = styleOf(st, r.Comparison)
	d, err := obs.ParseDate(r.Month)
	if err != nil {
		return ""
	}
	when := i18n.Month(l, d.Month())
	if st.Seasonal {
		when = i18n.SeasonLabel(l, d.Month(), analysis.SeasonLabel(d.Month()))
	}
	s := when + w.record + hiLo(r.Kind) + "值：" + i18n.WithUnit(st.number(r.Value), UnitIn(l, r.Unit))
	if r.Previous != nil && len(r.Previous.Month) >= 4 {
		y := r.Previous.Month[:4]
		s += w.prev + y + "年" + VerdictClauseIn(l, r.Comparison, y, r.Unit)
	}
	return s
}

// AnnualRecordSentenceIn states an annual record in l, for a Chinese
// script: "有紀錄以來最高的年份：50.97 ×10²² 焦耳，前紀錄為2024年"; "" when rec is
// not a record or l is English (the English sentence of an annual card is
// written by the overview question).
func AnnualRecordSentenceIn(l i18n.Lang, rec analysis.OnResult) string {
	w, ok := cardWords[l]
	if !ok || !rec.RecordForDate {
		return ""
	}
	word := w.highYear
	if rec.Kind == analysis.Min {
		word = w.lowYear
	}
	v := Round2(rec.Value)
	if rec.Comparison != nil && rec.Comparison.Resolution > 0 {
		v = analysis.Format(rec.Value, rec.Comparison.Resolution)
	}
	s := word + i18n.WithUnit(v, UnitIn(l, rec.Unit))
	if rec.PreviousForDate != nil {
		y := rec.PreviousForDate.Date
		if _, err := strconv.Atoi(y); err == nil {
			s += w.prev + y + "年"
		} else {
			s += w.prev + y
		}
		s += VerdictClauseIn(l, rec.Comparison, y, rec.Unit)
	}
	return s
}

// SourceLineIn is SourceLine in l: "資料來源：NSIDC Sea Ice Index G02135
// daily extent, Antarctic, version 3.0，sha256 de51a1ef1c46…，擷取於
// 2026年11月26日". The dataset's title is a proper name and stays as
// published; the connecting words, the file count and the date are l's.
func SourceLineIn(l i18n.Lang, title string, src Source) string {
	if !l.Chinese() {
		return SourceLine(title, src)
	}
	if title == "" {
		title = src.Dataset
	}
	s := i18n.T(l, "term:source", "Source") + "：" + title
	if src.Version != "" && !strings.Contains(title, src.Version) {
		s += i18n.Pick(l, "", "，版本 ", "，版本 ") + src.Version
	}
	if src.SHA256 != "" {
		s += "，sha256 " + src.SHA256[:min(12, len(src.SHA256))] + "…"
	}
	if src.Files > 1 {
		s += i18n.Pick(l, "", fmt.Sprintf("，%d 個檔案", src.Files), fmt.Sprintf("，%d 个文件", src.Files))
	}
	if src.Retrieved != nil {
		t := src.Retrieved.UTC()
		s += i18n.Pick(l, "", "，擷取於", "，获取于") + i18n.Date(l, t.Year(), int(t.Month()), t.Day())
	}
	return s
}
