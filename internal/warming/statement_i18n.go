package warming

import (
	"fmt"

	"github.com/stocktake/stocktake/internal/i18n"
)

// statementFacts are the numbers a Rebased's Statement states: the
// series' own mean (°C, on the producer's baseline; over 1850-1900 for
// Direct, over first..last for WMOCommonPeriod), the reference datasets and
// their mean above 1850-1900 over the same months, the climatology years of
// ERA5Climatology, and whether the values are monthly means of daily ones.
type statementFacts struct {
	first, last  int
	own, refMean float64
	refs         string
	monthlyMeans bool
}

// StatementIn says Statement in l, from the same numbers: English is
// Statement itself.
func (r Rebased) StatementIn(l i18n.Lang) string {
	if !l.Chinese() {
		return r.Statement
	}
	f := r.facts
	var s string
	switch r.Method {
	case Direct:
		s = fmt.Sprintf(i18n.Pick(l, "", "%s直接換算：減去其自身1850–1900年平均（在製作者的基準上為%.3f °C）。", "%s直接换算：减去其自身1850–1900年平均（在制作者的基准上为%.3f °C）。"),
			r.Dataset, f.own)
	case WMOCommonPeriod:
		s = fmt.Sprintf(i18n.Pick(l, "", "%s以WMO共同時段法換算：令其%d–%d年平均（%.3f °C）等於%s在相同月份高於1850–1900年的平均（%.3f °C），偏移量為%+.3f °C。",
			"%s以WMO共同时段法换算：令其%d–%d年平均（%.3f °C）等于%s在相同月份高于1850–1900年的平均（%.3f °C），偏移量为%+.3f °C。"),
			r.Dataset, f.first, f.last, f.own, f.refs, f.refMean, r.Offset)
	case ERA5Climatology:
		s = fmt.Sprintf(i18n.Pick(l, "", "%s：相對於其自身%d–%d年逐日氣候平均值的日距平，加上%.2f °C，即哥白尼氣候變化服務（C3S）公布的1991–2020年高於1850–1900年的幅度（Climate Pulse方法）。",
			"%s：相对于其自身%d–%d年逐日气候平均值的日距平，加上%.2f °C，即哥白尼气候变化服务（C3S）公布的1991–2020年高于1850–1900年的幅度（Climate Pulse方法）。"),
			r.Dataset, f.first, f.last, r.Offset)
	default:
		return r.Statement
	}
	if f.monthlyMeans {
		s += i18n.Pick(l, "", "月值為日距平完整月份的平均。", "月值为日距平完整月份的平均。")
	}
	return s
}
