package query

import (
	"context"
	"errors"
	"fmt"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// This file defines the overview (GET /api/overview): the latest state of
// every vital sign, each number taken from the question that defines it
// (the anomaly from Anomalies' climatology, the rank from Records).

// Overview is the body of GET /api/overview: the latest state of every
// stored vital sign, in catalog order. Signs holds the default dataset of
// every global daily or monthly indicator and the annual headline ones
// (ocean heat content), each ranked for its date; Irregular holds the
// series sampled at irregular intervals (sea level), which have no date to
// rank for and report their rise since their first year instead.
//
// Today and every sign's DataAgeDays depend on the current date as well as
// on the data. A request that names the data version (v=) is answered as
// immutable (cached for a year), so such answers leave both out: a client
// computes the age from the latest date and its own clock.
type Overview struct {
	DataVersion string `json:"data_version"`
	// Today is the UTC date the data ages are counted to (YYYY-MM-DD),
	// omitted when the request names the data version.
	Today     string `json:"today,omitempty"`
	Signs     []Sign `json:"signs"`
	Irregular []Sign `json:"irregular"`
}

// Anomaly is the latest value's departure from a baseline, in the sign's
// unit. Basis says how it was obtained: "published anomaly" when the
// producer's values are already anomalies against Baseline (NOAA, NASA,
// HadCRUT), or "climatology" when it is the value minus the mean of the same
// calendar day (daily series) or month (monthly series) over Baseline, the
// producer's own reference period (see DefaultBaseline). Years is the number
// of baseline years that mean averages (0 for published anomalies).
type Anomaly struct {
	Value    float64 `json:"value"`
	Baseline string  `json:"baseline"`
	Basis    string  `json:"basis"`
	Years    int     `json:"years,omitempty"`
}

// Change is the latest value of an annual series minus the value of the
// year before, in the sign's unit.
type Change struct {
	Value    float64       `json:"value"`
	Previous present.Point `json:"previous"`
}

// Rise is how much an irregularly sampled series (sea level) has risen
// since its first complete calendar year: Value is the mean of the values
// dated in the 365 days up to the latest date (To) minus the mean of the
// values dated in Since, in the sign's unit. PerDecade is the ordinary
// least-squares trend of every value, in the unit per decade, from From to
// To. Averaging a year on both ends keeps the noise of a single ~10-day
// value out of the headline number.
type Rise struct {
	Since     string  `json:"since"`
	Value     float64 `json:"value"`
	PerDecade float64 `json:"per_decade"`
	From      string  `json:"from"`
	To        string  `json:"to"`
	Basis     string  `json:"basis"`
}

// Sign is one vital sign in the overview.
//
// Record is the records engine's answer for the latest date (all data,
// calendar convention): its rank for the date among all years and all-time;
// for annual series the date is the year, so the rank is among all years.
// It is omitted for irregular series (Overview.Irregular).
// Its kind is the indicator's direction; for indicators whose records can
// go both ways (sea ice, ENSO) it is min when the anomaly is negative and
// max otherwise. Sentence states the record in words when the latest value
// is a record for its date ("Record low for 21 February: 1.79 million km²,
// previous 2017"; for annual series "Highest year on record: …") and is
// null otherwise. Change (annual series) is the change on the year before;
// Rise (irregular series) the rise since the first complete year.
// DataAgeDays is the number of days from the latest value's date (31
// December for an annual value) to today (UTC), omitted when the request
// names the data version (see Overview).
type Sign struct {
	Indicator string             `json:"indicator"`
	Title     string             `json:"title"`
	Unit      string             `json:"unit"`
	UnitText  string             `json:"unit_text"`
	Frequency obs.Frequency      `json:"frequency"`
	Latest    present.Point      `json:"latest"`
	Anomaly   *Anomaly           `json:"anomaly"`
	Record    *analysis.OnResult `json:"record,omitempty"`
	// Season labels the latest value of a three-month series (ONI) by its
	// season, "MJJ 2026"; omitted for other series.
	Season      string         `json:"season,omitempty"`
	Sentence    *string        `json:"sentence"`
	Change      *Change        `json:"change,omitempty"`
	Rise        *Rise          `json:"rise,omitempty"`
	DataAgeDays *int           `json:"data_age_days,omitempty"`
	Source      present.Source `json:"source"`
	SourceLine  string         `json:"source_line"`
	Producer    string         `json:"producer"`
	Licence     string         `json:"licence"`
	// Spark is the data of the card's small chart (see Spark): the year so
	// far of a daily series against its climatology and record year, the
	// last 24 monthly anomalies of a monthly one; omitted for other
	// frequencies.
	Spark *Spark `json:"spark,omitempty"`
}

// slowSigns are the annual and irregular indicators shown as vital signs
// besides every daily and monthly one: the 0-2000 m ocean heat content
// (the 0-700 m layer would repeat it) and the global mean sea level.
var slowSigns = map[string]bool{"ohc.jma": true, "gmsl": true}

// VitalSigns lists the overview's indicators: the default dataset of every
// global daily or monthly indicator and of the slowSigns, in catalog order.
func VitalSigns() []catalog.Ref {
	var out []catalog.Ref
	for _, d := range catalog.Datasets() {
		for _, ind := range d.Indicators {
			// Companions (uncertainty half-widths, confidence limits,
			// published annual values) are read with the indicator they
			// accompany and get no card of their own.
			if !ind.Default || ind.National || ind.CompanionOf != "" {
				continue
			}
			if ind.Frequency == obs.Daily || ind.Frequency == obs.Monthly || slowSigns[ind.ID] {
				out = append(out, catalog.Ref{Indicator: ind, Dataset: d})
			}
		}
	}
	return out
}

// VitalSign computes one vital sign of the overview (VitalSigns lists
// them); ok is false when nothing is stored for it. today is the UTC date
// the data age is counted to; nil leaves the age out.
func VitalSign(ctx context.Context, st Store, ref catalog.Ref, today *obs.Date) (Sign, bool, error) {
	se, src, err := st.SeriesByID(ctx, ref.Dataset.ID, ref.Indicator.ID, "")
	if errors.Is(err, store.ErrNotFound) || (err == nil && len(se.Points) == 0) {
		return Sign{}, false, nil
	}
	if err != nil {
		return Sign{}, false, err
	}
	last := se.Points[len(se.Points)-1]
	sg := Sign{Indicator: ref.Indicator.ID, Title: ref.Indicator.Title, Unit: se.Unit, UnitText: present.Unit(se.Unit),
		Frequency: se.Frequency, Latest: present.Point{Date: last.Date.Format(se.Frequency), Value: last.Value},
		Source: present.NewSource(src), Producer: ref.Dataset.Producer, Licence: ref.Dataset.Licence}
	WithAge(&sg, last.Date, today)
	sg.SourceLine = present.SourceLine(ref.Dataset.Title, sg.Source)
	if se.Frequency == obs.Irregular {
		rise, err := riseOf(se.Points)
		if err != nil {
			return sg, false, err
		}
		sg.Rise = rise
		return sg, true, nil
	}
	if ref.Indicator.Baseline != "" {
		sg.Anomaly = &Anomaly{Value: last.Value, Baseline: ref.Indicator.Baseline, Basis: "published anomaly"}
	} else {
		// The anomaly is the one the anomalies question gives for the latest
		// date: the producer's baseline and day-of-year convention
		// (DefaultBaseline, DefaultConvention) and the one
		// climatology definition, so NSIDC sea ice departs from NSIDC's own
		// 1981-2010 climatology.
		l := Loaded{Ref: ref, Series: se, Source: src}
		b := DefaultBaseline(ref)
		if c, err := ClimatologyOf(l, b, DefaultConvention(ref), analysis.Smoothing{}); err == nil {
			slot := c.Slots[c.Convention.Slot(last.Date)]
			if an := AnomalyPoints(l, c, analysis.Smoothing{}); slot.N > 0 && len(an) > 0 && an[len(an)-1].Date == last.Date {
				// A baseline the data only partly cover is named by the
				// years used ("2001–2020, 20 of 30 years").
				sg.Anomaly = &Anomaly{Value: an[len(an)-1].Value, Baseline: CoverageOf(l, b).Label, Basis: "climatology", Years: slot.N}
			}
		} else if !IsNoData(err) {
			return sg, false, err
		}
	}
	kind := analysis.Max
	switch ref.Indicator.Direction {
	case catalog.Low:
		kind = analysis.Min
	case catalog.Both:
		if sg.Anomaly != nil && sg.Anomaly.Value < 0 {
			kind = analysis.Min
		}
	}
	// The rank is the records question's (RecordOn), so the card and
	// /api/records?on=<latest> agree.
	l := Loaded{Ref: ref, Series: se, Source: src}
	if sg.Spark, err = SparkOf(l); err != nil {
		return sg, false, err
	}
	prec, err := PrecisionOf(ctx, st, l)
	if err != nil {
		return sg, false, err
	}
	rec, err := RecordOnAt(l, prec, last.Date, kind)
	if err != nil {
		return sg, false, err
	}
	sg.Record = &rec
	if ref.Indicator.Seasonal {
		sg.Season = SeasonOf(rec.Date)
	}
	if se.Frequency == obs.Annual {
		if n := len(se.Points); n >= 2 {
			prev := se.Points[n-2]
			sg.Change = &Change{Value: round6(last.Value - prev.Value),
				Previous: present.Point{Date: prev.Date.Format(se.Frequency), Value: prev.Value}}
		}
		if txt := annualRecordSentence(rec); txt != "" {
			sg.Sentence = &txt
		}
	} else if txt := present.RecordSentence(rec, present.SentenceStyle{Resolution: ref.Indicator.Resolution, Seasonal: ref.Indicator.Seasonal}); txt != "" {
		sg.Sentence = &txt
	}
	return sg, true, nil
}

// annualRecordSentence states an annual record in words ("Highest year on
// record: 50.97 10²² J, previous record 2024"), or "" when rec is not a
// record. present.RecordSentence would name a day of the year.
func annualRecordSentence(rec analysis.OnResult) string {
	if !rec.RecordForDate {
		return ""
	}
	word := "Highest"
	if rec.Kind == analysis.Min {
		word = "Lowest"
	}
	res := 0.0
	if rec.Comparison != nil {
		res = rec.Comparison.Resolution
	}
	v := present.Round2(rec.Value)
	if res > 0 {
		v = analysis.Format(rec.Value, res)
	}
	s := fmt.Sprintf("%s year on record: %s %s", word, v, present.Unit(rec.Unit))
	if rec.PreviousForDate != nil {
		s += ", previous record " + rec.PreviousForDate.Date
		s += present.VerdictClause(rec.Comparison, rec.PreviousForDate.Date, rec.Unit)
	}
	return s
}

// riseOf computes the Rise of an irregular series (sorted points): from the
// first calendar year that the series covers from January (the year of the
// first point when it falls in January, else the next one) to the 365 days
// ending on the latest point. It returns nil when the series is shorter
// than two such years.
func riseOf(pts []obs.Point) (*Rise, error) {
	first, last := pts[0].Date, pts[len(pts)-1].Date
	since := first.Year()
	if first.Month() != 1 {
		since++
	}
	var base, recent []float64
	for _, p := range pts {
		if p.Date.Year() == since {
			base = append(base, p.Value)
		}
		if p.Date > last-365 {
			recent = append(recent, p.Value)
		}
	}
	if len(base) == 0 || last.Year() <= since+1 {
		return nil, nil
	}
	tr, err := analysis.Trend(pts)
	if err != nil {
		if errors.Is(err, analysis.ErrNoData) {
			return nil, nil
		}
		return nil, err
	}
	return &Rise{Since: fmt.Sprint(since), Value: round6(analysis.Mean(recent) - analysis.Mean(base)),
		PerDecade: tr.OLSPerDecade, From: tr.From, To: tr.To,
		Basis: fmt.Sprintf("mean of the values in the 365 days to %s minus the mean of %d; trend: least squares over every value", last, since)}, nil
}

// WithAge sets the data age of a sign whose latest value is dated last,
// counted to today (nil leaves it out). An annual value covers its whole
// year: its age counts from 31 December, as the dashboard counts it.
func WithAge(sg *Sign, last obs.Date, today *obs.Date) {
	if today == nil {
		sg.DataAgeDays = nil
		return
	}
	from := last
	if sg.Frequency == obs.Annual {
		from = obs.NewDate(last.Year(), 12, 31)
	}
	age := max(0, int(*today-from))
	sg.DataAgeDays = &age
}

// NewOverview assembles the overview of data version dataVersion from its
// signs, in VitalSigns order (ok false: nothing stored, left out). today
// nil leaves the date out, for answers cached as immutable.
func NewOverview(dataVersion string, today *obs.Date, signs []Sign, ok []bool) Overview {
	out := Overview{DataVersion: dataVersion, Signs: []Sign{}, Irregular: []Sign{}}
	if today != nil {
		out.Today = today.String()
	}
	for i, sg := range signs {
		switch {
		case !ok[i]:
		case sg.Frequency == obs.Irregular:
			out.Irregular = append(out.Irregular, sg)
		default:
			out.Signs = append(out.Signs, sg)
		}
	}
	return out
}
