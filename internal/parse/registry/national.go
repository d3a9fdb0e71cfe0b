package registry

import (
	"github.com/stocktake/stocktake/internal/parse/gfw"
	"github.com/stocktake/stocktake/internal/parse/owid"
)

// init registers the parsers of the national (per-country) datasets declared
// in internal/catalog/national.go: Our World in Data grapher CSVs (and their
// .metadata.json files) and Global Forest Watch country CSVs.
func init() {
	formats["owid-grapher-csv"] = owid.Parse
	formats["gfw-country-csv"] = gfw.Parse
}
