package countries

import "testing"

func TestTable(t *testing.T) {
	if err := TableError(); err != nil {
		t.Fatal(err)
	}
	if e, ok := Lookup("FRA"); !ok || e.Kind != Country || e.Name != "France" {
		t.Errorf("FRA: %+v %v", e, ok)
	}
	if err := CheckCode("XXQ"); err == nil {
		t.Error("unknown code XXQ accepted")
	}
	if c, err := AggregateCode("European Union (27)"); err != nil || c != "OWID_EUROPEAN_UNION_27" {
		t.Errorf("AggregateCode = %s, %v", c, err)
	}
}
