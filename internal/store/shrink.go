package store

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/stocktake/stocktake/internal/obs"
)

// ErrShrink is wrapped by Ingest's error when, in Replace mode, a new file
// would take away data: a stored series would lose its latest date or be
// missing altogether, a series would lose more than its tolerance of values
// before its last date (see MaxLostValues), or more than MaxShrinkFraction of
// the dataset's stored values would be deleted.
// Producers revise values and add new ones; a file that loses rows is almost
// always damaged (a cut download, a half-written mirror copy, a year blanked
// by an export bug), so it is refused and nothing changes unless AllowShrink
// is set.
var ErrShrink = errors.New("the new file would delete stored data")

// MaxShrinkFraction is the share of a dataset's stored values a new version
// may delete without AllowShrink (dates a producer drops or re-dates).
const MaxShrinkFraction = 0.02

// MaxLostValues and MaxLostFraction bound the values one series may lose
// before its new last date without AllowShrink: at most
// max(MaxLostValues, MaxLostFraction × its stored values). Losses are
// counted per calendar year net of the new dates the file adds in that year,
// so a producer re-dating a value (NSIDC moving a day) or dropping a bad
// day loses nothing or almost nothing, while a year of values set to null
// (320 values of 1990) is refused and named.
const (
	MaxLostValues   = 5
	MaxLostFraction = 0.002
)

// shrinkGuard collects the reasons a Replace ingest would delete data.
type shrinkGuard struct {
	notes []string
}

func (g *shrinkGuard) note(s string) {
	g.notes = append(g.notes, s)
}

// series checks the values one series loses: gone are the stored dates the
// new file lacks (sorted), old the stored points, added the new dates per
// year before the stored last date.
func (g *shrinkGuard) series(se obs.Series, old []obs.Point, gone []obs.Date, added map[int]int) {
	label := seriesLabel(se.Indicator, se.Entity)
	oldLast := old[len(old)-1].Date
	if len(se.Points) == 0 {
		g.note(fmt.Sprintf("%s: the stored series goes to %s, the new file has no values for it", label, oldLast))
		return
	}
	newLast := se.Points[len(se.Points)-1].Date
	if oldLast > newLast {
		g.note(fmt.Sprintf("%s: the stored series goes to %s, the new file stops at %s", label, oldLast, newLast))
	}
	lost := map[int]int{}
	for _, d := range gone {
		if d < newLast {
			lost[d.Year()]++
		}
	}
	type yearLoss struct{ year, n int }
	var years []yearLoss
	total := 0
	for y, n := range lost {
		if net := n - added[y]; net > 0 {
			years = append(years, yearLoss{y, net})
			total += net
		}
	}
	if total <= max(MaxLostValues, int(math.Floor(MaxLostFraction*float64(len(old))))) {
		return
	}
	sort.Slice(years, func(a, b int) bool {
		if years[a].n != years[b].n {
			return years[a].n > years[b].n
		}
		return years[a].year < years[b].year
	})
	var parts []string
	for k, yl := range years {
		if k == 3 {
			rest := total
			for _, shown := range years[:3] {
				rest -= shown.n
			}
			parts = append(parts, fmt.Sprintf("%d values of %d other years", rest, len(years)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%d values of %d", yl.n, yl.year))
	}
	g.note(fmt.Sprintf("%s: %s would be deleted", label, strings.Join(parts, ", ")))
}

// check returns the ErrShrink error when a reason was noted or more than
// MaxShrinkFraction of the stored values would be deleted, unless
// v.AllowShrink.
func (g *shrinkGuard) check(v VersionInfo, deleted, stored int) error {
	if v.AllowShrink || (len(g.notes) == 0 && float64(deleted) <= MaxShrinkFraction*float64(stored)) {
		return nil
	}
	notes := g.notes
	if len(notes) > 3 {
		notes = append(notes[:3:3], fmt.Sprintf("%d more series", len(g.notes)-3))
	}
	note := strings.Join(append(notes, fmt.Sprintf("%d of the %d stored values are not in it", deleted, stored)), "; ")
	return fmt.Errorf("store: %s: %w (%s). A producer's new file revises and adds data; one that loses rows "+
		"is almost always damaged or truncated, so nothing was changed. Check the file, or accept it with 'update --allow-shrink'", v.Dataset, ErrShrink, note)
}
