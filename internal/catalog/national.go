package catalog

import "github.com/stocktake/stocktake/internal/obs"

// National datasets: one series per entity and indicator, annual, dated
// 1 January of the year. Entities are ISO 3166 alpha-3 codes (plus the few
// non-ISO codes Global Forest Watch uses for disputed areas) or Our World in
// Data aggregate codes: OWID's own (OWID_WRL for World) and, for OWID rows
// that carry no code (continents, income groups, "European Union (27)"),
// "OWID_" followed by the upper-snake form of the entity name, for example
// "OWID_EUROPEAN_UNION_27". See internal/national for the entity table and
// which entities are countries.
//
// Column conventions for the "owid-grapher-csv" format: Column names the
// indicator's column by its title (compared case-insensitively, with Unicode
// subscripts folded, so "Annual CO2 emissions" matches "Annual CO₂ emissions";
// a title that continues with " - UNIT" or " (" after the given text also
// matches). "share:<title>" derives the column's percentage of the sum of all
// value columns of the row (the electricity mix), "sum:*" derives that sum.
// For the "gfw-country-csv" format Column is the exact GFW column name.
//
// Units: the catalog unit is what is stored. Parsers compare it with the unit
// written in the column title (or in OWID's .metadata.json file beside the
// CSV) and reject a file whose unit differs.
//
// forest.loss policy: Global Forest Watch (the primary producer, UMD Hansen
// tree-cover loss at 30% canopy) is the default; OWID's republication of the
// same data (tree-cover-loss.csv, "loss driven by all causes") is available as
// "forest.loss@owid".

const owidLicence = "CC BY 4.0 (Our World in Data); the original producer's terms also apply"

const owidNote = "Aggregates (World, continents, income groups, EU-27; codes OWID_*) are stored but excluded from country rankings; World (OWID_WRL) is the denominator of shares."

func owidURL(slug string) string { return "https://ourworldindata.org/grapher/" + slug + ".csv" }

// owidSingle declares an OWID grapher CSV with one indicator column.
func owidSingle(dsID, title, producer, citation, version, path, slug string, ind Indicator) Dataset {
	ind.Frequency = obs.Annual
	ind.National = true
	if ind.Direction == "" {
		ind.Direction = High
	}
	if ind.Note == "" {
		ind.Note = owidNote
	}
	return Dataset{
		ID:         dsID,
		Title:      title,
		Producer:   producer,
		Citation:   citation,
		Licence:    owidLicence,
		Version:    version,
		Format:     "owid-grapher-csv",
		Files:      []File{{Path: path, URL: owidURL(slug)}},
		Indicators: []Indicator{ind},
	}
}

// withMetadata adds OWID's .metadata.json file, published beside a grapher
// CSV, to an OWID dataset. The parser checks the unit it declares against the
// catalog unit; the file yields no observations but is kept with the
// dataset's provenance (its lastUpdated date names the release).
func withMetadata(d Dataset, path string) Dataset {
	url := d.Files[0].URL[:len(d.Files[0].URL)-len(".csv")] + ".metadata.json"
	d.Files = append(d.Files, File{Path: path, URL: url})
	return d
}

// mixSources lists the nine columns of electricity-prod-source-stacked.csv:
// indicator suffix and the column title before " - TWh".
var mixSources = []struct{ id, column, title string }{
	{"coal", "Electricity from coal", "coal"},
	{"gas", "Electricity from gas", "gas"},
	{"oil", "Electricity from oil", "oil"},
	{"nuclear", "Electricity from nuclear", "nuclear"},
	{"hydro", "Electricity from hydro", "hydropower"},
	{"wind", "Electricity from wind", "wind"},
	{"solar", "Electricity from solar", "solar"},
	{"bioenergy", "Electricity from bioenergy", "bioenergy"},
	{"other_renewables", "Other renewables excluding bioenergy", "other renewables (excluding bioenergy)"},
}

