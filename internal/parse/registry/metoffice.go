package registry

import "github.com/stocktake/stocktake/internal/parse/metoffice"

// init registers the Met Office HadCRUT5 summary series parser (catalog
// dataset metoffice-hadcrut5-monthly). It lives in its own file so that the
// registration is one line that merges cleanly with the formats table.
func init() { formats["metoffice-hadcrut5-csv"] = metoffice.Parse }
