package query

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/goals"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/present"
)

// Languages of the answers.
//
// A request's Lang field (raw text: en, zh-Hant, zh-Hans or a regional tag
// such as zh-TW; "" is English) chooses the language of the prose in its
// answer: indicator titles (glossary), country names (CLDR, with the code
// kept in its own field), catalog notes, goal, budget and pledge texts
// (i18n texts.json, reviewed translations), the peak rule and the pledge
// summaries. Every number, code, date field and enumeration is the same in
// every language; English answers are byte for byte those of a request
// without Lang. The CLI's --lang and the API's lang= (or Accept-Language)
// fill the field, so both surfaces print the same words.

// parseLang reads a request's Lang field.
func parseLang(raw string) (i18n.Lang, error) {
	if strings.TrimSpace(raw) == "" {
		return i18n.En, nil
	}
	l, err := i18n.Parse(raw)
	if err != nil {
		return "", invalid("{lang=}%q: %v", raw, err)
	}
	return l, nil
}

// ParseLang reads a language as the requests' Lang field does, for
// callers that localize a result themselves (LocalizeIndicators).
func ParseLang(raw string) (i18n.Lang, error) { return parseLang(raw) }

// CountedKey is the key in texts.json of goals.CountedEmissions, what a
// carbon budget's count-down subtracts.
const CountedKey = "budget:counted"

// LicenceKey is the key in texts.json of a dataset's licence.
func LicenceKey(dataset string) string { return "licence:" + dataset }

// NoteKey is the key in texts.json of the note of an indicator of a
// dataset.
func NoteKey(dataset, indicator string) string { return "note:" + dataset + "/" + indicator }

// LocalizeIndicators writes the titles (glossary), notes and licences
// (texts.json) of rows in l; English rows are returned as they are, other rows are
// copied, never changed in place.
func LocalizeIndicators(l i18n.Lang, rows []present.Indicator) []present.Indicator {
	if !l.Chinese() {
		return rows
	}
	rows = slices.Clone(rows)
	for i := range rows {
		r := &rows[i]
		r.Title = i18n.IndicatorName(l, r.Indicator, r.Title)
		r.Note = i18n.Text(l, NoteKey(r.Source.Dataset, r.Indicator), r.Note)
		r.Licence = i18n.Text(l, LicenceKey(r.Source.Dataset), r.Licence)
	}
	return rows
}

// coverageLabel matches the label CoverageOf gives a partly covered
// baseline: "2001–2020, 20 of 30 years".
var coverageLabel = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{4}–\d{4}), (\d+) of (\d+) years$`) })

// CoverageLabelIn writes a baseline label of CoverageOf (or a catalog
// baseline such as "1901-2000") in l: a partly covered baseline becomes
// "2001–2020（30年中的20年）"; labels without words are returned as they
// are, and so is every label in English.
func CoverageLabelIn(l i18n.Lang, label string) string {
	if !l.Chinese() {
		return label
	}
	if m := coverageLabel().FindStringSubmatch(label); m != nil {
		return m[1] + i18n.Pick(l, "", "（"+m[3]+"年中的"+m[2]+"年）", "（"+m[3]+"年中的"+m[2]+"年）")
	}
	if rest, ok := strings.CutPrefix(label, "no year of "); ok {
		return i18n.Pick(l, "", "沒有"+rest+"的年份", "没有"+rest+"的年份")
	}
	return label
}

// BaselineKey is the key in texts.json of a catalog baseline written in
// words (ONI's "centred 30-year periods, updated every 5 years").
func BaselineKey(dataset, indicator string) string { return "baseline:" + dataset + "/" + indicator }

// BaselineLabelIn writes the baseline label of an indicator's anomaly in l:
// a catalog baseline in words from texts.json, a coverage label of
// CoverageOf by CoverageLabelIn, a period ("1991-2020") as it is.
func BaselineLabelIn(l i18n.Lang, dataset, indicator, label string) string {
	if t := i18n.Text(l, BaselineKey(dataset, indicator), label); t != label {
		return t
	}
	return CoverageLabelIn(l, label)
}

// goalErrors match the goals' per-contributor errors (goals.Assess):
// "CODE: no value for 2023", "CODE: no value for baseline year 2005".
var goalErrors = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.+): no value for (baseline year )?(\d{4})$`) })

