package alerts

import (
	"strings"
	"testing"
	"unicode"

	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/obs"
)

// sentenceCases are events of every kind, with their sentences in the
// three languages. The English ones are Sentence's, unchanged.
func sentenceCases() []struct {
	e              Event
	en, hant, hans string
} {
	m := func(v float64) *float64 { return &v }
	return []struct {
		e              Event
		en, hant, hans string
	}{
		{Event{Indicator: "sst.world", Dataset: "noaa-oisst-v21", Kind: AllTime, Direction: "max", Date: "2023-03-16", Value: 21.004, Unit: "degC",
			Frequency: obs.Daily, Smoothing: "none", Previous: &Holder{Date: "2016-03-06", Value: 20.991}, Margin: m(0.013)},
			"Global SST 21.004 °C on 16 March 2023 — highest on record, previous 20.991 °C on 6 March 2016 (by 0.013 °C).",
			"全球海面溫度於2023年3月16日達21.004 °C，為有紀錄以來最高；前紀錄為2016年3月6日的20.991 °C（差距0.013 °C）。",
			"全球海表温度于2023年3月16日达21.004 °C，为有记录以来最高；前纪录为2016年3月6日的20.991 °C（差距0.013 °C）。"},
		{Event{Indicator: "seaice.south", Kind: DayRecord, Direction: "min", Date: "2023-02-21", Value: 1.79, Unit: "10^6 km^2",
			Frequency: obs.Daily, Smoothing: "5d", Previous: &Holder{Date: "2017-02-21", Value: 2.11}, Margin: m(0.32)},
			"", "南極海冰範圍於2023年2月21日達1.7900百萬平方公里（5日平均），為有紀錄以來2月21日的最低值；前紀錄為2017年2月21日的2.1100百萬平方公里（差距0.3200百萬平方公里）。",
			"南极海冰范围于2023年2月21日达1.7900百万平方公里（5日平均），为有记录以来2月21日的最低值；前纪录为2017年2月21日的2.1100百万平方公里（差距0.3200百万平方公里）。"},
		{Event{Indicator: "electricity.coal.share", Entity: "ZAF", Kind: AllTime, Direction: "min", Date: "2023",
			Value: 81.1, Unit: "%", Frequency: obs.Annual, Smoothing: "none", Previous: &Holder{Date: "2022", Value: 84.4}, Margin: m(3.3)},
			"Share of coal in electricity generation, South Africa 81.1% in 2023 — lowest on record, previous 84.4% in 2022 (by 3.30 percentage points).",
			"南非的燃煤發電占比於2023年達81.1%，為有紀錄以來最低；前紀錄為2022年的84.4%（差距3.30百分點）。",
			"南非的燃煤发电占比于2023年达81.1%，为有记录以来最低；前纪录为2022年的84.4%（差距3.30百分点）。"},
		{Event{Indicator: "sst.world", Kind: Streak, Direction: "max", Date: "2023-08-06", Value: 21.1, Unit: "degC",
			Frequency: obs.Daily, Smoothing: "none", Streak: &StreakInfo{From: "2023-06-02", Len: 66}, Previous: &Holder{Date: "2016-05-01", Value: 40}},
			"", "全球海面溫度於2023年8月6日連續第66日創同日紀錄高值（自2023年6月2日起）；此前最長連續紀錄為40日，止於2016年5月1日。",
			"全球海表温度于2023年8月6日连续第66日创同日纪录高值（自2023年6月2日起）；此前最长连续纪录为40日，止于2016年5月1日。"},
		{Event{Indicator: "seaice.south", Kind: YearExtrem, Direction: "max", Date: "2023-09-10", Value: 16.96, Unit: "10^6 km^2",
			Frequency: obs.Daily, Smoothing: "none", Rank: 46, Years: 46, RecordOpposite: true},
			"", "南極海冰範圍2023年的年最大值為16.960百萬平方公里，出現於2023年9月10日，為有紀錄以來最低的年最大值。",
			"南极海冰范围2023年的年最大值为16.960百万平方公里，出现于2023年9月10日，为有记录以来最低的年最大值。"},
		{Event{Indicator: "seaice.south", Kind: YearExtrem, Direction: "max", Date: "2024-09-19", Value: 17.16, Unit: "10^6 km^2",
			Frequency: obs.Daily, Smoothing: "none", Rank: 45, Years: 47},
			"", "南極海冰範圍2024年的年最大值為17.160百萬平方公里，出現於2024年9月19日，在47年中排第3低。",
			"南极海冰范围2024年的年最大值为17.160百万平方公里，出现于2024年9月19日，在47年中排第3低。"},
		{Event{Indicator: "co2.emissions", Entity: "CHN", Kind: AllTime, Direction: "max", Date: "2023", Value: 11.9e9, Unit: "t",
			Frequency: obs.Annual, Smoothing: "none", Previous: &Holder{Date: "2022", Value: 11.4e9}, Margin: m(0.5e9), Retracted: true},
			"", "因資料修訂而撤回：中國的化石燃料及工業二氧化碳排放量於2023年達119億噸，為有紀錄以來最高；前紀錄為2022年的114億噸（差距5.000億噸）。",
			"因数据修订而撤回：中国的化石燃料和工业二氧化碳排放量于2023年达119亿吨，为有记录以来最高；前纪录为2022年的114亿吨（差距5.000亿吨）。"},
		{Event{Indicator: "co2.mlo", Kind: MonthRec, Direction: "max", Date: "2024-05", Value: 426.9, Unit: "ppm",
			Frequency: obs.Monthly, Smoothing: "none", Previous: &Holder{Date: "2023-05", Value: 424.0}, Margin: m(2.9)},
			"", "茂納羅亞二氧化碳濃度2024年5月為426.90 ppm，為有紀錄以來5月的最高值；前紀錄為2023年5月的424.00 ppm（差距2.90 ppm）。",
			"冒纳罗亚二氧化碳浓度2024年5月为426.90 ppm，为有记录以来5月的最高值；前纪录为2023年5月的424.00 ppm（差距2.90 ppm）。"},
	}
}

