package parse

import (
	"strings"
	"testing"
)

// TestErrorBounded is finding 5's regression test at the source: a message
// quoting a 50 MB field, and an error built by hand with a huge message and
// path, stay a few hundred bytes, with the line kept.
func TestErrorBounded(t *testing.T) {
	field := strings.Repeat("é", 25<<20) // 50 MB of two-byte runes
	e := Errorf("owid/co2.csv", 7, "column %q: value %q is not a finite number", "co2", field)
	if s := e.Error(); len(s) > 400 || !strings.HasPrefix(s, "owid/co2.csv:7: column \"co2\": value \"") || !strings.Contains(s, "bytes in all]") {
		t.Errorf("Errorf: %d bytes: %.120s", len(s), s)
	}
	raw := &Error{File: strings.Repeat("d/", 1000) + "f.json", Path: "[1]" + field, Msg: field}
	if s := raw.Error(); len(s) > 900 {
		t.Errorf("hand-built error: %d bytes", len(s))
	}
	if got := Limit("abc", 3); got != "abc" {
		t.Errorf("Limit kept %q", got)
	}
	if got := Limit("éé", 3); got != "é… [cut: 4 bytes in all]" {
		t.Errorf("Limit cut inside a rune: %q", got)
	}
}
