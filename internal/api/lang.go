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
// Routes that write words (event and card sentences, the feed, charts, the
// glossary, indicator titles and notes, country names, goal, budget and
// pledge texts, the peak rule) take lang= (en, zh-Hant, zh-Hans, or a regional tag such
// as zh-TW that maps to one) and otherwise follow Accept-Language through
// the CLDR matcher (i18n.Negotiate); lang= wins. Their answers carry
// Content-Language and Vary: Accept-Language, and the cache keys them by
// language. The structured fields (kind, indicator, value, unit, dates,
// previous holder, margin, entity codes) are the same in every language;
// only the sentences, titles, names, notes and chart text change. The words
// are written by internal/query (the requests' Lang field), so the CLI's
// --lang prints the same bytes.

// pLang is the lang parameter of the routes that write words.
var pLang = param{name: "lang", in: "query", typ: "string",
	desc:    "Language of the words (sentences, titles, country names, notes, goal and pledge texts, chart text): en, zh-Hant or zh-Hans (zh-TW and zh-HK mean zh-Hant, zh-CN and zh mean zh-Hans). Wins over Accept-Language; default English.",
	example: "zh-Hant"}

// langParam is the request's language (requestLang) as the Lang field
// of a question of internal/query, which writes the answer's words in it.
func langParam(r *http.Request) (string, error) {
	l, err := requestLang(r)
	return string(l), err
}

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

// localizeOverview rewrites the titles, source lines, licences, baseline
// labels and card sentences of o's signs, regular and irregular, in l, the
// sentences from each sign's record (the structured fields are unchanged);
// English is returned as it is. o's signs are copied, never changed in
// place (they are memoised).
func localizeOverview(o Overview, l i18n.Lang) Overview {
	if !l.Chinese() {
		return o
	}
	o.Signs = localizeSigns(o.Signs, l)
	o.Irregular = localizeSigns(o.Irregular, l)
	return o
}

// localizeSigns returns a copy of signs written in l (see localizeOverview).
func localizeSigns(signs []qry.Sign, l i18n.Lang) []qry.Sign {
	signs = slices.Clone(signs)
	for i := range signs {
		sg := &signs[i]
		title := sg.Title
		sg.Title = alerts.NameIn(l, sg.Indicator)
		if d, ok := catalog.DatasetByID(sg.Source.Dataset); ok {
			title = d.Title
		}
		sg.UnitText = present.UnitIn(l, sg.Unit)
		sg.SourceLine = present.SourceLineIn(l, title, sg.Source)
		sg.Licence = i18n.Text(l, qry.LicenceKey(sg.Source.Dataset), sg.Licence)
		if sg.Anomaly != nil {
			a := *sg.Anomaly
			a.Baseline = qry.BaselineLabelIn(l, sg.Source.Dataset, sg.Indicator, a.Baseline)
			sg.Anomaly = &a
		}
		if sg.Spark != nil {
			sp := *sg.Spark
			sp.Baseline = qry.BaselineLabelIn(l, sg.Source.Dataset, sg.Indicator, sp.Baseline)
			sg.Spark = &sp
		}
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
	return signs
}

// handleGlossary answers GET /api/glossary: the reviewed glossary of
// indicator names, units and terms in the three languages, each with the
// reason for its rendering.
func handleGlossary(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	return jsonReply(i18n.Terms())
}