func electricityMix() Dataset {
	var inds []Indicator
	for _, s := range mixSources {
		inds = append(inds, Indicator{
			ID: "electricity." + s.id, Title: "Electricity generation from " + s.title, Unit: "TWh",
			Frequency: obs.Annual, National: true, Direction: High, Column: s.column, Default: true,
			Note: owidNote,
		})
	}
	for _, s := range mixSources {
		inds = append(inds, Indicator{
			ID: "electricity." + s.id + ".share", Title: "Share of " + s.title + " in electricity generation", Unit: "%",
			Frequency: obs.Annual, National: true, Direction: Both, Column: "share:" + s.column, Default: true,
			Note: "Derived by stocktake: the source's generation divided by the sum of the nine sources in the same row (coal, gas, oil, nuclear, hydro, wind, solar, bioenergy, other renewables), times 100. Net imports are not part of the mix.",
		})
	}
	inds = append(inds, Indicator{
		ID: "electricity.total", Title: "Electricity generation, all nine sources", Unit: "TWh",
		Frequency: obs.Annual, National: true, Direction: High, Column: "sum:*", Default: true,
		Note: "Derived by stocktake: the sum of the nine source columns of the row; the denominator of the electricity.*.share indicators.",
	})
	return Dataset{
		ID:         "owid-electricity-mix",
		Title:      "Electricity production by source (Ember and Energy Institute, via Our World in Data)",
		Producer:   "Ember; Energy Institute Statistical Review of World Energy; processed by Our World in Data",
		Citation:   "Ember (2024); Energy Institute - Statistical Review of World Energy (2024) - with major processing by Our World in Data. \"Electricity production by source\" [dataset].",
		Licence:    owidLicence,
		Version:    "Ember 2024 + EI 2024 (OWID)",
		Format:     "owid-grapher-csv",
		Files:      []File{{Path: "owid-energy-irena-ember/electricity-prod-source-stacked.csv", URL: owidURL("electricity-prod-source-stacked")}},
		Indicators: inds,
	}
}

const gfwCitation = "Hansen, M. C., et al. (2013). High-Resolution Global Maps of 21st-Century Forest Cover Change. Science 342, 850-853; Harris, N. L., et al. (2021). Global maps of twenty-first century forest carbon fluxes. Nature Climate Change 11, 234-240; Global Forest Watch country dashboards (www.globalforestwatch.org)"

const gfwLicence = "CC BY 4.0 (Global Forest Watch / World Resources Institute)"

// gfwURL is the Global Forest Watch global dashboard: its "Download data"
// button yields a zip holding the country CSVs named below. GFW publishes no
// stable direct address for each CSV, so an online update of these datasets
// needs a local mirror (stocktake update --from DIR).
const gfwURL = "https://www.globalforestwatch.org/dashboards/global/"

const gfwLossNote = "Gross tree-cover loss (UMD Hansen, canopy density >= 30%), hectares per year, all drivers; loss is not net of regrowth. Rows carry ISO 3166 codes plus GADM's codes for disputed areas (Z01-Z09, XAD, XKO, ZNC). No World row: world totals are the sum over all areas."

const gfwEmissionsNote = "Gross greenhouse-gas emissions from tree-cover loss (all gases, Mg CO2e = tonnes CO2e), Harris et al. (2021) model as published by GFW."