// goalErrorIn writes a contributor's error of goals.Assess in l, with the
// contributor's name for its code; other errors stay as they are.
func goalErrorIn(l i18n.Lang, name, msg string) string {
	m := goalErrors().FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	if m[2] != "" {
		return name + i18n.Pick(l, "", "：基準年"+m[3]+"年沒有數值", "：基准年"+m[3]+"年没有数值")
	}
	return name + i18n.Pick(l, "", "："+m[3]+"年沒有數值", "："+m[3]+"年没有数值")
}

// countryName is the name in l of the entity code, english otherwise.
func countryName(l i18n.Lang, code, english string) string {
	if !l.Chinese() {
		return english
	}
	return i18n.CountryName(l, code, english)
}

// PeakRuleIn states rule in l, as national.PeakRule.String does in
// English.
func PeakRuleIn(l i18n.Lang, r national.PeakRule) string {
	switch l {
	case i18n.ZhHant:
		return fmt.Sprintf("已達峰 = 最大值至少在最新年份的%d年前，且最新數值至少比最大值低%g%%", r.MinYears, r.MinBelowPct)
	case i18n.ZhHans:
		return fmt.Sprintf("已达峰 = 最大值至少在最新年份的%d年前，且最新数值至少比最大值低%g%%", r.MinYears, r.MinBelowPct)
	}
	return r.String()
}

// localizePeak writes the entity's name and the rule of p in l.
func localizePeak(l i18n.Lang, p *national.PeakResult, r national.PeakRule) {
	if !l.Chinese() {
		return
	}
	p.Name = countryName(l, p.Entity, p.Name)
	p.Rule = PeakRuleIn(l, r)
}

// localizeRanking writes the country names of rk in l (rk's rows are its
// own: national.Rank builds them per call).
func localizeRanking(l i18n.Lang, rk *national.Ranking) {
	for i := range rk.Ranking {
		rk.Ranking[i].Name = countryName(l, rk.Ranking[i].Entity, rk.Ranking[i].Name)
	}
}

// localizeComparison writes the entity names of c in l.
func localizeComparison(l i18n.Lang, c *present.Comparison) {
	for i := range c.Indicators {
		cells := c.Indicators[i].Result.Cells
		for j := range cells {
			cells[j].Name = countryName(l, cells[j].Entity, cells[j].Name)
		}
	}
}

// pledgeKey is the key in texts.json of a text field of a pledge.
func pledgeKey(id, field string) string { return "pledge:" + id + ":" + field }

// LocalizePledge writes the texts of p (title, scope, status note, why it
// cannot be measured, the measures' caveats) in l. p's Measures are
// copied: the registry's are shared.
func LocalizePledge(l i18n.Lang, p national.Pledge) national.Pledge {
	if !l.Chinese() {
		return p
	}
	p.Title = i18n.Text(l, pledgeKey(p.ID, "title"), p.Title)
	p.Scope = i18n.Text(l, pledgeKey(p.ID, "scope"), p.Scope)
	p.StatusNote = i18n.Text(l, pledgeKey(p.ID, "status_note"), p.StatusNote)
	p.Unmeasurable = i18n.Text(l, pledgeKey(p.ID, "unmeasurable"), p.Unmeasurable)
	p.Measures = slices.Clone(p.Measures)
	for i := range p.Measures {
		p.Measures[i].Caveat = i18n.Text(l, pledgeKey(p.ID, fmt.Sprintf("measures[%d].caveat", i)), p.Measures[i].Caveat)
	}
	return p
}

