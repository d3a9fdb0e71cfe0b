package alerts

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
)

// shortNames are the names events use for the vital signs; other
// indicators use their catalog title.
var shortNames = map[string]string{
	"sst.world":      "Global SST",
	"sst.natlan":     "North Atlantic SST",
	"sst.nino34":     "Niño 3.4 SST",
	"t2m.world":      "Global air temperature",
	"seaice.north":   "Arctic sea-ice extent",
	"seaice.south":   "Antarctic sea-ice extent",
	"gmst.noaa":      "Global temperature anomaly (NOAA)",
	"gmst.gistemp":   "Global temperature anomaly (GISTEMP)",
	"gmst.hadcrut5":  "Global temperature anomaly (HadCRUT5)",
	"co2.mlo":        "CO2 at Mauna Loa",
	"co2.mlo.weekly": "CO2 at Mauna Loa (weekly)",
	"ch4.global":     "Global CH4",
	"n2o.global":     "Global N2O",
}

// Name returns the human name of an indicator.
func Name(indicator string) string {
	if n, ok := shortNames[indicator]; ok {
		return n
	}
	if r, err := catalog.Resolve(indicator); err == nil && r.Indicator.Title != "" {
		t := r.Indicator.Title
		return strings.ToUpper(t[:1]) + t[1:]
	}
	return indicator
}

// Unit formatting. Values are written with a precision per unit: 2 decimals
// for °C and million km² (as NSIDC and Climate Reanalyzer announce them) and
// ppm, 1 decimal for ppb, mm, 10²² J, %, GW and TWh; tonnes and hectares are
// written with 3 significant digits and a word for the power of ten
// ("11.9 billion t"). Margins get one more decimal than values, so a record
// won by less than the displayed precision still shows how much it won by.
var unitText = map[string]string{
	"degC":      "°C",
	"10^6 km^2": "million km²",
	"10^22 J":   "×10²² J",
}

var unitDecimals = map[string]int{
	"degC": 2, "10^6 km^2": 2, "ppm": 2, "ppb": 1, "mm": 1, "10^22 J": 1, "%": 1, "GW": 1, "TWh": 1,
}

// FormatValue writes v with its unit, e.g. "21.00 °C", "1.79 million km²".
func FormatValue(v float64, unit string) string { return formatValue(v, unit, 0) }

func formatValue(v float64, unit string, extra int) string {
	u := unitText[unit]
	if u == "" {
		u = unit
	}
	dec, ok := unitDecimals[unit]
	if !ok {
		a := math.Abs(v)
		for _, s := range []struct {
			f    float64
			word string
		}{{1e9, "billion"}, {1e6, "million"}, {1e3, "thousand"}} {
			if a >= s.f {
				return strconv.FormatFloat(v/s.f, 'f', sigDecimals(a/s.f, 3)+extra, 64) + " " + s.word + " " + u
			}
		}
		dec = sigDecimals(a, 3)
	}
	if u == "%" {
		return strconv.FormatFloat(v, 'f', dec+extra, 64) + "%"
	}
	return strconv.FormatFloat(v, 'f', dec+extra, 64) + " " + u
}

// formatMargin writes a margin with one decimal more than values, or more
// when needed to show its first significant digit. A margin between two
// values in percent is a difference of percentages: it is written in
// percentage points ("3.30 percentage points"), never as "3.30%", which
// would read as a relative change.
func formatMargin(m float64, unit string) string {
	dec, ok := unitDecimals[unit]
	var s string
	if !ok || math.Abs(m) >= 1000 {
		s = formatValue(m, unit, 1)
	} else {
		need := sigDecimals(math.Abs(m), 1)
		s = formatValue(m, unit, max(1, need-dec))
	}
	if unit == "%" {
		s = strings.TrimSuffix(s, "%") + " percentage points"
	}
	return s
}

// sigDecimals is the number of decimals that writes a (>= 0) with n
// significant digits.
func sigDecimals(a float64, n int) int {
	if a == 0 {
		return 0
	}
	d := n - 1 - int(math.Floor(math.Log10(a)))
	return max(d, 0)
}

