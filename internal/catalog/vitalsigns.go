package catalog

import "github.com/stocktake/stocktake/internal/obs"

// Sea-ice version policy: seaice.north and seaice.south use NSIDC G02135
// version 3.0 by default, for both hemispheres alike. Version 3.0 is the
// version in which NSIDC announced the minima and maxima that users quote
// (2022 and 2023 Antarctic record lows) and the version of NSIDC's published
// 1981-2010 climatology file. Version 4.0 (new source paths, values differ
// after 2024) is available as "seaice.north@4.0" and "seaice.south@4.0".
const nsidcCitation = "Fetterer, F., K. Knowles, W. N. Meier, M. Savoie, and A. K. Windnagel. Sea Ice Index, Version 3 (G02135). NSIDC, Boulder, Colorado USA. doi:10.7265/N5K072F8"

const nsidcNote = "Extent = total area of cells with at least 15% ice concentration. Every other day before August 1987; gap 1987-12-03..1988-01-12. NSIDC announces minima and maxima as 5-day trailing means (--smooth 5d)."

func nsidc(hemisphere, letter, version string, def bool) Dataset {
	major := version[:1]
	id := "seaice." + hemisphere
	title := "Arctic"
	if hemisphere == "south" {
		title = "Antarctic"
	}
	return Dataset{
		ID:       "nsidc-g02135-" + hemisphere + "-v" + major,
		Title:    "NSIDC Sea Ice Index G02135 daily extent, " + title + ", version " + version,
		Producer: "National Snow and Ice Data Center (NSIDC)",
		Citation: nsidcCitation,
		Licence:  "NSIDC/NOAA data: no restrictions; cite the data set",
		Version:  version,
		Format:   "nsidc-extent-csv",
		Files: []File{{
			Path: "nsidc-g02135/" + letter + "_seaice_extent_daily_v" + version + ".csv",
			URL:  "https://noaadata.apps.nsidc.org/NOAA/G02135/" + hemisphere + "/daily/data/" + letter + "_seaice_extent_daily_v" + version + ".csv",
		}},
		Indicators: []Indicator{{
			ID: id, Title: title + " sea-ice extent", Unit: "10^6 km^2", Frequency: obs.Daily,
			Direction: Both, Headline: Low, Default: def, Note: nsidcNote,
			// NSIDC writes extents to three decimals (10^3 km^2), both versions.
			Resolution: 0.001,
		}},
	}
}

// reanalyzerVersion names a Climate Reanalyzer file, which has no version
// number, by its layout and the climatology rows it carries.
func reanalyzerVersion(climatologies string) string {
	if climatologies == "none" {
		return "daily JSON"
	}
	return "daily JSON with " + climatologies + " climatologies"
}

func reanalyzer(id, title, file, url, citation, licence, baseline string) Dataset {
	return Dataset{
		ID:        "climate-reanalyzer-" + id,
		Title:     "Climate Reanalyzer daily " + title,
		Producer:  "Climate Change Institute, University of Maine (Climate Reanalyzer)",
		Citation:  citation,
		Licence:   licence,
		Version:   reanalyzerVersion(baseline),
		Format:    "reanalyzer-json",
		BrowserUA: true,
		Files:     []File{{Path: file, URL: url}},
		Indicators: []Indicator{{
			ID: id, Title: "Daily " + title, Unit: "degC", Frequency: obs.Daily, Direction: High, Default: true,
			// Climate Reanalyzer writes three decimals (JSON numbers drop
			// trailing zeros, so 20.99 is 20.990).
			Resolution: 0.001,
			Note:       "Daily values indexed by day count from 1 January (index 59 is 29 February in leap years, 1 March otherwise). Rows named by a period (e.g. 1991-2020) are kept as the producer's climatology; the 'Preliminary' row is not stored.",
		}},
	}
}