// localizePledges writes rep in l: the rule, every pledge's texts, and
// each measurement's entity name, caveat, summary and peak (its name and
// rule).
func localizePledges(l i18n.Lang, rep *present.PledgeReport, rule national.PeakRule) {
	if !l.Chinese() {
		return
	}
	rep.Rule = PeakRuleIn(l, rule)
	for i := range rep.Pledges {
		pg := &rep.Pledges[i]
		orig := pg.Pledge
		pg.Pledge = LocalizePledge(l, orig)
		for j := range pg.Measurements {
			m := &pg.Measurements[j].Measurement
			m.Name = countryName(l, m.Entity, m.Name)
			if m.Peak != nil {
				pk := *m.Peak
				localizePeak(l, &pk, rule)
				m.Peak = &pk
			}
			for k, ms := range orig.Measures {
				if ms.Indicator == m.Indicator && ms.Method == m.Method && ms.Caveat == m.Caveat {
					m.Caveat = pg.Pledge.Measures[k].Caveat
					m.Summary = pledgeSummaryIn(l, orig, ms, *m, rule)
					break
				}
			}
		}
	}
}

// pledgeWords are the sentence patterns of a pledge summary in one
// Chinese script, filled from the same fields as national's English
// summary.
type pledgeWords struct {
	// cannot prefixes the (English) error of a measurement.
	cannot string
	// peakStatus: who, peak year, peak value, latest year, % below, years
	// since the peak, verdict, rule, target.
	peakStatus, peaked, notPeaked string
	// vsPeak: who, latest year, latest value, peak year, peak value, %
	// below, target.
	vsPeak string
	// vsBase: who, latest year, latest value, base year, base value, change.
	vsBase, pp, avg, pledge string
	// needs: from year, target year, % a year.
	needs, atTarget, proxy string
	// Target words: before/by/in a year, net zero, "X% below base".
	before, by, in, netZero, belowBase, peak string
}

var pledgeSummaryWords = map[i18n.Lang]pledgeWords{
	i18n.ZhHant: {cannot: "無法衡量：",
		peakStatus: "%s：%s最大值為%s；%s的數值比最大值低%.1f%%，相隔%d年；%s（%s）。承諾：%s達峰。",
		peaked:     "按規則已達峰", notPeaked: "按規則尚未達峰",
		vsPeak: "%s（%s）：%s，比%s的最大值（%s）低%.1f%%。承諾：%s。",
		vsBase: "%s（%s）：%s，較%s（%s）%s。", pp: "個百分點", avg: "年均%+.1f%%。", pledge: "承諾：%s。",
		needs: "要達成目標，%s至%s每年需%+.1f%%。", atTarget: "測得的數值已達到或低於目標水準。", proxy: "代理指標：",
		before: "%s之前", by: "%s前", in: "%s", netZero: "淨零", belowBase: "比%s低%s", peak: "峰值"},
	i18n.ZhHans: {cannot: "无法衡量：",
		peakStatus: "%s：%s最大值为%s；%s的数值比最大值低%.1f%%，相隔%d年；%s（%s）。承诺：%s达峰。",
		peaked:     "按规则已达峰", notPeaked: "按规则尚未达峰",
		vsPeak: "%s（%s）：%s，比%s的最大值（%s）低%.1f%%。承诺：%s。",
		vsBase: "%s（%s）：%s，较%s（%s）%s。", pp: "个百分点", avg: "年均%+.1f%%。", pledge: "承诺：%s。",
		needs: "要达成目标，%s至%s每年需%+.1f%%。", atTarget: "测得的数值已达到或低于目标水平。", proxy: "代理指标：",
		before: "%s之前", by: "%s前", in: "%s", netZero: "净零", belowBase: "比%s低%s", peak: "峰值"},
}

// pledgeTargetIn states a pledge's target in l ("2030年前比2005年低50-52%"),
// as national's English target text ("50-52% below 2005 by 2030").
func pledgeTargetIn(l i18n.Lang, w pledgeWords, t national.Target) string {
	y := i18n.Year(l, t.Year)
	when := map[string]string{"before": fmt.Sprintf(w.before, y), "by": fmt.Sprintf(w.by, y), "in": fmt.Sprintf(w.in, y)}[t.When]
	if when == "" {
		when = t.When + " " + y
	}
	pct := ""
	switch len(t.ReductionPct) {
	case 1:
		pct = fmt.Sprintf("%g%%", t.ReductionPct[0])
	case 2:
		pct = fmt.Sprintf("%g-%g%%", t.ReductionPct[0], t.ReductionPct[1])
	}
	switch {
	case pct == "":
		return when
	case len(t.ReductionPct) == 1 && t.ReductionPct[0] == 100:
		return when + w.netZero
	}
	base := w.peak
	if t.Base != "peak" {
		if by, ok := t.BaseYear(); ok {
			base = i18n.Year(l, by)
		} else {
			base = t.Base
		}
	}
	return when + fmt.Sprintf(w.belowBase, base, pct)
}

