package grid

import "testing"

func TestQuick(t *testing.T) {
	r, err := MeanFile("/work/shared/data/noaa-oisst-v2.1/oisst-avhrr-v02r01.20240724.nc", "sst", []Region{World, NatLan, Nino34})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range r {
		t.Logf("%+v", x)
	}
}

func BenchmarkQuick(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_, err := MeanFile("/work/shared/data/noaa-oisst-v2.1/oisst-avhrr-v02r01.20240724.nc", "sst", []Region{World})
		if err != nil {
			b.Fatal(err)
		}
	}
}