const oisstCitation = "Huang, B., et al. (2021). Improvements of the Daily Optimum Interpolation Sea Surface Temperature (DOISST) Version 2.1. J. Climate, 34, 2923-2939; daily means by Climate Reanalyzer, Climate Change Institute, University of Maine"

const gmlLicence = "NOAA GML data: free use; cite NOAA GML and follow the data use statement in the file header"

func gml(id, dsID, title, file, url, unit string, freq obs.Frequency, format string) Dataset {
	return Dataset{
		ID:       dsID,
		Title:    title,
		Producer: "NOAA Global Monitoring Laboratory (GML)",
		Citation: "Lan, X., Tans, P. and K.W. Thoning: Trends in globally-averaged CO2, CH4 and N2O determined from NOAA Global Monitoring Laboratory measurements. doi:10.15138/9N0H-ZH07",
		Licence:  gmlLicence,
		Version:  "monthly release",
		Format:   format,
		Files:    []File{{Path: file, URL: url}},
		Indicators: []Indicator{{
			ID: id, Title: title, Unit: unit, Frequency: freq, Direction: High, Default: true,
			// GML writes monthly and weekly means to two decimals (ppm
			// for CO2, ppb for CH4 and N2O). The files' own uncertainty
			// columns (unc, average_unc) are not read yet: see
			// docs/records.md.
			Resolution: 0.01,
		}},
	}
}

func cag(id, dsID, title, file, urlPart, note string) Dataset {
	return Dataset{
		ID:       dsID,
		Title:    "NOAA Climate at a Glance: " + title,
		Producer: "NOAA National Centers for Environmental Information (NCEI)",
		Citation: "NOAA National Centers for Environmental Information, Climate at a Glance: Global Time Series (NOAAGlobalTemp)",
		Licence:  "NOAA data: public domain",
		Version:  "NOAAGlobalTemp (Climate at a Glance)",
		Format:   "cag-json",
		Files: []File{{
			Path: "noaa-ncei-cag-globaltemp/" + file,
			URL:  "https://www.ncei.noaa.gov/access/monitoring/climate-at-a-glance/global/time-series/globe/" + urlPart + "/1850-2026/data.json",
		}},
		Indicators: []Indicator{{
			ID: id, Title: title, Unit: "degC", Frequency: obs.Monthly, Baseline: "1901-2000",
			Direction: High, Default: true, Note: note,
			// Climate at a Glance writes departures to two decimals.
			Resolution: 0.01,
		}},
	}
}