var national = []Dataset{
	withMetadata(owidSingle("owid-co2-emissions", "Annual CO2 emissions by country (Global Carbon Budget, via Our World in Data)",
		"Global Carbon Project (Global Carbon Budget); processed by Our World in Data",
		"Global Carbon Budget (2024) - with major processing by Our World in Data. \"Annual CO2 emissions\" [dataset]. Friedlingstein, P., et al. (2024), Global Carbon Budget 2024, Earth Syst. Sci. Data.",
		"GCB 2024 (OWID 2024-11-21)", "owid-national-emissions/annual-co2-emissions-per-country.csv",
		"annual-co2-emissions-per-country",
		Indicator{ID: "co2.emissions", Title: "Annual CO2 emissions from fossil fuels and industry (territorial)", Unit: "t",
			Column: "Annual CO2 emissions", Default: true,
			Note: "Fossil fuels and industry, territorial; land-use change excluded. International aviation and shipping are counted only in the World total (their own rows are aggregates). " + owidNote}),
		"owid-national-emissions/annual-co2-emissions-per-country.metadata.json"),

	owidSingle("owid-ch4-emissions", "Annual methane emissions by country (Jones et al., via Our World in Data)",
		"Jones et al. (national contributions to climate change); processed by Our World in Data",
		"Jones, M. W., et al. (2024). National contributions to climate change due to historical emissions of carbon dioxide, methane and nitrous oxide. Scientific Data 10, 155 - with major processing by Our World in Data.",
		"Jones et al. 2024 (OWID)", "owid-national-emissions/methane-emissions.csv", "methane-emissions",
		Indicator{ID: "ch4.emissions", Title: "Annual methane emissions in CO2 equivalents (GWP100)", Unit: "t CO2e",
			Column: "Annual methane emissions in CO2 equivalents", Default: true,
			Note: "Fossil, agricultural and land-use methane, converted with GWP100. " + owidNote}),

	owidSingle("owid-solar-capacity", "Installed solar PV capacity by country (IRENA, via Our World in Data)",
		"International Renewable Energy Agency (IRENA); processed by Our World in Data",
		"IRENA (2024). Renewable Capacity Statistics 2024 - with major processing by Our World in Data.",
		"IRENA 2024 (OWID)", "owid-energy-irena-ember/installed-solar-pv-capacity.csv", "installed-solar-pv-capacity",
		Indicator{ID: "solar.capacity", Title: "Installed solar capacity (total, end of year)", Unit: "GW", Stock: true,
			Column: "Solar capacity (total)", Default: true}),

	owidSingle("owid-wind-capacity", "Installed wind capacity by country (IRENA, via Our World in Data)",
		"International Renewable Energy Agency (IRENA); processed by Our World in Data",
		"IRENA (2024). Renewable Capacity Statistics 2024 - with major processing by Our World in Data.",
		"IRENA 2024 (OWID)", "owid-energy-irena-ember/cumulative-installed-wind-energy-capacity-gigawatts-checkpoint.csv",
		"cumulative-installed-wind-energy-capacity-gigawatts",
		Indicator{ID: "wind.capacity", Title: "Installed wind capacity (onshore and offshore, end of year)", Unit: "GW", Stock: true,
			Column: "Wind capacity (total)", Default: true}),

	owidSingle("owid-hydro-generation", "Electricity generation from hydropower by country (Ember and Energy Institute, via Our World in Data)",
		"Ember; Energy Institute Statistical Review of World Energy; processed by Our World in Data",
		"Ember (2024); Energy Institute - Statistical Review of World Energy (2024) - with major processing by Our World in Data.",
		"Ember 2024 + EI 2024 (OWID)", "owid-energy-irena-ember/hydropower-consumption.csv", "hydropower-consumption",
		Indicator{ID: "hydro.generation", Title: "Electricity generation from hydropower", Unit: "TWh",
			Column: "Electricity from hydro", Default: true,
			Note: "Generation (TWh), not capacity: the file is named 'consumption' by OWID but holds electricity generated. Ember and EI regional aggregates are stored as aggregates. " + owidNote}),

	owidSingle("owid-wind-generation", "Electricity generation from wind by country (Ember and Energy Institute, via Our World in Data)",
		"Ember; Energy Institute Statistical Review of World Energy; processed by Our World in Data",
		"Ember (2024); Energy Institute - Statistical Review of World Energy (2024) - with major processing by Our World in Data.",
		"Ember 2024 + EI 2024 (OWID)", "owid-energy-irena-ember/wind-generation.csv", "wind-generation",
		Indicator{ID: "wind.generation", Title: "Electricity generation from wind", Unit: "TWh",
			Column: "Electricity from wind", Default: true}),

	electricityMix(),

	{
		ID:       "gfw-tree-cover-loss",
		Title:    "Global Forest Watch tree-cover loss and gross emissions by country",
		Producer: "Global Forest Watch (World Resources Institute) with the University of Maryland GLAD lab",
		Citation: gfwCitation,
		Licence:  gfwLicence,
		Version:  "UMD GFC 2001-2024",
		Format:   "gfw-country-csv",
		Files:    []File{{Path: "gfw-tree-cover-loss/treecover_loss__ha.csv", URL: gfwURL}},
		Indicators: []Indicator{
			{ID: "forest.loss", Title: "Tree-cover loss", Unit: "ha", Frequency: obs.Annual, National: true,
				Direction: High, Column: "umd_tree_cover_loss__ha", Default: true, Note: gfwLossNote},
			{ID: "forest.loss.emissions", Title: "Gross emissions from tree-cover loss", Unit: "Mg CO2e", Frequency: obs.Annual,
				National: true, Direction: High, Column: "gfw_gross_emissions_co2e_all_gases__Mg", Default: true, Note: gfwEmissionsNote},
		},
	},
	{
		ID:       "gfw-primary-forest-loss",
		Title:    "Global Forest Watch humid tropical primary forest loss and gross emissions by country",
		Producer: "Global Forest Watch (World Resources Institute) with the University of Maryland GLAD lab",
		Citation: gfwCitation + "; Turubanova, S., et al. (2018). Ongoing primary forest loss in Brazil, Democratic Republic of the Congo, and Indonesia. Environ. Res. Lett. 13, 074028",
		Licence:  gfwLicence,
		Version:  "UMD GFC 2001-2024",
		Format:   "gfw-country-csv",
		Files:    []File{{Path: "gfw-tree-cover-loss/treecover_loss_in_primary_forests_2001_tropics_only__ha.csv", URL: gfwURL}},
		Indicators: []Indicator{
			{ID: "forest.loss.primary", Title: "Humid tropical primary forest loss", Unit: "ha", Frequency: obs.Annual,
				National: true, Direction: High, Column: "umd_tree_cover_loss__ha", Default: true,
				Note: "Loss inside humid tropical primary forest as mapped in 2001 (tropics only: countries outside the tropics have no rows). " + gfwLossNote},
			{ID: "forest.loss.primary.emissions", Title: "Gross emissions from humid tropical primary forest loss", Unit: "Mg CO2e",
				Frequency: obs.Annual, National: true, Direction: High, Column: "gfw_gross_emissions_co2e_all_gases__Mg", Default: true,
				Note: gfwEmissionsNote},
		},
	},
	{
		ID:       "gfw-primary-forest-extent",
		Title:    "Global Forest Watch humid tropical primary forest extent in 2000-2001 by country",
		Producer: "Global Forest Watch (World Resources Institute) with the University of Maryland GLAD lab",
		Citation: gfwCitation,
		Licence:  gfwLicence,
		Version:  "UMD GFC 2001-2024",
		Format:   "gfw-country-csv",
		Files:    []File{{Path: "gfw-tree-cover-loss/treecover_extent_2000_in_primary_forests_2001_tropics_only__ha.csv", URL: gfwURL}},
		Indicators: []Indicator{
			{ID: "forest.primary.extent", Title: "Tree cover in 2000 inside humid tropical primary forest (2001 map)", Unit: "ha", Stock: true,
				Frequency: obs.Annual, National: true, Direction: Low, Column: "umd_tree_cover_extent_2000__ha", Default: true,
				Note: "A single value per country, dated 2000 (the year in the column name); the baseline against which forest.loss.primary can be expressed as a percentage."},
		},
	},
	owidSingle("owid-tree-cover-loss", "Tree-cover loss by country (Global Forest Watch, via Our World in Data)",
		"Global Forest Watch (World Resources Institute); processed by Our World in Data",
		gfwCitation+" - with processing by Our World in Data.",
		"owid", "gfw-tree-cover-loss/tree-cover-loss.csv", "tree-cover-loss",
		Indicator{ID: "forest.loss", Title: "Tree-cover loss driven by all causes (OWID republication of GFW)", Unit: "ha",
			Column: "Tree cover loss driven by all causes", Default: false,
			Note: "OWID's copy of Global Forest Watch tree-cover loss; selectable as forest.loss@owid. The default forest.loss is GFW's own file. Values differ from GFW's own file (OWID takes them from GFW's tree-cover-loss-by-driver data). The file has blank and Longitude helper columns, which are ignored."}),
}
