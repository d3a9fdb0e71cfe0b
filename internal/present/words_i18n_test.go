package present

import (
	"testing"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/i18n"
)

func TestRecordSentenceIn(t *testing.T) {
	f := func(got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
	r := analysis.OnResult{Kind: analysis.Min, Date: "2023-02-21", Value: 1.788, Unit: "10^6 km^2", RecordForDate: true,
		PreviousForDate: &analysis.Holder{Date: "2017-02-21", Value: 2.1}, RecordAllTime: true}
	f(RecordSentenceIn(i18n.En, r, SentenceStyle{}), RecordSentence(r, SentenceStyle{}))
	f(RecordSentenceIn(i18n.ZhHant, r, SentenceStyle{}), "2月21日紀錄低值：1.79百萬平方公里，前紀錄為2017年；亦為有紀錄以來最低值")
	f(RecordSentenceIn(i18n.ZhHans, r, SentenceStyle{}), "2月21日纪录低值：1.79百万平方公里，前纪录为2017年；亦为有记录以来最低值")
	oni := analysis.OnResult{Kind: analysis.Max, Date: "2026-06", Value: 1.39, Unit: "degC", RecordForDate: true,
		PreviousForDate: &analysis.Holder{Date: "2015-06", Value: 1.19}}
	f(RecordSentenceIn(i18n.ZhHant, oni, SentenceStyle{Resolution: 0.01, Seasonal: true}), "5–7月紀錄高值：1.39 °C，前紀錄為2015年")
	if RecordSentenceIn(i18n.ZhHans, analysis.OnResult{Date: "2023-06-01", Tie: true}, SentenceStyle{}) != "" {
		t.Error("not a record: want no sentence")
	}
	mr := analysis.MonthResult{Kind: analysis.Max, Month: "2023-08", Value: 21.02, Unit: "degC", Record: true,
		Previous: &analysis.MonthHolder{Month: "2016-08", Value: 20.8}}
	f(MonthRecordSentenceIn(i18n.ZhHans, mr, SentenceStyle{}), "8月纪录高值：21.02 °C，前纪录为2016年")
	f(MonthRecordSentenceIn(i18n.En, mr, SentenceStyle{}), MonthRecordSentence(mr, SentenceStyle{}))

	u, up := 2.53, 2.53
	c := analysis.Compare(analysis.Max, 48.80, 46.77, 0.01, &u, &up)
	ann := analysis.OnResult{Date: "2024", Kind: analysis.Max, Value: 48.8, Unit: "10^22 J", RecordForDate: true,
		PreviousForDate: &analysis.Holder{Date: "2022", Value: 46.77}, Comparison: &c}
	f(AnnualRecordSentenceIn(i18n.ZhHant, ann), "有紀錄以來最高的年份：48.80 ×10²² 焦耳，前紀錄為2022年（與2022年在統計上無法區分：48.80 ± 2.53 對 46.77 ± 2.53 ×10²² 焦耳，95%）")
	f(AnnualRecordSentenceIn(i18n.En, ann), "")
	f(UnitIn(i18n.ZhHans, "mm"), "毫米")
	f(UnitIn(i18n.En, "10^6 km^2"), "million km²")
}
