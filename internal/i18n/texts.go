package i18n

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// textsJSON holds the reviewed translations of the prose the server sends:
// the catalog's indicator notes, the goals' and budgets' texts and the
// pledges' texts (see the file's "about").
//
//go:embed texts.json
var textsJSON []byte

// TextEntry is one reviewed translation. Keys name the source texts it
// translates ("note:<dataset>/<indicator>", "goal:<id>:text",
// "pledge:<id>:measures[0].caveat", ...; several keys when the same English
// is used in several places). En is a copy of the English source text: a
// translation whose En differs from the source is stale and is not used.
type TextEntry struct {
	Keys   []string `json:"keys"`
	En     string   `json:"en"`
	ZhHant string   `json:"zh-Hant"`
	ZhHans string   `json:"zh-Hans"`
}

// In returns the entry's rendering in l.
func (e TextEntry) In(l Lang) string { return pick(l, e.En, e.ZhHant, e.ZhHans) }

type textsFile struct {
	About string      `json:"about"`
	Texts []TextEntry `json:"texts"`
}

var (
	textsOnce  sync.Once
	textsList  []TextEntry
	textsByKey map[string]TextEntry
	textsErr   error
)

// parseTexts reads and checks a translations file: every entry has at
// least one key, all three renderings, and no key repeats. Errors name the
// entry by its position and first key.
func parseTexts(b []byte) ([]TextEntry, map[string]TextEntry, error) {
	var f textsFile
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, nil, fmt.Errorf("texts.json: %w", err)
	}
	by := map[string]TextEntry{}
	for i, e := range f.Texts {
		if len(e.Keys) == 0 {
			return nil, nil, fmt.Errorf("texts.json: texts[%d]: no keys", i)
		}
		for _, fld := range []struct{ name, v string }{{"en", e.En}, {"zh-Hant", e.ZhHant}, {"zh-Hans", e.ZhHans}} {
			if strings.TrimSpace(fld.v) == "" {
				return nil, nil, fmt.Errorf("texts.json: texts[%d] (%q): field %s is empty", i, e.Keys[0], fld.name)
			}
		}
		for _, k := range e.Keys {
			if strings.TrimSpace(k) == "" {
				return nil, nil, fmt.Errorf("texts.json: texts[%d] (%q): empty key", i, e.Keys[0])
			}
			if _, dup := by[k]; dup {
				return nil, nil, fmt.Errorf("texts.json: texts[%d]: key %q repeated", i, k)
			}
			by[k] = e
		}
	}
	return f.Texts, by, nil
}

func loadTexts() {
	textsOnce.Do(func() { textsList, textsByKey, textsErr = parseTexts(textsJSON) })
}

// Texts returns the entries of texts.json in file order. The embedded file
// is checked by the tests, so an error here means the binary was built
// from a broken file; it panics then.
func Texts() []TextEntry {
	loadTexts()
	if textsErr != nil {
		panic(textsErr)
	}
	return textsList
}

// LookupText returns the entry that translates the source text key.
func LookupText(key string) (TextEntry, bool) {
	loadTexts()
	e, ok := textsByKey[key]
	return e, ok
}

// Text returns the source text key, whose current English is en, in l: en
// itself for English, and when texts.json has no entry for key or the
// entry's English is not en (a stale translation is never shown: the
// English is the text of record); the reviewed translation otherwise.
func Text(l Lang, key, en string) string {
	if !l.Chinese() || en == "" {
		return en
	}
	e, ok := LookupText(key)
	if !ok || e.En != en {
		return en
	}
	return e.In(l)
}
