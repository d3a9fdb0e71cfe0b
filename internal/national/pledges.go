package national

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"gopkg.in/yaml.v3"
)

//go:embed pledges.yaml
var pledgesYAML []byte

// Registry is the pledge registry file (pledges.yaml).
type Registry struct {
	Schema  int      `yaml:"schema"`
	Pledges []Pledge `yaml:"pledges"`
}

// Pledge is one commitment with its source and how the data can measure it.
// pledges.yaml documents every field; validate enforces the rules.
type Pledge struct {
	ID                   string    `yaml:"id" json:"id"`
	Entity               string    `yaml:"entity" json:"entity"`
	Participants         []string  `yaml:"participants" json:"participants,omitempty"`
	ParticipantsComplete *bool     `yaml:"participants_complete" json:"participants_complete,omitempty"`
	Title                string    `yaml:"title" json:"title"`
	Kind                 string    `yaml:"kind" json:"kind"`
	Gas                  string    `yaml:"gas" json:"gas"`
	Scope                string    `yaml:"scope" json:"scope"`
	Announced            string    `yaml:"announced" json:"announced"`
	Status               string    `yaml:"status" json:"status"`
	StatusNote           string    `yaml:"status_note" json:"status_note,omitempty"`
	Target               Target    `yaml:"target" json:"target"`
	Source               Source    `yaml:"source" json:"source"`
	Measures             []Measure `yaml:"measures" json:"measures,omitempty"`
	Unmeasurable         string    `yaml:"unmeasurable" json:"unmeasurable,omitempty"`
}

// Target is what a pledge promises. Base is "peak", a year ("2005") or
// "none"; ReductionPct holds one percentage or a [min, max] range below the
// base (100 for neutrality or net zero).
type Target struct {
	Year         int       `yaml:"year" json:"year"`
	When         string    `yaml:"when" json:"when"`
	Base         string    `yaml:"base" json:"base"`
	ReductionPct []float64 `yaml:"reduction_pct" json:"reduction_pct,omitempty"`
}

// BaseYear returns the base year of a target whose Base is a year.
func (t Target) BaseYear() (int, bool) {
	y, err := strconv.Atoi(t.Base)
	return y, err == nil
}

// Source is the document a pledge is taken from.
type Source struct {
	Title     string `yaml:"title" json:"title"`
	Publisher string `yaml:"publisher" json:"publisher"`
	Date      string `yaml:"date" json:"date"`
	URL       string `yaml:"url" json:"url"`
}

// Measure says how one indicator of the store measures a pledge. Coverage
// "direct" means the data measure what was pledged (same gas and scope, up to
// the producer's estimate); "proxy" means a related quantity, and Caveat says
// what the data cannot measure.
type Measure struct {
	Indicator string `yaml:"indicator" json:"indicator"`
	Method    string `yaml:"method" json:"method"`
	Since     int    `yaml:"since" json:"since,omitempty"`
	Coverage  string `yaml:"coverage" json:"coverage"`
	Caveat    string `yaml:"caveat" json:"caveat,omitempty"`
}

