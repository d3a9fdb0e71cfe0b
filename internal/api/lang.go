package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/present"
	qry "github.com/stocktake/stocktake/internal/query"
)

// Languages (docs/api.md, "Languages").
//
// Routes that write words (event and card sentences, the feed, charts and
// the glossary) take lang= (en, zh-Hant, zh-Hans, or a regional tag such
// as zh-TW that maps to one) and otherwise follow Accept-Language through
// the CLDR matcher (i18n.Negotiate); lang= wins. Their answers carry
// Content-Language and Vary: Accept-Language, and the cache keys them by
// language. The structured fields (kind, indicator, value, unit, dates,
// previous holder, margin) are the same in every language; only the
// sentences, titles and chart text change.

// pLang is the lang parameter of the routes that write words.
var pLang = param{name: "lang", in: "query", typ: "string",
	desc:    "Language of sentences and chart text: en, zh-Hant or zh-Hans (zh-TW and zh-HK mean zh-Hant, zh-CN and zh mean zh-Hans). Wins over Accept-Language; default English.",
	example: "zh-Hant"}

// localized reports whether the route writes words in the request's
// language (it takes lang=).
func (rt *route) localized() bool {
	return slices.ContainsFunc(rt.params, func(p param) bool { return p.name == "lang" && p.in == "query" })
}

// requestLang is the language of a request: lang= when given (400 when it
// names no supported language), Accept-Language otherwise.
func requestLang(r *http.Request) (i18n.Lang, error) {
	l, err := i18n.Negotiate(r.URL.Query().Get("lang"), r.Header.Get("Accept-Language"))
	if err != nil {
		return "", badRequest("lang: %v", err)
	}
	return l, nil
}

// langKey is the part of a cache key that names the request's language
// on localized routes: "" for English (so English keys are the plain
// path and query, which the rebuild after an update recomputes), for other
// routes and for an invalid lang= (answered by an error, never cached).
func langKey(rt *route, r *http.Request) string {
	if !rt.localized() {
		return ""
	}
	l, err := requestLang(r)
	if err != nil || l == i18n.En {
		return ""
	}
	return "#lang=" + string(l)
}

// setLangHeaders sets Content-Language and adds Accept-Language to Vary on
// the answers of localized routes.
func setLangHeaders(h http.Header, rt *route, r *http.Request) {
	if !rt.localized() {
		return
	}
	l, err := requestLang(r)
	if err != nil {
		return
	}
	h["Content-Language"] = []string{string(l)}
	h["Vary"] = append(h["Vary"], "Accept-Language")
}

// localizeOverview rewrites the card sentences of o in l from each sign's
// record (the structured fields are unchanged); English is returned as it
// is. o's signs are copied, never changed in place (they are memoised).
func localizeOverview(o Overview, l i18n.Lang) Overview {
	if !l.Chinese() {
		return o
	}
	o.Signs = slices.Clone(o.Signs)
	for i := range o.Signs {
		sg := &o.Signs[i]
		if sg.Sentence == nil || sg.Record == nil {
			continue
		}
		var txt string
		if sg.Frequency == "annual" {
			txt = present.AnnualRecordSentenceIn(l, *sg.Record)
		} else {
			st := present.SentenceStyle{}
			if r, err := catalog.Resolve(sg.Indicator); err == nil {
				st = present.SentenceStyle{Resolution: r.Indicator.Resolution, Seasonal: r.Indicator.Seasonal}
			}
			txt = present.RecordSentenceIn(l, *sg.Record, st)
		}
		if txt != "" {
			sg.Sentence = &txt
		}
	}
	return o
}

// localizeRecent rewrites the sentences of the recent runs in l: a run of
// several events with alerts.RunSentenceIn, a single event (or a streak)
// with alerts.SentenceIn from the run's fields (the run does not carry
// the event's previous holder, so that clause is left out).
func localizeRecent(res qry.RecentResult, l i18n.Lang) qry.RecentResult {
	if !l.Chinese() {
		return res
	}
	run := func(r qry.RecentRun) qry.RecentRun {
		if r.Count >= 2 && r.Kind != alerts.Streak {
			r.Sentence = alerts.RunSentenceIn(l, r.Indicator, r.Kind, r.Direction, r.Frequency, r.First, r.Last, r.Count, r.BestMargin, r.Unit)
			return r
		}
		e := alerts.Event{Indicator: r.Indicator, Entity: r.Entity, Dataset: r.Dataset, Kind: r.Kind, Direction: r.Direction,
			Frequency: r.Frequency, Unit: r.Unit, Date: r.Last, Value: r.Value, Streak: r.Streak, Smoothing: "none"}
		r.Sentence = alerts.SentenceIn(e, l)
		return r
	}
	res.Runs = slices.Clone(res.Runs)
	for i := range res.Runs {
		res.Runs[i] = run(res.Runs[i])
	}
	res.Latest = slices.Clone(res.Latest)
	for i := range res.Latest {
		recs := slices.Clone(res.Latest[i].Records)
		for j := range recs {
			recs[j] = run(recs[j])
		}
		res.Latest[i].Records = recs
	}
	return res
}

// handleGlossary answers GET /api/glossary: the reviewed glossary of
// indicator names, units and terms in the three languages, each with the
// reason for its rendering.
func handleGlossary(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	return jsonReply(i18n.Terms())
}