// pledgeSummaryIn writes the summary of measurement m of measure ms of
// pledge p in l from the same fields as national's English summary; the
// English summary is returned when l has no patterns or m lacks a field.
func pledgeSummaryIn(l i18n.Lang, p national.Pledge, ms national.Measure, m national.Measurement, rule national.PeakRule) string {
	w, ok := pledgeSummaryWords[l]
	if !ok {
		return m.Summary
	}
	if m.Error != "" {
		return w.cannot + m.Error
	}
	who := countryName(l, m.Entity, m.Name) + i18n.Pick(l, " ", "的", "的") + alerts.NameIn(l, m.Indicator)
	unit := present.UnitIn(l, m.Unit)
	val := func(v float64) string { return i18n.WithUnit(national.FormatValue(v), unit) }
	target := pledgeTargetIn(l, w, p.Target)
	var s string
	switch ms.Method {
	case "peak-status":
		if m.Peak == nil {
			return m.Summary
		}
		pk := m.Peak
		verdict := w.notPeaked
		if pk.Peaked {
			verdict = w.peaked
		}
		s = fmt.Sprintf(w.peakStatus, who, i18n.Year(l, pk.PeakYear), val(pk.PeakValue), i18n.Year(l, pk.LatestYear),
			pk.BelowPeakPct, pk.YearsSincePeak, verdict, PeakRuleIn(l, rule), target)
	case "change-vs-peak":
		if m.Peak == nil || m.LatestValue == nil {
			return m.Summary
		}
		pk := m.Peak
		s = fmt.Sprintf(w.vsPeak, who, i18n.Year(l, m.LatestYear), val(*m.LatestValue), i18n.Year(l, pk.PeakYear),
			national.FormatValue(pk.PeakValue), pk.BelowPeakPct, target)
	case "change-vs-base", "trend-since":
		if m.BaseYear == nil || m.BaseValue == nil || m.LatestValue == nil {
			return m.Summary
		}
		change := "n/a"
		if m.ChangePct != nil {
			change = fmt.Sprintf("%+.1f%%", *m.ChangePct)
		}
		if m.Unit == "%" {
			change = fmt.Sprintf("%+.1f%s（%s）", *m.LatestValue-*m.BaseValue, w.pp, change)
		}
		s = fmt.Sprintf(w.vsBase, who, i18n.Year(l, m.LatestYear), val(*m.LatestValue), i18n.Year(l, *m.BaseYear),
			national.FormatValue(*m.BaseValue), change)
		if m.CAGRPct != nil {
			s += fmt.Sprintf(w.avg, *m.CAGRPct)
		}
		s += fmt.Sprintf(w.pledge, target)
	default:
		return m.Summary
	}
	if m.RequiredAnnualPct != nil {
		s += fmt.Sprintf(w.needs, i18n.Year(l, m.LatestYear), i18n.Year(l, p.Target.Year), *m.RequiredAnnualPct)
	} else if m.TargetValue != nil && m.LatestValue != nil && *m.LatestValue <= *m.TargetValue {
		s += w.atTarget
	}
	if ms.Coverage == "proxy" {
		s += w.proxy + i18n.Text(l, pledgeKey(p.ID, measureIndex(p, ms)), ms.Caveat)
	}
	return s
}

// measureIndex is the texts.json field name of the caveat of ms in p.
func measureIndex(p national.Pledge, ms national.Measure) string {
	for i, m := range p.Measures {
		if m == ms {
			return fmt.Sprintf("measures[%d].caveat", i)
		}
	}
	return "measures[?].caveat"
}

// goalKey is the key in texts.json of a text field of a goal.
func goalKey(id, field string) string { return "goal:" + id + ":" + field }