// humanDate writes d as "16 March 2023".
func humanDate(d obs.Date) string {
	y, m, day := d.YMD()
	return fmt.Sprintf("%d %s %d", day, monthName(m), y)
}

func monthName(m int) string {
	return [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
		"November", "December"}[m-1]
}

// humanPeriod writes a date at the resolution of an event: "16 March 2023",
// "March 2023" or "2023".
func humanPeriod(k Kind, f obs.Frequency, date string) string {
	d, err := obs.ParseDate(date)
	if err != nil {
		return date
	}
	switch {
	case k == MonthRec || f == obs.Monthly:
		return monthName(d.Month()) + " " + strconv.Itoa(d.Year())
	case f == obs.Annual:
		return strconv.Itoa(d.Year())
	}
	return humanDate(d)
}

// seasonPeriod writes the date of a three-month season (dated by its
// centre month) as "MJJ 2026".
func seasonPeriod(date string) string {
	d, err := obs.ParseDate(date)
	if err != nil {
		return date
	}
	return analysis.FormatSeason(d)
}

// ordinal writes n as an English ordinal (1st, 2nd, 3rd, 4th, 11th, 21st...).
func ordinal(n int) string { return i18n.Ordinal(i18n.En, n) }

// valueAt writes v with its unit at resolution res (analysis.Format) when
// res is known, as FormatValue otherwise.
func valueAt(v, res float64, unit string) string {
	if res <= 0 {
		return FormatValue(v, unit)
	}
	u := unitText[unit]
	if u == "" {
		u = unit
	}
	if u == "%" {
		return analysis.Format(v, res) + "%"
	}
	return analysis.Format(v, res) + " " + u
}

// distinct returns the number of extra decimals (0..4) that FormatValue
// needs to write a and b as different numbers, for values without a
// published resolution (national series with floating-point noise): a
// sentence never shows a record as two equal numbers.
func distinct(a, b float64, unit string) int {
	for extra := 0; extra < 4; extra++ {
		if formatValue(a, unit, extra) != formatValue(b, unit, extra) {
			return extra
		}
	}
	return 4
}