func TestSentenceIn(t *testing.T) {
	for _, c := range sentenceCases() {
		if got := SentenceIn(c.e, i18n.En); got != Sentence(c.e) {
			t.Errorf("English differs from Sentence:\n%s\n%s", got, Sentence(c.e))
		}
		if c.en != "" && Sentence(c.e) != c.en {
			t.Errorf("en\n got %s\nwant %s", Sentence(c.e), c.en)
		}
		for l, want := range map[i18n.Lang]string{i18n.ZhHant: c.hant, i18n.ZhHans: c.hans} {
			got := SentenceIn(c.e, l)
			if got != want {
				t.Errorf("%s %s\n got %s\nwant %s", l, c.e.Kind, got, want)
			}
			// No English word is left in a Chinese sentence (units and
			// producer names in Latin letters are two or three letters).
			for _, w := range strings.FieldsFunc(got, func(r rune) bool { return !unicode.IsLetter(r) || unicode.Is(unicode.Han, r) }) {
				if len(w) > 3 {
					t.Errorf("%s: English word %q in %s", l, w, got)
				}
			}
		}
	}
}

func TestLocalizeCopies(t *testing.T) {
	c := sentenceCases()[0]
	c.e.Sentence = Sentence(c.e)
	evs := []Event{c.e}
	out := Localize(evs, i18n.ZhHans)
	if out[0].Sentence != c.hans || evs[0].Sentence != c.en {
		t.Errorf("Localize: %q; original now %q", out[0].Sentence, evs[0].Sentence)
	}
}

// TestSentenceInRealEvents writes every event detected in the real ONI
// and Antarctic sea-ice files in both Chinese scripts: no template falls
// back to English, no English word is left, and seasons are named by
// their months.
func TestSentenceInRealEvents(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ ind, ds string }{{"oni", "noaa-cpc-oni"}, {"seaice.south", "nsidc-g02135-south-v3"}} {
		evs := detectShared(t, c.ind, c.ds)
		if len(evs) == 0 {
			t.Fatalf("%s: no events", c.ind)
		}
		for _, e := range evs {
			for _, l := range []i18n.Lang{i18n.ZhHant, i18n.ZhHans} {
				s := SentenceIn(e, l)
				for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) || unicode.Is(unicode.Han, r) }) {
					if len(w) > 3 {
						t.Errorf("%s: English word %q in %s", l, w, s)
					}
				}
			}
		}
		if c.ind == "oni" {
			e := find(evs, MonthRec, "2026-06")
			if e == nil {
				t.Fatal("oni: no month record in 2026-06")
			}
			if s := SentenceIn(*e, i18n.ZhHant); !strings.Contains(s, "2026年5–7月") || !strings.Contains(s, "有紀錄以來5–7月的最") {
				t.Errorf("oni 2026-06 in zh-Hant: %s", s)
			}
		}
	}
}

func TestRunSentenceIn(t *testing.T) {
	best := 0.098
	en := RunSentenceIn(i18n.En, "sst.world", DayRecord, "max", obs.Daily, "2026-06-02", "2026-08-06", 66, &best, "degC")
	if en != RunSentence("sst.world", DayRecord, "max", obs.Daily, "2026-06-02", "2026-08-06", 66, &best, "degC") {
		t.Errorf("English run sentence differs: %s", en)
	}
	f := func(l i18n.Lang, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s\n got %s\nwant %s", l, got, want)
		}
	}
	f(i18n.ZhHant, RunSentenceIn(i18n.ZhHant, "sst.world", DayRecord, "max", obs.Daily, "2026-06-02", "2026-08-06", 66, &best, "degC"),
		"全球海面溫度於2026年6月2日至8月6日連續66日創同日紀錄高值，差距最大0.098 °C。")
	f(i18n.ZhHans, RunSentenceIn(i18n.ZhHans, "seaice.north", MonthRec, "min", obs.Daily, "2025-05", "2026-01", 9, nil, "10^6 km^2"),
		"北极海冰范围于2025年5月至2026年1月连续9个月创同月纪录低值。")
}