// LocalizeGoal writes the texts of g (title, text, caveat) in l.
func LocalizeGoal(l i18n.Lang, g goals.Goal) goals.Goal {
	if !l.Chinese() {
		return g
	}
	g.Title = i18n.Text(l, goalKey(g.ID, "title"), g.Title)
	g.Text = i18n.Text(l, goalKey(g.ID, "text"), g.Text)
	g.Caveat = i18n.Text(l, goalKey(g.ID, "caveat"), g.Caveat)
	return g
}

// LocalizeBudget writes the texts of b (title, what it covers) in l.
func LocalizeBudget(l i18n.Lang, b goals.Budget) goals.Budget {
	if !l.Chinese() {
		return b
	}
	b.Title = i18n.Text(l, "budget:"+b.ID+":title", b.Title)
	b.Covers = i18n.Text(l, "budget:"+b.ID+":covers", b.Covers)
	return b
}

// localizeGoal writes a goal's assessment in l: the goal's texts, the
// baseline note and the contributors' names. Contributions are copied.
func localizeGoal(l i18n.Lang, p *GoalProgress) {
	if !l.Chinese() {
		return
	}
	g := p.Goal
	p.Goal = LocalizeGoal(l, g)
	if p.BaselineNote != "" {
		first := g.Baseline.Year
		if g.Baseline.AverageFrom != 0 {
			first = g.Baseline.AverageFrom
		}
		if first == g.Baseline.Year {
			p.BaselineNote = i18n.Pick(l, "", "%d年的數值", "%d年的数值")
			p.BaselineNote = fmt.Sprintf(p.BaselineNote, g.Baseline.Year)
		} else {
			p.BaselineNote = fmt.Sprintf(i18n.Pick(l, "", "%d-%d年的平均，置於%d年", "%d-%d年的平均，置于%d年"), first, g.Baseline.Year, g.Baseline.Year)
		}
	}
	p.Contributions = slices.Clone(p.Contributions)
	for i := range p.Contributions {
		c := &p.Contributions[i]
		c.Name = countryName(l, c.Entity, c.Name)
		c.Error = goalErrorIn(l, c.Name, c.Error)
	}
}

// LocalizeRecent writes the titles and sentences of the recent runs of res
// in l: a run of several events with alerts.RunSentenceIn, a single event
// with alerts.SentenceIn of the event itself (so its previous holder and
// margin are stated, as in English), a run built without its event from
// the run's fields. English results are returned as they are; other
// results are copied.
func LocalizeRecent(res RecentResult, l i18n.Lang) RecentResult {
	if !l.Chinese() {
		return res
	}
	run := func(r RecentRun) RecentRun {
		r.Title = alerts.NameIn(l, r.Indicator)
		switch {
		case r.Count >= 2 && r.Kind != alerts.Streak:
			r.Sentence = alerts.RunSentenceIn(l, r.Indicator, r.Kind, r.Direction, r.Frequency, r.First, r.Last, r.Count, r.BestMargin, r.Unit)
		case r.event != nil:
			r.Sentence = alerts.SentenceIn(*r.event, l)
		default:
			e := alerts.Event{Indicator: r.Indicator, Entity: r.Entity, Dataset: r.Dataset, Kind: r.Kind, Direction: r.Direction,
				Frequency: r.Frequency, Unit: r.Unit, Date: r.Last, Value: r.Value, Streak: r.Streak, Smoothing: "none"}
			r.Sentence = alerts.SentenceIn(e, l)
		}
		return r
	}
	res.Runs = slices.Clone(res.Runs)
	for i := range res.Runs {
		res.Runs[i] = run(res.Runs[i])
	}
	res.Latest = slices.Clone(res.Latest)
	for i := range res.Latest {
		res.Latest[i].Title = alerts.NameIn(l, res.Latest[i].Indicator)
		recs := slices.Clone(res.Latest[i].Records)
		for j := range recs {
			recs[j] = run(recs[j])
		}
		res.Latest[i].Records = recs
	}
	return res
}

// localizeDaily writes the title of d in l.
func localizeDaily(l i18n.Lang, d *DailyYears) {
	if l.Chinese() {
		d.Title = i18n.IndicatorName(l, d.Indicator, d.Title)
	}
}