var vitalSigns = []Dataset{
	nsidc("north", "N", "3.0", true),
	nsidc("north", "N", "4.0", false),
	nsidc("south", "S", "3.0", true),
	nsidc("south", "S", "4.0", false),

	reanalyzer("sst.world", "sea-surface temperature, World 60S-60N (NOAA OISST v2.1)",
		"climate-reanalyzer-oisst/oisst2.1_world2_sst_day.json",
		"https://climatereanalyzer.org/clim/sst_daily/json_2clim/oisst2.1_world2_sst_day.json",
		oisstCitation, "NOAA OISST data: public domain; Climate Reanalyzer asks for attribution", "1982-2010, 1991-2020"),
	reanalyzer("sst.natlan", "sea-surface temperature, North Atlantic 0-60N 0-80W (NOAA OISST v2.1)",
		"climate-reanalyzer-oisst/oisst2.1_natlan_sst_day.json",
		"https://climatereanalyzer.org/clim/sst_daily/json_2clim/oisst2.1_natlan_sst_day.json",
		oisstCitation, "NOAA OISST data: public domain; Climate Reanalyzer asks for attribution", "1982-2010, 1991-2020"),
	reanalyzer("sst.nino34", "sea-surface temperature, Nino 3.4 5S-5N 170W-120W (NOAA OISST v2.1)",
		"climate-reanalyzer-oisst/oisst2.1_nino3.4_sst_day.json",
		"https://climatereanalyzer.org/clim/sst_daily/json_2clim/oisst2.1_nino3.4_sst_day.json",
		oisstCitation, "NOAA OISST data: public domain; Climate Reanalyzer asks for attribution", "1982-2010, 1991-2020"),
	reanalyzer("t2m.world", "2 m air temperature, World (ERA5)",
		"climate-reanalyzer-era5/era5_world_t2_day.json",
		"https://climatereanalyzer.org/clim/t2_daily/json/era5_world_t2_day.json",
		"Hersbach, H., et al. (2020). The ERA5 global reanalysis. Q. J. R. Meteorol. Soc., 146, 1999-2049; daily world means by Climate Reanalyzer, University of Maine",
		"Copernicus licence: free with attribution (contains modified Copernicus Climate Change Service information)", "none"),

	gml("co2.mlo", "noaa-gml-co2-mlo-monthly", "CO2 at Mauna Loa, monthly mean",
		"noaa-gml/co2_mm_mlo.txt", "https://gml.noaa.gov/webdata/ccgg/trends/co2/co2_mm_mlo.txt", "ppm", obs.Monthly, "gml-monthly"),
	gml("co2.mlo.weekly", "noaa-gml-co2-mlo-weekly", "CO2 at Mauna Loa, weekly mean",
		"noaa-gml/co2_weekly_mlo.txt", "https://gml.noaa.gov/webdata/ccgg/trends/co2/co2_weekly_mlo.txt", "ppm", obs.Weekly, "gml-weekly"),
	gml("ch4.global", "noaa-gml-ch4-global", "CH4, global marine surface monthly mean",
		"noaa-gml/ch4_mm_gl.txt", "https://gml.noaa.gov/webdata/ccgg/trends/ch4/ch4_mm_gl.txt", "ppb", obs.Monthly, "gml-monthly"),
	gml("n2o.global", "noaa-gml-n2o-global", "N2O, global marine surface monthly mean",
		"noaa-gml/n2o_mm_gl.txt", "https://gml.noaa.gov/webdata/ccgg/trends/n2o/n2o_mm_gl.txt", "ppb", obs.Monthly, "gml-monthly"),

	withPublishedAnnual(cag("gmst.noaa", "noaa-cag-global-land-ocean", "global land and ocean temperature anomaly, monthly",
		"globe_land_ocean_tavg_1_0.json", "land_ocean/1/0", ""), "gmst.noaa.annual"),
	cag("gmst.noaa.ocean", "noaa-cag-global-ocean", "global ocean (sea-surface) temperature anomaly, monthly",
		"globe_ocean_tavg_1_0.json", "ocean/1/0", ""),
	withIndicator(cag("gmst.noaa.12m", "noaa-cag-global-land-ocean-12m", "global land and ocean temperature anomaly, 12-month running mean",
		"globe_land_ocean_tavg_12_0.json", "land_ocean/12/0",
		"Each value is the mean of the 12 months ending in the month it is dated by (NOAA's 12-month time scale)."),
		// The 12-month value ending in December is the January-December
		// mean NOAA publishes as the year's anomaly (Climate at a Glance's
		// annual time scale gives the same two-decimal numbers).
		Indicator{ID: "gmst.noaa.annual", Title: "Global land and ocean temperature anomaly (NOAA), annual (published)",
			Unit: "degC", Frequency: obs.Annual, Baseline: "1901-2000", Direction: High, Default: true, Column: "Dec",
			Resolution: 0.01, CompanionOf: "gmst.noaa",
			Note: "NOAA's published annual anomaly: the 12-month value ending in December, dated 1 January of its year."}),

	{
		ID:       "nasa-gistemp-v4",
		Title:    "NASA GISTEMP v4 global land-ocean temperature index",
		Producer: "NASA Goddard Institute for Space Studies (GISS)",
		Citation: "GISTEMP Team: GISS Surface Temperature Analysis (GISTEMP), version 4. NASA GISS. Lenssen, N., et al. (2019), J. Geophys. Res. Atmos., 124, 6307-6326",
		Licence:  "NASA data: public domain",
		Version:  "v4",
		Format:   "gistemp-csv",
		Files: []File{{
			Path: "nasa-gistemp/GLB.Ts+dSST.csv",
			URL:  "https://data.giss.nasa.gov/gistemp/tabledata_v4/GLB.Ts+dSST.csv",
		}},
		Indicators: []Indicator{{
			ID: "gmst.gistemp", Title: "Global land-ocean temperature anomaly (GISTEMP v4), monthly", Unit: "degC",
			Frequency: obs.Monthly, Baseline: "1951-1980", Direction: High, Default: true,
			Note: "Monthly columns Jan..Dec; GISS's annual J-D column is stored as gmst.gistemp.annual, the seasonal columns are not stored.",
			// GISS writes two decimals (".19"); J-D likewise.
			Resolution: 0.01, PublishedAnnual: "gmst.gistemp.annual",
		}, {
			ID: "gmst.gistemp.annual", Title: "Global land-ocean temperature anomaly (GISTEMP v4), annual J-D (published)", Unit: "degC",
			Frequency: obs.Annual, Baseline: "1951-1980", Direction: High, Default: true, Column: "J-D",
			Resolution: 0.01, CompanionOf: "gmst.gistemp",
			Note: "GISS's published January-December mean (J-D column), computed by GISS from unrounded monthly values: 2024 is 1.29, where the mean of the rounded monthly values is 1.284.",
		}},
	},
	{
		ID:       "datahub-global-temp-hadcrut5",
		Title:    "HadCRUT5 global monthly temperature anomaly (datahub global-temp package)",
		Producer: "Met Office Hadley Centre and Climatic Research Unit (HadCRUT5), packaged by datahub.io",
		Citation: "Morice, C.P., et al. (2021). An updated assessment of near-surface temperature change from 1850: the HadCRUT5 data set. J. Geophys. Res. Atmos., 126, e2019JD032361",
		Licence:  "ODC-PDDL-1.0 (datahub package); HadCRUT5: Open Government Licence",
		Version:  "HadCRUT.5 summary series (gcag rows)",
		Format:   "datahub-temp-csv",
		Files: []File{{
			Path: "datahub-global-temp/monthly.csv",
			URL:  "https://datahub.io/core/global-temp/r/monthly.csv",
		}},
		Indicators: []Indicator{{
			ID: "gmst.hadcrut5", Title: "Global temperature anomaly (HadCRUT5), monthly", Unit: "degC",
			Frequency: obs.Monthly, Baseline: "1961-1990", Direction: High, Default: true, Column: "gcag",
			Note: "The package labels the HadCRUT5 summary series 'gcag'. Anomalies are relative to 1961-1990, HadCRUT5's own baseline.",
			// The datahub package writes four decimals (-0.6746). It holds
			// neither HadCRUT5's 95% limits nor its published annual values:
			// its annual.csv is datahub's own mean of the monthly rows,
			// including a 7-month "2024" (1.1755 = mean of January-July
			// 2024), so it is not used as a published annual value. The Met
			// Office summary CSV (issue 14) will bring both.
			Resolution: 0.0001,
		}},
	},
	// HadCRUT5 from the Met Office's own summary CSV, with its 95%
	// confidence limits. It is not the default source of gmst.hadcrut5:
	// the shared mirror holds no copy of it, so "stocktake update --from
	// DIR" reports it "skipped" (not in the mirror) and gmst.hadcrut5 keeps
	// coming from the datahub copy above, which is the mirror fallback (it
	// stops in July 2024). An online update downloads both; the Met Office
	// series is then read as "gmst.hadcrut5@5.0.2.0" and its limits as
	// gmst.hadcrut5.lower95 and gmst.hadcrut5.upper95.
	{
		ID:       "metoffice-hadcrut5-monthly",
		Title:    "HadCRUT5 global monthly temperature anomaly with 95% limits (Met Office summary series)",
		Producer: "Met Office Hadley Centre and Climatic Research Unit (HadCRUT5)",
		Citation: "Morice, C.P., et al. (2021). An updated assessment of near-surface temperature change from 1850: the HadCRUT5 data set. J. Geophys. Res. Atmos., 126, e2019JD032361; Met Office Hadley Centre, HadCRUT.5.0.2.0 analysis summary series",
		Licence:  "Open Government Licence v3 (Crown copyright, Met Office)",
		Version:  "5.0.2.0",
		Format:   "metoffice-hadcrut5-csv",
		Files: []File{{
			Path: "metoffice-hadcrut5/HadCRUT.5.0.2.0.analysis.summary_series.global.monthly.csv",
			URL:  "https://www.metoffice.gov.uk/hadobs/hadcrut5/data/HadCRUT.5.0.2.0/analysis/diagnostics/HadCRUT.5.0.2.0.analysis.summary_series.global.monthly.csv",
		}},
		// No Resolution is declared: the Met Office writes single-precision
		// numbers with as many digits as each needs (not a fixed number of
		// decimals), so values are compared exactly. Half-widths for the
		// uncertainty rules are (upper - lower) / 2 (analysis.HalfWidths).
		Indicators: []Indicator{{
			ID: "gmst.hadcrut5", Title: "Global temperature anomaly (HadCRUT5, Met Office), monthly", Unit: "degC",
			Frequency: obs.Monthly, Baseline: "1961-1990", Direction: High, Column: "Anomaly (deg C)",
			Note: "Ensemble mean of HadCRUT5 relative to 1961-1990, from the Met Office's summary CSV; its 95% limits are gmst.hadcrut5.lower95 and gmst.hadcrut5.upper95.",
		}, {
			ID: "gmst.hadcrut5.lower95", Title: "Lower 95% confidence limit (2.5%) of the HadCRUT5 monthly anomaly", Unit: "degC",
			Frequency: obs.Monthly, Baseline: "1961-1990", Direction: High, Default: true,
			Column: "Lower confidence limit (2.5%)", CompanionOf: "gmst.hadcrut5",
			Note: "2.5th percentile of the HadCRUT5 anomaly for the same month; a bound of an observation, not an observation: never ranked or announced.",
		}, {
			ID: "gmst.hadcrut5.upper95", Title: "Upper 95% confidence limit (97.5%) of the HadCRUT5 monthly anomaly", Unit: "degC",
			Frequency: obs.Monthly, Baseline: "1961-1990", Direction: High, Default: true,
			Column: "Upper confidence limit (97.5%)", CompanionOf: "gmst.hadcrut5",
			Note: "97.5th percentile of the HadCRUT5 anomaly for the same month; a bound of an observation, not an observation: never ranked or announced.",
		}},
	},
	{
		ID:       "jma-ohc-global",
		Title:    "JMA global ocean heat content anomaly",
		Producer: "Japan Meteorological Agency (JMA)",
		Citation: "Ishii, M., et al. (2017). Accuracy of global upper ocean heat content estimation expected from present observational data sets. SOLA, 13, 163-167; Japan Meteorological Agency",
		Licence:  "JMA website terms of use: free with attribution",
		Version:  "annual release",
		Format:   "jma-ohc",
		Files: []File{{
			Path: "jma-ohc/ohc_global_1955.txt",
			URL:  "https://www.data.jma.go.jp/kaiyou/data/english/ohc/ohc_global_1955.txt",
		}},
		Indicators: []Indicator{
			// JMA writes two decimals; E(0-2000) is the 95% analysis
			// error of A(0-2000) ("Analysis error (confidence interval
			// 95%)" in the file header), about ±2.5 x 10^22 J since 2000.
			{ID: "ohc.jma", Title: "Ocean heat content anomaly 0-2000 m (JMA)", Unit: "10^22 J", Frequency: obs.Annual,
				Baseline: "1955", Direction: High, Default: true, Column: "A(0-2000)",
				Note:       "Anomalies relative to 1955 (the first year is 0).",
				Resolution: 0.01, Uncertainty: "ohc.jma.err95"},
			{ID: "ohc.jma.0-700", Title: "Ocean heat content anomaly 0-700 m (JMA)", Unit: "10^22 J", Frequency: obs.Annual,
				Baseline: "1955", Direction: High, Default: true, Column: "A(0-700)", Resolution: 0.01},
			{ID: "ohc.jma.err95", Title: "95% analysis error of the 0-2000 m ocean heat content anomaly (JMA)", Unit: "10^22 J",
				Frequency: obs.Annual, Direction: High, Default: true, Column: "E(0-2000)", Resolution: 0.01,
				CompanionOf: "ohc.jma",
				Note:        "Half-width of the 95% confidence interval of ohc.jma for the same year; not an observation, never ranked."},
		},
	},
	{
		ID:       "cu-gmsl",
		Title:    "University of Colorado global mean sea level (satellite altimetry)",
		Producer: "University of Colorado Sea Level Research Group",
		Citation: "Nerem, R.S., et al. (2010). Estimating Mean Sea Level Change from the TOPEX and Jason Altimeter Missions. Marine Geodesy, 33:S1, 435",
		Licence:  "Free to use with citation",
		Version:  "2026_rel2",
		Format:   "cu-gmsl",
		Files: []File{{
			Path: "cu-sealevel/gmsl.txt",
			URL:  "https://sealevel.colorado.edu/files/2026_rel2/gmsl_2026rel2_seasons_rmvd.txt",
		}},
		Indicators: []Indicator{{
			ID: "gmsl", Title: "Global mean sea level (seasonal signal and GIA removed)", Unit: "mm",
			Frequency: obs.Irregular, Direction: High, Default: true,
			Note: "One value per altimeter cycle (about 9.9 days); decimal years converted to the nearest calendar day (UTC).",
			// The file writes GMSL to three decimals (-16.737 mm).
			Resolution: 0.001,
		}},
	},
	{
		ID:       "noaa-cpc-oni",
		Title:    "NOAA CPC Oceanic Nino Index (ONI)",
		Producer: "NOAA Climate Prediction Center (CPC)",
		Citation: "NOAA Climate Prediction Center, Oceanic Nino Index (ERSST.v5), https://www.cpc.ncep.noaa.gov/",
		Licence:  "NOAA data: public domain",
		Version:  "ERSSTv5",
		Format:   "cpc-oni",
		Files: []File{{
			Path: "noaa-cpc-oni/oni.txt",
			URL:  "https://www.cpc.ncep.noaa.gov/data/indices/oni.ascii.txt",
		}},
		Indicators: []Indicator{{
			ID: "oni", Title: "Oceanic Nino Index (3-month running mean of Nino 3.4 SST anomaly)", Unit: "degC",
			Frequency: obs.Monthly, Baseline: "centred 30-year periods, updated every 5 years", Direction: Both, Default: true,
			Column: "ANOM",
			Note:   "Each 3-month season is dated by its centre month (DJF 1950 -> 1950-01, NDJ 2025 -> 2025-12).",
			// CPC writes two decimals. Values are overlapping seasons.
			Resolution: 0.01, Seasonal: true,
		}},
	},
}

// withIndicator returns d with ind added to its indicators.
func withIndicator(d Dataset, ind Indicator) Dataset {
	d.Indicators = append(d.Indicators, ind)
	return d
}

// withPublishedAnnual returns d with its first indicator's PublishedAnnual
// set to id.
func withPublishedAnnual(d Dataset, id string) Dataset {
	d.Indicators[0].PublishedAnnual = id
	return d
}
