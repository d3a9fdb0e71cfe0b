package grid

import (
	"testing"
	"time"
)

func TestPhases(t *testing.T) {
	p := "/work/shared/data/noaa-oisst-v2.1/oisst-avhrr-v02r01.20240724.nc"
	lockC()
	defer unlockC()
	for k := 0; k < 5; k++ {
		t0 := time.Now()
		f, _ := openNC(p)
		t1 := time.Now()
		v := f.varByName("sst")
		lay, _ := f.layoutOf(v)
		t2 := time.Now()
		buf := make([]byte, 720*1440*2)
		d, err := f.readRaw(v, []int{0, 0, 0, 0}, []int{1, 1, 720, 1440}, buf)
		t3 := time.Now()
		pk, _ := newPacking(v)
		s := lay.selectRegion(World)
		reduce(buf, v.typ, &pk, &lay, s, 1440)
		t4 := time.Now()
		f.close()
		t5 := time.Now()
		t.Log(d, err, t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3), t5.Sub(t4))
	}
}