// Enumerations of the registry schema.
var (
	pledgeKinds = []string{"peak", "reduction", "neutrality", "net-zero", "control", "plan", "withdrawal"}
	pledgeGases = []string{"co2", "ghg", "net-ghg", "ch4", "coal", "none"}
	statuses    = []string{"active", "withdrawn", "superseded"}
	whens       = []string{"before", "by", "in"}
	methods     = []string{"peak-status", "change-vs-base", "change-vs-peak", "trend-since"}
	coverages   = []string{"direct", "proxy"}
	idPattern   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}(-\d{2})?$`)
)

// Pledges returns the embedded registry, validated.
func Pledges() (*Registry, error) { return LoadRegistry("pledges.yaml", pledgesYAML) }

// LoadRegistry decodes and validates a pledge registry. Decoding is strict:
// unknown keys are errors. The error names the file, the pledge (by index and
// id) and the field at fault.
func LoadRegistry(name string, data []byte) (*Registry, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var reg Registry
	if err := dec.Decode(&reg); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty pledge registry", name)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if err := reg.validate(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return &reg, nil
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// validate checks the registry against its schema (see pledges.yaml).
func (r *Registry) validate() error {
	if r.Schema != 1 {
		return fmt.Errorf("schema: expected 1, got %d", r.Schema)
	}
	if len(r.Pledges) == 0 {
		return fmt.Errorf("pledges: expected at least one pledge")
	}
	ids := map[string]bool{}
	for i, p := range r.Pledges {
		at := fmt.Sprintf("pledges[%d]", i)
		if p.ID != "" {
			at += " (" + p.ID + ")"
		}
		bad := func(field, format string, args ...any) error {
			return fmt.Errorf("%s: %s: %s", at, field, fmt.Sprintf(format, args...))
		}
		enum := func(field, v string, allowed []string) error {
			if !oneOf(v, allowed) {
				return bad(field, "%q is not one of %s", v, strings.Join(allowed, ", "))
			}
			return nil
		}
		required := map[string]string{
			"id": p.ID, "entity": p.Entity, "title": p.Title, "kind": p.Kind, "gas": p.Gas, "scope": p.Scope,
			"announced": p.Announced, "status": p.Status, "target.when": p.Target.When, "target.base": p.Target.Base,
			"source.title": p.Source.Title, "source.publisher": p.Source.Publisher, "source.date": p.Source.Date, "source.url": p.Source.URL,
		}
		for _, f := range []string{"id", "entity", "title", "kind", "gas", "scope", "announced", "status", "target.when", "target.base",
			"source.title", "source.publisher", "source.date", "source.url"} {
			if strings.TrimSpace(required[f]) == "" {
				return bad(f, "required")
			}
		}
		if !idPattern.MatchString(p.ID) {
			return bad("id", "%q: expected lower-case letters, digits and dashes", p.ID)
		}
		if ids[p.ID] {
			return bad("id", "%q repeated", p.ID)
		}
		ids[p.ID] = true
		if err := CheckCode(p.Entity); err != nil {
			return bad("entity", "%v", err)
		}
		for j, c := range p.Participants {
			if err := CheckCode(c); err != nil {
				return bad(fmt.Sprintf("participants[%d]", j), "%v", err)
			}
		}
		if len(p.Participants) > 0 && p.ParticipantsComplete == nil {
			return bad("participants_complete", "required with participants (true or false)")
		}
		for _, e := range []error{
			enum("kind", p.Kind, pledgeKinds), enum("gas", p.Gas, pledgeGases),
			enum("status", p.Status, statuses), enum("target.when", p.Target.When, whens),
		} {
			if e != nil {
				return e
			}
		}
		if p.Status != "active" && strings.TrimSpace(p.StatusNote) == "" {
			return bad("status_note", "required when status is %s", p.Status)
		}
		if !datePattern.MatchString(p.Announced) {
			return bad("announced", "%q: expected YYYY-MM-DD", p.Announced)
		}
		if !datePattern.MatchString(p.Source.Date) {
			return bad("source.date", "%q: expected YYYY-MM-DD or YYYY-MM", p.Source.Date)
		}
		if !strings.HasPrefix(p.Source.URL, "https://") && !strings.HasPrefix(p.Source.URL, "http://") {
			return bad("source.url", "%q: expected an http(s) address", p.Source.URL)
		}
		if p.Target.Year < 1990 || p.Target.Year > 2100 {
			return bad("target.year", "%d: expected a year between 1990 and 2100", p.Target.Year)
		}
		if p.Target.Base != "peak" && p.Target.Base != "none" {
			if y, ok := p.Target.BaseYear(); !ok || y < 1750 || y > p.Target.Year {
				return bad("target.base", "%q: expected \"peak\", \"none\" or a year before the target year", p.Target.Base)
			}
		}
		switch n := len(p.Target.ReductionPct); {
		case n > 2:
			return bad("target.reduction_pct", "expected one value or [min, max]")
		case n == 2 && p.Target.ReductionPct[0] > p.Target.ReductionPct[1]:
			return bad("target.reduction_pct", "min %g is above max %g", p.Target.ReductionPct[0], p.Target.ReductionPct[1])
		case n > 0 && p.Target.Base == "none":
			return bad("target.reduction_pct", "a reduction needs a base (a year or \"peak\")")
		}
		for _, v := range p.Target.ReductionPct {
			if v < 0 || v > 100 {
				return bad("target.reduction_pct", "%g: expected a percentage in [0, 100]", v)
			}
		}
		if len(p.Measures) == 0 && strings.TrimSpace(p.Unmeasurable) == "" {
			return bad("unmeasurable", "required when there are no measures: say why the data cannot measure the pledge")
		}
		for j, m := range p.Measures {
			mf := fmt.Sprintf("measures[%d]", j)
			if _, err := catalog.Resolve(m.Indicator); err != nil {
				return bad(mf+".indicator", "%v", err)
			}
			if err := enum(mf+".method", m.Method, methods); err != nil {
				return err
			}
			if err := enum(mf+".coverage", m.Coverage, coverages); err != nil {
				return err
			}
			if m.Coverage == "proxy" && strings.TrimSpace(m.Caveat) == "" {
				return bad(mf+".caveat", "required for a proxy measure: say what the data cannot measure")
			}
			switch m.Method {
			case "trend-since":
				if m.Since < 1750 || m.Since > p.Target.Year {
					return bad(mf+".since", "trend-since needs a start year, got %d", m.Since)
				}
			case "change-vs-base":
				if _, ok := p.Target.BaseYear(); !ok {
					return bad(mf+".method", "change-vs-base needs target.base to be a year, got %q", p.Target.Base)
				}
			}
		}
	}
	return nil
}

// AppliesTo reports whether a pledge concerns an entity: it is the pledge's
// party or one of the listed participants of a collective pledge.
func (p Pledge) AppliesTo(entity string) bool {
	if p.Entity == entity {
		return true
	}
	for _, c := range p.Participants {
		if c == entity {
			return true
		}
	}
	return false
}

// SeriesKey names one series the progress of a pledge needs.
type SeriesKey struct {
	Indicator string
	Entity    string
}

// Needs lists the series Assess will read for p: each measure's indicator for
// the pledge's entity and, for a collective pledge, for each of focus that is
// a participant.
func (p Pledge) Needs(focus []string) []SeriesKey {
	var out []SeriesKey
	for _, e := range p.measuredEntities(focus) {
		for _, m := range p.Measures {
			out = append(out, SeriesKey{m.Indicator, e})
		}
	}
	return out
}

func (p Pledge) measuredEntities(focus []string) []string {
	out := []string{p.Entity}
	for _, f := range focus {
		if f != p.Entity && p.AppliesTo(f) {
			out = append(out, f)
		}
	}
	return out
}

// Measurement is one measure of one pledge for one entity, in the indicator's
// Unit. For change-vs-base and trend-since, ChangePct is the latest value's
// change from the base (negative = below). For change-vs-peak, ChangePct is
// the change from the maximum (never positive) and Peak holds the details;
// for peak-status only Peak is set. RequiredAnnualPct is the constant annual
// percentage change needed from the latest year to reach the less demanding
// end of the target by the target year (nil when the target is already met,
// is net zero, or has no figure). CAGRPct is the compound annual rate from
// the base year to the latest year. Error is set, and the numbers left empty,
// when the data cannot give the measurement (no series, no base-year value).
type Measurement struct {
	Entity            string      `json:"entity"`
	Name              string      `json:"name"`
	Indicator         string      `json:"indicator"`
	Unit              string      `json:"unit"`
	Method            string      `json:"method"`
	Coverage          string      `json:"coverage"`
	Caveat            string      `json:"caveat,omitempty"`
	BaseYear          *int        `json:"base_year,omitempty"`
	BaseValue         *float64    `json:"base_value,omitempty"`
	LatestYear        int         `json:"latest_year,omitempty"`
	LatestValue       *float64    `json:"latest_value,omitempty"`
	ChangePct         *float64    `json:"change_pct,omitempty"`
	CAGRPct           *float64    `json:"cagr_pct,omitempty"`
	TargetValue       *float64    `json:"target_value,omitempty"`
	RequiredAnnualPct *float64    `json:"required_annual_change_pct,omitempty"`
	Peak              *PeakResult `json:"peak,omitempty"`
	Summary           string      `json:"summary"`
	Error             string      `json:"error,omitempty"`
}

// Progress is a pledge with what the data say about it. Measurable is
// "direct" when some measure is direct, "proxy" when all measures are
// proxies, and "not measurable" when the pledge has no measure.
type Progress struct {
	Pledge       Pledge        `json:"pledge"`
	Measurable   string        `json:"measurable"`
	Measurements []Measurement `json:"measurements"`
}

// Assess computes the progress of p from the series in data (keyed by
// indicator and entity, as listed by p.Needs(focus)). rule decides
// peak-status. It never fails: a measurement the data cannot give carries an
// Error instead.
func Assess(p Pledge, data map[SeriesKey]obs.Series, rule PeakRule, focus []string) Progress {
	pr := Progress{Pledge: p, Measurable: "not measurable"}
	for _, m := range p.Measures {
		if m.Coverage == "direct" {
			pr.Measurable = "direct"
		} else if pr.Measurable != "direct" {
			pr.Measurable = "proxy"
		}
	}
	for _, e := range p.measuredEntities(focus) {
		for _, m := range p.Measures {
			pr.Measurements = append(pr.Measurements, measure(p, m, e, data[SeriesKey{m.Indicator, e}], rule))
		}
	}
	return pr
}

func measure(p Pledge, m Measure, entity string, s obs.Series, rule PeakRule) Measurement {
	out := Measurement{Entity: entity, Name: Name(entity), Indicator: m.Indicator, Unit: s.Unit, Method: m.Method,
		Coverage: m.Coverage, Caveat: m.Caveat}
	fail := func(format string, args ...any) Measurement {
		out.Error = fmt.Sprintf(format, args...)
		out.Summary = "cannot measure: " + out.Error
		return out
	}
	if len(s.Points) == 0 {
		return fail("no %s data for %s in the store (run 'stocktake update')", m.Indicator, entity)
	}
	last := s.Points[len(s.Points)-1]
	out.LatestYear, out.LatestValue = last.Date.Year(), ptr(last.Value)
	vals := yearValues(s)
	target := targetText(p.Target)
	switch m.Method {
	case "peak-status":
		pk, err := Peak(s, rule, 0)
		if err != nil {
			return fail("%v", err)
		}
		out.Peak = &pk
		verdict := "has not peaked by the rule"
		if pk.Peaked {
			verdict = "has peaked by the rule"
		}
		out.Summary = fmt.Sprintf("%s %s: maximum %s %s in %d; %d value %.1f%% below it, %d years later; %s (%s). Pledge: peak %s.",
			entity, m.Indicator, num(pk.PeakValue), s.Unit, pk.PeakYear, pk.LatestYear, pk.BelowPeakPct, pk.YearsSincePeak, verdict, rule, target)
	case "change-vs-peak":
		pk, err := Peak(s, rule, 0)
		if err != nil {
			return fail("%v", err)
		}
		out.Peak = &pk
		out.BaseYear, out.BaseValue = ptr(pk.PeakYear), ptr(pk.PeakValue)
		out.ChangePct = ptr(0 - pk.BelowPeakPct) // 0 - x, not -x: no "-0" at the maximum
		out.setTarget(p.Target, pk.PeakValue, last)
		out.Summary = fmt.Sprintf("%s %s %d: %s %s, %.1f%% below its %d maximum (%s). Pledge: %s.",
			entity, m.Indicator, out.LatestYear, num(last.Value), s.Unit, pk.BelowPeakPct, pk.PeakYear, num(pk.PeakValue), target)
	case "change-vs-base", "trend-since":
		by := m.Since
		if m.Method == "change-vs-base" {
			by, _ = p.Target.BaseYear()
		}
		bv, ok := vals[by]
		if !ok {
			f, l, _ := span(s)
			return fail("%s %s has no value for the base year %d (data cover %d-%d)", entity, m.Indicator, by, f, l)
		}
		out.BaseYear, out.BaseValue = ptr(by), ptr(bv)
		if bv != 0 {
			out.ChangePct = ptr(100 * (last.Value - bv) / bv)
		}
		if n := out.LatestYear - by; n > 0 && bv > 0 && last.Value > 0 {
			out.CAGRPct = ptr(100 * (math.Pow(last.Value/bv, 1/float64(n)) - 1))
		}
		if m.Method == "change-vs-base" {
			out.setTarget(p.Target, bv, last)
		}
		change := "n/a"
		if out.ChangePct != nil {
			change = fmt.Sprintf("%+.1f%%", *out.ChangePct)
		}
		if s.Unit == "%" {
			// A share's change is a difference of percentages: state it in
			// percentage points, with the relative change beside it.
			change = fmt.Sprintf("%+.1f percentage points (%s)", last.Value-bv, change)
		}
		out.Summary = fmt.Sprintf("%s %s %d: %s %s, %s versus %d (%s).", entity, m.Indicator, out.LatestYear, num(last.Value), s.Unit, change, by, num(bv))
		if out.CAGRPct != nil {
			out.Summary += fmt.Sprintf(" Average %+.1f%%/yr.", *out.CAGRPct)
		}
		out.Summary += " Pledge: " + target + "."
	}
	if out.RequiredAnnualPct != nil {
		out.Summary += fmt.Sprintf(" Reaching it needs %+.1f%%/yr from %d to %d.", *out.RequiredAnnualPct, out.LatestYear, p.Target.Year)
	} else if out.TargetValue != nil && last.Value <= *out.TargetValue {
		out.Summary += " The measured value is already at or below the target level."
	}
	if m.Coverage == "proxy" {
		out.Summary += " PROXY: " + m.Caveat
	}
	return out
}

// setTarget fills TargetValue and RequiredAnnualPct for a target of
// ReductionPct below base. The less demanding end of a range is used.
// Targets of 100% (neutrality, net zero) have no finite annual rate.
func (out *Measurement) setTarget(t Target, base float64, last obs.Point) {
	if len(t.ReductionPct) == 0 {
		return
	}
	pct := t.ReductionPct[0]
	tv := base * (1 - pct/100)
	out.TargetValue = ptr(tv)
	years := t.Year - last.Date.Year()
	if pct >= 100 || years <= 0 || last.Value <= 0 || last.Value <= tv {
		return
	}
	out.RequiredAnnualPct = ptr(100 * (math.Pow(tv/last.Value, 1/float64(years)) - 1))
}

// targetText states a target in words: "50-52% below 2005 in 2030".
func targetText(t Target) string {
	var b strings.Builder
	switch len(t.ReductionPct) {
	case 1:
		if t.ReductionPct[0] == 100 {
			b.WriteString("net zero")
		} else {
			fmt.Fprintf(&b, "%g%% below ", t.ReductionPct[0])
		}
	case 2:
		fmt.Fprintf(&b, "%g-%g%% below ", t.ReductionPct[0], t.ReductionPct[1])
	}
	if len(t.ReductionPct) > 0 && !(len(t.ReductionPct) == 1 && t.ReductionPct[0] == 100) {
		if t.Base == "peak" {
			b.WriteString("peak")
		} else {
			b.WriteString(t.Base)
		}
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	fmt.Fprintf(&b, "%s %d", t.When, t.Year)
	return b.String()
}

func num(v float64) string { return FormatValue(v) }

// FormatValue writes a value for people: from 1000 up, rounded to an integer
// with thousands separators (11,902,503,000); below, 4 significant digits.
func FormatValue(v float64) string {
	if math.Abs(v) < 1000 {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	s := strconv.FormatFloat(math.Round(math.Abs(v)), 'f', 0, 64)
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