// Sentence writes the event for people, from its data alone, e.g.
// "Global SST 21.00 °C on 16 March 2023 — highest on record, previous
// 20.99 °C on 6 March 2016 (by 0.013 °C)." Retracted events say so first.
func Sentence(e Event) string {
	if IsThresholdKind(e.Kind) {
		return thresholdSentence(e) // thresholds.go
	}
	name := Name(e.Indicator)
	if e.Entity != "" {
		name += ", " + national.Name(e.Entity)
	}
	high, most := "highest", "maximum"
	if e.Direction == "min" {
		high, most = "lowest", "minimum"
	}
	when := humanPeriod(e.Kind, e.Frequency, e.Date)
	on := "on " + when
	if e.Kind == MonthRec || e.Frequency == obs.Monthly || e.Frequency == obs.Annual {
		on = "in " + when
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
			return valueAt(v, res, e.Unit)
		}
		return formatValue(v, e.Unit, extra)
	}
	seasonal := ind.Seasonal && (e.Frequency == obs.Monthly)
	if seasonal {
		// A three-month season is named by its season, not its centre
		// month: the ONI value dated June 2026 is "MJJ 2026".
		when = seasonPeriod(e.Date)
		on = "in " + when
	}
	val := fv(e.Value)
	if e.Smoothing != "" && e.Smoothing != "none" {
		val += " (" + strings.TrimSuffix(e.Smoothing, "d") + "-day mean)"
	}
	prev := func() string {
		if e.Previous == nil {
			return ""
		}
		p := humanPeriod(e.Kind, e.Frequency, e.Previous.Date)
		if seasonal {
			p = seasonPeriod(e.Previous.Date)
		}
		s := ", previous " + fv(e.Previous.Value) + " on " + p
		if e.Kind == MonthRec || e.Frequency == obs.Monthly || e.Frequency == obs.Annual {
			s = ", previous " + fv(e.Previous.Value) + " in " + p
		}
		if e.Margin != nil {
			if res > 0 {
				s += " (by " + valueAt(*e.Margin, res, e.Unit) + ")"
			} else {
				s += " (by " + formatMargin(*e.Margin, e.Unit) + ")"
			}
		}
		if c := e.Comparison; c != nil && c.Verdict == analysis.VerdictIndistinguishable {
			s += "; not statistically distinguishable from " + p
			if c.Uncertainty95 != nil && c.PreviousUncertainty95 != nil {
				s += fmt.Sprintf(" (%s ± %s vs %s ± %s, 95%%)", analysis.Format(c.Value, res), analysis.Format(*c.Uncertainty95, res),
					analysis.Format(c.Previous, res), valueAt(*c.PreviousUncertainty95, res, e.Unit))
			}
		}
		return s
	}
	var s string
	switch e.Kind {
	case AllTime:
		s = fmt.Sprintf("%s %s %s — %s on record%s.", name, val, on, high, prev())
	case DayRecord:
		d, _ := obs.ParseDate(e.Date)
		_, m, day := d.YMD()
		s = fmt.Sprintf("%s %s %s — %s for %d %s on record%s.", name, val, on, high, day, monthName(m), prev())
	case MonthRec:
		what := "averaged " + val
		if e.Frequency == obs.Monthly {
			what = val
		}
		d, _ := obs.ParseDate(e.Date + "-01")
		period := monthName(d.Month())
		if seasonal {
			period = analysis.SeasonLabel(d.Month())
		}
		s = fmt.Sprintf("%s %s %s — %s %s on record%s.", name, what, on, high, period, prev())
	case Streak:
		unit := "day"
		if e.Frequency == obs.Monthly {
			unit = "month"
		}
		from := ""
		if e.Streak != nil {
			from = " (since " + humanPeriod(e.Kind, e.Frequency, e.Streak.From) + ")"
		}
		n := 0
		if e.Streak != nil {
			n = e.Streak.Len
		}
		s = fmt.Sprintf("%s set a record %s for the date for the %s consecutive %s %s%s", name, map[string]string{"max": "high", "min": "low"}[e.Direction], ordinal(n), unit, on, from)
		if e.Frequency == obs.Monthly {
			s = fmt.Sprintf("%s set a record %s for the month for the %s consecutive month %s%s", name, map[string]string{"max": "high", "min": "low"}[e.Direction], ordinal(n), on, from)
		}
		if e.Previous != nil {
			s += fmt.Sprintf("; longest earlier run: %d %ss, ending %s", int(e.Previous.Value), unit, humanPeriod(e.Kind, e.Frequency, e.Previous.Date))
		}
		s += "."
	case YearExtrem:
		d, _ := obs.ParseDate(e.Date)
		s = fmt.Sprintf("%s reached its %d %s, %s %s", name, d.Year(), most, val, on)
		opp := "lowest"
		if e.Direction == "min" {
			opp = "highest"
		}
		switch {
		case e.Record:
			s += fmt.Sprintf(" — %s annual %s on record%s.", high, most, prev())
		case e.RecordOpposite:
			s += fmt.Sprintf(" — %s annual %s on record.", opp, most)
		case e.Years > 1:
			// The nearer end of the ranking: "2nd lowest annual maximum of
			// 46 years", not "45th highest" (the rank from the other end is
			// Years-Rank+1 when no earlier year ties at the resolution).
			hi, lo := e.Rank, e.Years-e.Rank+1
			if e.Direction == "min" {
				hi, lo = lo, hi
			}
			s += fmt.Sprintf(" — %s annual %s of %d years.", analysis.NaturalOrdinal(hi, lo), most, e.Years)
		default:
			s += "."
		}
	default:
		s = fmt.Sprintf("%s %s %s (%s %s).", name, val, on, e.Kind, e.Direction)
	}
	if e.Retracted {
		if e.RetractionReason == "superseded" {
			return "Superseded: " + s
		}
		return "Retracted after a data revision: " + s
	}
	return s
}
