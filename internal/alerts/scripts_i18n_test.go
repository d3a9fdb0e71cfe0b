package alerts

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/i18n"
)

// TestTemplatesScripts checks that the Chinese templates of the event
// sentences (sentenceTemplates, thresholdTemplates) are each written in
// their own script, with the character tables of the glossary's script
// test (internal/i18n/testdata/scripts.json): no Simplified-only character
// or variant that Taiwan does not write in zh-Hant, no Traditional-only
// character in zh-Hans.
func TestTemplatesScripts(t *testing.T) {
	b, err := os.ReadFile("../i18n/testdata/scripts.json")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		HantOnly  string `json:"hantOnly"`
		HansOnly  string `json:"hansOnly"`
		NotTaiwan string `json:"notTaiwan"`
	}
	if err := json.Unmarshal(b, &st); err != nil || len(st.HansOnly) < 1000 || len(st.HantOnly) < 1000 {
		t.Fatalf("scripts.json: %v (tables of %d and %d bytes)", err, len(st.HantOnly), len(st.HansOnly))
	}
	banned := map[i18n.Lang]string{i18n.ZhHant: st.HansOnly + st.NotTaiwan, i18n.ZhHans: st.HantOnly}
	check := func(l i18n.Lang, name, text string) {
		t.Helper()
		for _, r := range text {
			if strings.ContainsRune(banned[l], r) {
				t.Errorf("%s %s: %q holds %q, a character of the other script", l, name, text, r)
				return
			}
		}
	}
	for _, l := range []i18n.Lang{i18n.ZhHant, i18n.ZhHans} {
		tpl := sentenceTemplates[l]
		if tpl == nil || len(tpl.Templates()) < 5 {
			t.Fatalf("sentenceTemplates[%s]: want at least 5 templates", l)
		}
		for _, x := range tpl.Templates() {
			if x.Tree != nil {
				check(l, "sentence template "+x.Name(), x.Tree.Root.String())
			}
		}
		w := reflect.ValueOf(thresholdTemplates[l])
		for i := 0; i < w.NumField(); i++ {
			check(l, "threshold template "+w.Type().Field(i).Name, w.Field(i).String())
		}
	}
}
