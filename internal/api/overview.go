package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// Overview is the body of GET /api/overview: the latest state of every
// stored vital sign (the default dataset of every global daily or monthly
// indicator), in catalog order.
type Overview struct {
	DataVersion string `json:"data_version"`
	// Today is the UTC date the data ages are counted to (YYYY-MM-DD).
	Today string `json:"today"`
	Signs []Sign `json:"signs"`
}

// Anomaly is the latest value's departure from a baseline, in the sign's
// unit. Basis says how it was obtained: "published anomaly" when the
// producer's values are already anomalies against Baseline (NOAA, NASA,
// HadCRUT), or "climatology" when it is the value minus the mean of the same
// calendar day (daily series) or month (monthly series) over Baseline, the
// producer's own reference period (see defaultBaseline). Years is the number
// of baseline years that mean averages (0 for published anomalies).
type Anomaly struct {
	Value    float64 `json:"value"`
	Baseline string  `json:"baseline"`
	Basis    string  `json:"basis"`
	Years    int     `json:"years,omitempty"`
}

// Sign is one vital sign in the overview.
//
// Record is the records engine's answer for the latest date (all data,
// calendar convention): its rank for the date among all years and all-time.
// Its kind is the indicator's direction; for indicators whose records can
// go both ways (sea ice, ENSO) it is min when the anomaly is negative and
// max otherwise. Sentence states the record in words when the latest value
// is a record for its date ("Record low for 21 February: 1.79 million km²,
// previous 2017") and is null otherwise. DataAgeDays is the number of days
// from the latest value's date to today (UTC).
type Sign struct {
	Indicator   string            `json:"indicator"`
	Title       string            `json:"title"`
	Unit        string            `json:"unit"`
	UnitText    string            `json:"unit_text"`
	Frequency   obs.Frequency     `json:"frequency"`
	Latest      present.Point     `json:"latest"`
	Anomaly     *Anomaly          `json:"anomaly"`
	Record      analysis.OnResult `json:"record"`
	Sentence    *string           `json:"sentence"`
	DataAgeDays int               `json:"data_age_days"`
	Source      present.Source    `json:"source"`
	SourceLine  string            `json:"source_line"`
	Producer    string            `json:"producer"`
	Licence     string            `json:"licence"`
}

// vitalSigns lists the overview's indicators: the default dataset of every
// global daily or monthly indicator, in catalog order.
func vitalSigns() []catalog.Ref {
	var out []catalog.Ref
	for _, d := range catalog.Datasets() {
		for _, ind := range d.Indicators {
			if ind.Default && !ind.National && (ind.Frequency == obs.Daily || ind.Frequency == obs.Monthly) {
				out = append(out, catalog.Ref{Indicator: ind, Dataset: d})
			}
		}
	}
	return out
}

// sign computes one vital sign; ok is false when nothing is stored for it.
func (s *Server) sign(ctx context.Context, gc *genCache, ref catalog.Ref, today obs.Date) (Sign, bool, error) {
	se, src, err := gc.loadSeries(ctx, s.st, ref.Dataset.ID, ref.Indicator.ID, "")
	if errors.Is(err, store.ErrNotFound) || (err == nil && len(se.Points) == 0) {
		return Sign{}, false, nil
	}
	if err != nil {
		return Sign{}, false, err
	}
	last := se.Points[len(se.Points)-1]
	sg := Sign{Indicator: ref.Indicator.ID, Title: ref.Indicator.Title, Unit: se.Unit, UnitText: present.Unit(se.Unit),
		Frequency: se.Frequency, Latest: present.Point{Date: last.Date.Format(se.Frequency), Value: last.Value},
		DataAgeDays: int(today - last.Date), Source: present.NewSource(src), Producer: ref.Dataset.Producer, Licence: ref.Dataset.Licence}
	sg.SourceLine = present.SourceLine(ref.Dataset.Title, sg.Source)
	if ref.Indicator.Baseline != "" {
		sg.Anomaly = &Anomaly{Value: last.Value, Baseline: ref.Indicator.Baseline, Basis: "published anomaly"}
	} else {
		b := defaultBaseline(ref)
		opt := analysis.ClimatologyOptions{Baseline: b, Convention: analysis.Calendar}
		if se.Frequency == obs.Daily {
			opt.Fill = 1
		}
		if c, err := analysis.NewClimatology(se, opt); err == nil {
			slot := c.Slots[c.Convention.Slot(last.Date)]
			if slot.N > 0 {
				sg.Anomaly = &Anomaly{Value: roundTo6(last.Value - slot.Mean), Baseline: b.String(), Basis: "climatology", Years: slot.N}
			}
		} else if !errors.Is(err, analysis.ErrNoData) {
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
	rec, err := analysis.RecordOn(se, last.Date, analysis.Options{Kind: kind, Convention: analysis.Calendar})
	if err != nil {
		return sg, false, err
	}
	sg.Record = rec
	if txt := present.RecordSentence(rec); txt != "" {
		sg.Sentence = &txt
	}
	return sg, true, nil
}

// handleOverview answers GET /api/overview (see Overview).
func handleOverview(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	today := obs.FromTime(s.opts.Now())
	out := Overview{DataVersion: gc.version, Today: today.String(), Signs: []Sign{}}
	for _, ref := range vitalSigns() {
		sg, ok, err := s.sign(ctx, gc, ref, today)
		if err != nil {
			return reply{}, err
		}
		if ok {
			out.Signs = append(out.Signs, sg)
		}
	}
	return jsonReply(out)
}
