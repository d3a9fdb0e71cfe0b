// Package registry maps catalog format names (catalog.Dataset.Format) to the
// parsers that read them.
//
// The map is filled where it is declared for the vital-sign formats; other
// files of this package may add formats from their init functions (package
// variables are initialised before any init runs, so the map is ready).
// Lookups happen after initialisation and only read the map, so no lock is
// needed.
package registry

import (
	"sort"

	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/cag"
	"github.com/stocktake/stocktake/internal/parse/cpconi"
	"github.com/stocktake/stocktake/internal/parse/cugmsl"
	"github.com/stocktake/stocktake/internal/parse/datahub"
	"github.com/stocktake/stocktake/internal/parse/gistemp"
	"github.com/stocktake/stocktake/internal/parse/gml"
	"github.com/stocktake/stocktake/internal/parse/jma"
	"github.com/stocktake/stocktake/internal/parse/nsidc"
	"github.com/stocktake/stocktake/internal/parse/reanalyzer"
)

// formats maps a catalog format name to its parser.
var formats = map[string]parse.Func{
	"nsidc-extent-csv": nsidc.Parse,
	"reanalyzer-json":  reanalyzer.Parse,
	"gml-monthly":      gml.Parse,
	"gml-weekly":       gml.ParseWeekly,
	"cag-json":         cag.Parse,
	"gistemp-csv":      gistemp.Parse,
	"datahub-temp-csv": datahub.Parse,
	"jma-ohc":          jma.Parse,
	"cu-gmsl":          cugmsl.Parse,
	"cpc-oni":          cpconi.Parse,
}

// Lookup returns the parser for a catalog format name.
func Lookup(format string) (parse.Func, bool) {
	f, ok := formats[format]
	return f, ok
}

// Formats returns every registered format name, sorted.
func Formats() []string {
	out := make([]string, 0, len(formats))
	for name := range formats {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
