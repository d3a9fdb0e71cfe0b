// Package goals measures the goals of the first Global Stocktake (decision
// 1/CMA.5, COP28) and the Global Methane Pledge against the national data
// of the store, and counts down the remaining carbon budget.
//
// The goals and budgets live in the embedded registry goals.yaml, checked
// against its schema when loaded. For each goal Assess computes the
// required path from the baseline to the target (linear or compound), the
// actual values, the gap in the latest year, the year the current trend
// reaches the target ("never at this rate" when it moves away), and how
// much of the change since the baseline China, the United States, the
// European Union and India account for. Functions are pure: the caller
// passes the series (store.AllSeries or parsed files).
package goals

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/national"
	"gopkg.in/yaml.v3"
)

//go:embed goals.yaml
var goalsYAML []byte

// Registry is the goals registry file (goals.yaml).
type Registry struct {
	Schema  int      `yaml:"schema" json:"schema"`
	Budgets []Budget `yaml:"budgets" json:"budgets"`
	Goals   []Goal   `yaml:"goals" json:"goals"`
}

// Goal is one goal with the decision that sets it and how the data measure
// it; goals.yaml documents every field.
type Goal struct {
	ID           string   `yaml:"id" json:"id"`
	Title        string   `yaml:"title" json:"title"`
	Decision     string   `yaml:"decision" json:"decision"`
	Paragraph    string   `yaml:"paragraph" json:"paragraph,omitempty"`
	Text         string   `yaml:"text" json:"text"`
	Baseline     Baseline `yaml:"baseline" json:"baseline"`
	Target       Target   `yaml:"target" json:"target"`
	Path         PathKind `yaml:"path" json:"path"`
	Indicators   []string `yaml:"indicators" json:"indicators"`
	World        string   `yaml:"world" json:"world"`
	WorldFrom    string   `yaml:"world_from" json:"world_from"`
	Contributors []string `yaml:"contributors" json:"contributors"`
	Contribution string   `yaml:"contribution" json:"contribution"`
	Coverage     string   `yaml:"coverage" json:"coverage"`
	Caveat       string   `yaml:"caveat" json:"caveat,omitempty"`
	Source       Source   `yaml:"source" json:"source"`
}

// Baseline is the start of a goal's path: the value of Year, or the mean of
// AverageFrom..Year when AverageFrom is set.
type Baseline struct {
	Year        int `yaml:"year" json:"year"`
	AverageFrom int `yaml:"average_from" json:"average_from,omitempty"`
}

// Target kinds.
const (
	Multiple     = "multiple"      // Value times the baseline
	ReductionPct = "reduction-pct" // Value percent below the baseline
	Zero         = "zero"          // down to zero
	Decrease     = "decrease"      // a direction without a figure
)

// Target is what the goal asks for by Year.
type Target struct {
	Year  int     `yaml:"year" json:"year"`
	Kind  string  `yaml:"kind" json:"kind"`
	Value float64 `yaml:"value" json:"value,omitempty"`
}

// Source is the document a goal or budget is taken from.
type Source struct {
	Title     string `yaml:"title" json:"title"`
	Publisher string `yaml:"publisher" json:"publisher"`
	Date      string `yaml:"date" json:"date"`
	URL       string `yaml:"url" json:"url"`
}

// Budget is a published remaining carbon budget: GtCO2 that may still be
// emitted from 1 January of StartYear for a LikelihoodPct chance of
// limiting warming to WarmingC.
type Budget struct {
	ID            string  `yaml:"id" json:"id"`
	Title         string  `yaml:"title" json:"title"`
	GtCO2         float64 `yaml:"gtco2" json:"gtco2"`
	StartYear     int     `yaml:"start_year" json:"start_year"`
	LikelihoodPct int     `yaml:"likelihood_pct" json:"likelihood_pct"`
	WarmingC      float64 `yaml:"warming_c" json:"warming_c"`
	Covers        string  `yaml:"covers" json:"covers"`
	Default       bool    `yaml:"default" json:"default"`
	Source        Source  `yaml:"source" json:"source"`
}

// Enumerations of the registry schema.
var (
	targetKinds   = []string{Multiple, ReductionPct, Zero, Decrease}
	pathKinds     = []string{string(Linear), string(Compound)}
	worldFroms    = []string{"row", "sum"}
	contributions = []string{"share-of-change", "own-change"}
	coverages     = []string{"direct", "proxy"}
	idPattern     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	datePattern   = regexp.MustCompile(`^\d{4}-\d{2}(-\d{2})?$`)
)

