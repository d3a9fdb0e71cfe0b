package analysis

import (
	"fmt"
	"strings"

	"github.com/stocktake/stocktake/internal/obs"
)

// Seasons of three-month running series.
//
// A three-month running mean (NOAA CPC's Oceanic Nino Index) is one value per
// overlapping season, dated by its centre month: DJF (December, January,
// February) is dated January, JFM February, ..., NDJ (November, December,
// January) December. The value dated 2026-06 is the May-June-July season
// "MJJ 2026", never "June". Seasons are labelled by the initials of their
// three months; records compare the same season across years, which for a
// series dated by centre month is the same calendar month.

// seasonInitials are the month initials, January first.
const seasonInitials = "JFMAMJJASOND"

// SeasonLabel returns the three-letter season whose centre is month m
// (1..12): 1 → "DJF", 2 → "JFM", ..., 12 → "NDJ". It returns "" for a month
// out of range.
func SeasonLabel(m int) string {
	if m < 1 || m > 12 {
		return ""
	}
	var b strings.Builder
	for _, k := range []int{m - 1, m, m + 1} {
		i := (k + 11) % 12 // month k (0 = December of the year before, 13 = January after) as 0..11
		b.WriteByte(seasonInitials[i])
	}
	return b.String()
}

// SeasonCentre returns the centre month (1..12) of a three-letter season
// label such as "MJJ" (case-insensitive), and false for an unknown label.
func SeasonCentre(label string) (int, bool) {
	l := strings.ToUpper(strings.TrimSpace(label))
	for m := 1; m <= 12; m++ {
		if SeasonLabel(m) == l {
			return m, true
		}
	}
	return 0, false
}

// FormatSeason writes the season of a value dated by its centre month d as
// "MJJ 2026". The year is the year of the centre month (CPC's convention:
// DJF 1950 is December 1949 to February 1950; NDJ 2025 is November 2025 to
// January 2026).
func FormatSeason(d obs.Date) string {
	y, m, _ := d.YMD()
	return fmt.Sprintf("%s %04d", SeasonLabel(m), y)
}

// Baseline coverage.
//
// An anomaly or climatology "vs 1991-2020" computed from a series that starts
// in 2001 uses 20 of the 30 baseline years. BaselineCoverage says which years
// of a baseline the data cover, so that every surface can label the
// baseline with the years actually used ("2001–2020, 20 of 30 years") or
// refuse it.

// Coverage is the part of a baseline a series covers.
type Coverage struct {
	Baseline Baseline `json:"baseline"`
	// Years are the covered baseline years: years with a complete annual
	// aggregate (WMO completeness for daily and monthly data; any value for
	// annual data). From and To are the first and last of them (0 when
	// none).
	Years []int `json:"years"`
	From  int   `json:"from"`
	To    int   `json:"to"`
	// Covered and Of count the covered years and the baseline's years.
	Covered int `json:"covered"`
	Of      int `json:"of"`
	// Full is true when every baseline year is covered.
	Full bool `json:"full"`
	// Label is the wording for surfaces: "1991-2020" when full, otherwise
	// "2001–2020, 20 of 30 years" (first–last covered year, en dash), or
	// "no year of 1991-2020" when none.
	Label string `json:"label"`
}

// BaselineCoverage reports which years of b the points cover (see
// Coverage). fill fills runs of at most fill missing days before daily data
// are judged (1 for NSIDC's every-other-day era).
func BaselineCoverage(pts []obs.Point, freq obs.Frequency, b Baseline, fill int) Coverage {
	c := Coverage{Baseline: b, Of: b.To - b.From + 1, Years: []int{}}
	if freq == obs.Daily {
		pts = FillGaps(pts, fill)
	}
	for _, a := range Annual(pts, freq, WMO511) {
		y := a.Date.Year()
		if b.Contains(y) && a.Complete {
			c.Years = append(c.Years, y)
		}
	}
	c.Covered = len(c.Years)
	c.Full = c.Covered == c.Of
	switch {
	case c.Covered == 0:
		c.Label = "no year of " + b.String()
	case c.Full:
		c.Label = b.String()
		c.From, c.To = b.From, b.To
	default:
		c.From, c.To = c.Years[0], c.Years[c.Covered-1]
		c.Label = fmt.Sprintf("%04d–%04d, %d of %d years", c.From, c.To, c.Covered, c.Of)
	}
	return c
}
