package i18n

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// glossaryJSON is the reviewed glossary: every term the server writes in
// more than one language, with the reason for each rendering.
//
//go:embed glossary.json
var glossaryJSON []byte

// Term is one glossary entry. ID names it: "indicator:<catalog id>" for an
// indicator's name, "unit:<catalog unit>" for a unit, "kind:<event kind>"
// for a kind of record event, "entity:<code>" for an aggregate that CLDR
// does not name, and "term:<word>" for a scientific or interface term. En,
// ZhHant and ZhHans are its renderings; Note says why a rendering was
// chosen and where it comes from (the Central Weather Administration
// (Taiwan), the China Meteorological Administration, the Chinese Summary for
// Policymakers of IPCC AR6, ...).
type Term struct {
	ID     string `json:"id"`
	En     string `json:"en"`
	ZhHant string `json:"zh-Hant"`
	ZhHans string `json:"zh-Hans"`
	Note   string `json:"note"`
}

// In returns the term's rendering in l.
func (t Term) In(l Lang) string { return pick(l, t.En, t.ZhHant, t.ZhHans) }

// Glossary is the body of GET /api/glossary: the terms in file order and
// the sources the renderings were checked against, in English (Source) and
// in the other languages (Sources).
type Glossary struct {
	Terms  []Term `json:"terms"`
	Source string `json:"source"`
	// Sources is Source in the other languages (zh-Hant, zh-Hans).
	Sources map[Lang]string `json:"sources"`
}

var (
	glossOnce sync.Once
	gloss     Glossary
	glossByID map[string]Term
	glossErr  error
)

// parseGlossary reads and checks a glossary: every term has an id, all
// three renderings and a note, and no id repeats. Errors name the term by
// its position and id.
func parseGlossary(b []byte) (Glossary, map[string]Term, error) {
	var g Glossary
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return g, nil, fmt.Errorf("glossary.json: %w", err)
	}
	by := make(map[string]Term, len(g.Terms))
	for i, t := range g.Terms {
		for _, f := range []struct{ name, v string }{{"id", t.ID}, {"en", t.En}, {"zh-Hant", t.ZhHant}, {"zh-Hans", t.ZhHans}, {"note", t.Note}} {
			if strings.TrimSpace(f.v) == "" {
				return g, nil, fmt.Errorf("glossary.json: terms[%d] (%q): field %s is empty", i, t.ID, f.name)
			}
		}
		if _, dup := by[t.ID]; dup {
			return g, nil, fmt.Errorf("glossary.json: terms[%d]: id %q repeated", i, t.ID)
		}
		by[t.ID] = t
	}
	for _, l := range []Lang{ZhHant, ZhHans} {
		if strings.TrimSpace(g.Sources[l]) == "" {
			return g, nil, fmt.Errorf("glossary.json: sources: %s is empty (the source note in each language)", l)
		}
	}
	return g, by, nil
}

func loadGlossary() {
	glossOnce.Do(func() { gloss, glossByID, glossErr = parseGlossary(glossaryJSON) })
}

// Terms returns the glossary. The embedded file is checked by the tests,
// so an error here means the binary was built from a broken file; it
// panics then rather than serve half a glossary.
func Terms() Glossary {
	loadGlossary()
	if glossErr != nil {
		panic(glossErr)
	}
	return gloss
}

// Lookup returns the term with the given id.
func Lookup(id string) (Term, bool) {
	loadGlossary()
	t, ok := glossByID[id]
	return t, ok
}

// T returns the rendering in l of the term id, or fallback when the
// glossary has no such term.
func T(l Lang, id, fallback string) string {
	if t, ok := Lookup(id); ok {
		return t.In(l)
	}
	return fallback
}

// IndicatorName is the name of an indicator in l (glossary
// "indicator:<id>"), or english when the glossary has none.
func IndicatorName(l Lang, id, english string) string {
	if l == En {
		return english
	}
	return T(l, "indicator:"+id, english)
}
