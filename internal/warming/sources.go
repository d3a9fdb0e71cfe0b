package warming

import (
	"errors"
	"fmt"

	"github.com/stocktake/stocktake/internal/obs"
)

// Source is one global temperature series the warming analysis re-bases to
// 1850-1900 (docs/paris.md, section 1), as the query answers and the
// threshold events both read it.
type Source struct {
	// Key is the name users give (--dataset era5), lower case.
	Key string
	// Label is the producer's name of the dataset, used in statements.
	Label string
	// Indicator is the catalog indicator id of the series.
	Indicator string
	// Datasets are the catalog datasets that hold Indicator, in order of
	// preference: the first one stored is read, the others are fallbacks.
	// For HadCRUT5 the Met Office's own summary CSV comes before the
	// datahub.io mirror copy, which stops in July 2024 and is kept only
	// for stores (such as an offline update from the shared mirror) that
	// do not have the Met Office file.
	Datasets []string
}

// Sources are the series of docs/paris.md, in the order they are reported.
// GISTEMP comes last because the WMO method re-bases it against HadCRUT5
// and NOAAGlobalTemp.
var Sources = []Source{
	{Key: "era5", Label: "ERA5", Indicator: "t2m.world", Datasets: []string{"climate-reanalyzer-t2m.world"}},
	{Key: "hadcrut5", Label: "HadCRUT5", Indicator: "gmst.hadcrut5", Datasets: []string{"metoffice-hadcrut5-monthly", "datahub-global-temp-hadcrut5"}},
	{Key: "noaa", Label: "NOAAGlobalTemp", Indicator: "gmst.noaa", Datasets: []string{"noaa-cag-global-land-ocean"}},
	{Key: "gistemp", Label: "GISTEMP", Indicator: "gmst.gistemp", Datasets: []string{"nasa-gistemp-v4"}},
}

// WMOReferences are the keys of the sources the WMO common-period method
// aligns GISTEMP on.
var WMOReferences = []string{"hadcrut5", "noaa"}

// SourceByKey returns the source with key k.
func SourceByKey(k string) (Source, bool) {
	for _, s := range Sources {
		if s.Key == k {
			return s, true
		}
	}
	return Source{}, false
}

// SourcesOfDataset returns the keys of the sources whose re-based values
// depend on catalog dataset id: the source that reads it and, for the
// WMO references, GISTEMP, whose offset they set.
func SourcesOfDataset(id string) []string {
	var out []string
	ref := false
	for _, s := range Sources {
		for _, d := range s.Datasets {
			if d != id {
				continue
			}
			out = append(out, s.Key)
			for _, r := range WMOReferences {
				ref = ref || r == s.Key
			}
		}
	}
	if ref {
		out = append(out, "gistemp")
	}
	return out
}

// RebaseSources re-bases each series of in (keyed by Source.Key, each the
// stored series of that source's Indicator) by its method: ERA5 by the
// Climate Pulse method, GISTEMP by the WMO common-period method against
// the WMOReferences present, the others directly. A source that cannot be
// re-based is reported in errs with the reason; it is never in out.
func RebaseSources(in map[string]obs.Series) (out map[string]Rebased, errs map[string]error) {
	out, errs = map[string]Rebased{}, map[string]error{}
	for _, s := range Sources {
		se, ok := in[s.Key]
		if !ok {
			continue
		}
		var r Rebased
		var err error
		switch s.Key {
		case "era5":
			r, err = RebaseERA5(s.Label, se)
		case "gistemp":
			var refs []Rebased
			for _, k := range WMOReferences {
				if rr, ok := out[k]; ok {
					refs = append(refs, rr)
				}
			}
			if len(refs) == 0 {
				err = errors.New("the WMO method needs HadCRUT5 or NOAAGlobalTemp, and neither is stored")
			} else {
				r, err = RebaseWMO(s.Label, se, refs, WMOCommonFirst, WMOCommonLast)
			}
		default:
			r, err = RebaseDirect(s.Label, se)
		}
		if err != nil {
			errs[s.Key] = fmt.Errorf("%s (%s): %w", s.Label, s.Indicator, err)
			continue
		}
		out[s.Key] = r
	}
	return out, errs
}