// Load returns the embedded registry, validated.
func Load() (*Registry, error) { return LoadRegistry("goals.yaml", goalsYAML) }

// LoadRegistry decodes and validates a goals registry. Decoding is strict:
// unknown keys are errors. The error names the file, the entry (by index and
// id) and the field at fault.
func LoadRegistry(name string, data []byte) (*Registry, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var reg Registry
	if err := dec.Decode(&reg); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty goals registry", name)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if err := reg.validate(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return &reg, nil
}

// Goal returns the goal with the given id.
func (r *Registry) Goal(id string) (Goal, bool) {
	for _, g := range r.Goals {
		if g.ID == id {
			return g, true
		}
	}
	return Goal{}, false
}

// Budget returns the budget with the given id, or the default budget when
// id is "".
func (r *Registry) Budget(id string) (Budget, bool) {
	for _, b := range r.Budgets {
		if b.ID == id || (id == "" && b.Default) {
			return b, true
		}
	}
	return Budget{}, false
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func checkSource(s Source, bad func(field, format string, args ...any) error) error {
	for f, v := range map[string]string{"source.title": s.Title, "source.publisher": s.Publisher, "source.date": s.Date, "source.url": s.URL} {
		if strings.TrimSpace(v) == "" {
			return bad(f, "required")
		}
	}
	if !datePattern.MatchString(s.Date) {
		return bad("source.date", "%q: expected YYYY-MM-DD or YYYY-MM", s.Date)
	}
	if !strings.HasPrefix(s.URL, "https://") && !strings.HasPrefix(s.URL, "http://") {
		return bad("source.url", "%q: expected an http(s) address", s.URL)
	}
	return nil
}

// validate checks the registry against its schema (see goals.yaml).
func (r *Registry) validate() error {
	if r.Schema != 1 {
		return fmt.Errorf("schema: expected 1, got %d", r.Schema)
	}
	if len(r.Goals) == 0 {
		return errors.New("goals: expected at least one goal")
	}
	if len(r.Budgets) == 0 {
		return errors.New("budgets: expected at least one budget")
	}
	ids := map[string]bool{}
	defaults := 0
	for i, b := range r.Budgets {
		at := fmt.Sprintf("budgets[%d]", i)
		if b.ID != "" {
			at += " (" + b.ID + ")"
		}
		bad := func(field, format string, args ...any) error {
			return fmt.Errorf("%s: %s: %s", at, field, fmt.Sprintf(format, args...))
		}
		if !idPattern.MatchString(b.ID) || ids[b.ID] {
			return bad("id", "%q: expected a unique id of lower-case letters, digits and dashes", b.ID)
		}
		ids[b.ID] = true
		if strings.TrimSpace(b.Title) == "" {
			return bad("title", "required")
		}
		if strings.TrimSpace(b.Covers) == "" {
			return bad("covers", "required: say which CO2 the budget counts")
		}
		if b.GtCO2 <= 0 || b.GtCO2 > 5000 {
			return bad("gtco2", "%g: expected a positive amount of GtCO2", b.GtCO2)
		}
		if b.StartYear < 1850 || b.StartYear > 2100 {
			return bad("start_year", "%d: expected a year between 1850 and 2100", b.StartYear)
		}
		if b.LikelihoodPct <= 0 || b.LikelihoodPct >= 100 {
			return bad("likelihood_pct", "%d: expected a percentage between 0 and 100", b.LikelihoodPct)
		}
		if b.WarmingC <= 0 || b.WarmingC > 5 {
			return bad("warming_c", "%g: expected a warming level in °C", b.WarmingC)
		}
		if b.Default {
			defaults++
		}
		if err := checkSource(b.Source, bad); err != nil {
			return err
		}
	}
	if defaults != 1 {
		return fmt.Errorf("budgets: %d marked default, expected exactly 1", defaults)
	}
	for i, g := range r.Goals {
		at := fmt.Sprintf("goals[%d]", i)
		if g.ID != "" {
			at += " (" + g.ID + ")"
		}
		bad := func(field, format string, args ...any) error {
			return fmt.Errorf("%s: %s: %s", at, field, fmt.Sprintf(format, args...))
		}
		if !idPattern.MatchString(g.ID) || ids[g.ID] {
			return bad("id", "%q: expected a unique id of lower-case letters, digits and dashes", g.ID)
		}
		ids[g.ID] = true
		for f, v := range map[string]string{"title": g.Title, "decision": g.Decision, "text": g.Text, "world": g.World} {
			if strings.TrimSpace(v) == "" {
				return bad(f, "required")
			}
		}
		if g.Paragraph == "" && strings.HasPrefix(g.Decision, "1/CMA") {
			return bad("paragraph", "required for a decision of the CMA")
		}
		if !oneOf(g.Target.Kind, targetKinds) {
			return bad("target.kind", "%q is not one of %s", g.Target.Kind, strings.Join(targetKinds, ", "))
		}
		if !oneOf(string(g.Path), pathKinds) {
			return bad("path", "%q is not one of %s", g.Path, strings.Join(pathKinds, ", "))
		}
		if !oneOf(g.WorldFrom, worldFroms) {
			return bad("world_from", "%q is not one of %s", g.WorldFrom, strings.Join(worldFroms, ", "))
		}
		if !oneOf(g.Contribution, contributions) {
			return bad("contribution", "%q is not one of %s", g.Contribution, strings.Join(contributions, ", "))
		}
		if !oneOf(g.Coverage, coverages) {
			return bad("coverage", "%q is not one of %s", g.Coverage, strings.Join(coverages, ", "))
		}
		if g.Coverage == "proxy" && strings.TrimSpace(g.Caveat) == "" {
			return bad("caveat", "required for a proxy: say what the data cannot measure")
		}
		if g.Baseline.Year < 1990 || g.Baseline.Year >= g.Target.Year || g.Target.Year > 2100 {
			return bad("baseline.year", "%d: expected a year from 1990 before the target year %d (at most 2100)", g.Baseline.Year, g.Target.Year)
		}
		if g.Baseline.AverageFrom != 0 && (g.Baseline.AverageFrom >= g.Baseline.Year || g.Baseline.AverageFrom < 1990) {
			return bad("baseline.average_from", "%d: expected a year before baseline.year %d", g.Baseline.AverageFrom, g.Baseline.Year)
		}
		switch g.Target.Kind {
		case Multiple:
			if g.Target.Value <= 0 || g.Target.Value == 1 {
				return bad("target.value", "%g: a multiple must be positive and not 1", g.Target.Value)
			}
		case ReductionPct:
			if g.Target.Value <= 0 || g.Target.Value > 100 {
				return bad("target.value", "%g: expected a percentage in (0, 100]", g.Target.Value)
			}
		default:
			if g.Target.Value != 0 {
				return bad("target.value", "a %s target takes no value", g.Target.Kind)
			}
		}
		if g.Path == Compound && (g.Target.Kind == Zero || g.Target.Kind == Decrease || (g.Target.Kind == ReductionPct && g.Target.Value == 100)) {
			return bad("path", "a compound path cannot reach zero or follow a target without a figure; use linear")
		}
		if len(g.Indicators) == 0 {
			return bad("indicators", "expected at least one catalog indicator")
		}
		unit := ""
		for j, id := range g.Indicators {
			ref, err := catalog.Resolve(id)
			if err != nil {
				return bad(fmt.Sprintf("indicators[%d]", j), "%v", err)
			}
			if !ref.Indicator.National {
				return bad(fmt.Sprintf("indicators[%d]", j), "%s is not a national indicator", id)
			}
			if unit != "" && ref.Indicator.Unit != unit {
				return bad(fmt.Sprintf("indicators[%d]", j), "unit %s differs from %s: summed indicators need one unit", ref.Indicator.Unit, unit)
			}
			unit = ref.Indicator.Unit
		}
		if (unit == "%") != (g.Contribution == "own-change") {
			return bad("contribution", "%q with unit %s: shares in %% take own-change, amounts take share-of-change", g.Contribution, unit)
		}
		if err := national.CheckCode(g.World); err != nil {
			return bad("world", "%v", err)
		}
		for j, c := range g.Contributors {
			if err := national.CheckCode(c); err != nil {
				return bad(fmt.Sprintf("contributors[%d]", j), "%v", err)
			}
		}
		if err := checkSource(g.Source, bad); err != nil {
			return err
		}
	}
	return nil
}

// EU27 lists the ISO 3166 alpha-3 codes of the 27 member states of the
// European Union (since 1 February 2020). Where a file has no EU row (Global
// Forest Watch), the EU's value is the sum of its members' values.
var EU27 = []string{"AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL",
	"ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE"}

// EUCode is Our World in Data's entity for the 27-member European Union
// ("European Union (27)"), as stocktake stores it.
const EUCode = "OWID_EUROPEAN_UNION_27"
