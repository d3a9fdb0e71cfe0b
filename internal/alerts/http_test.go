package alerts

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/testutil"
)

// TestHTTPParameters checks the parameter rules that the standalone
// handlers share with the API: unknown or repeated parameters and bad
// values are 400, unknown indicators 404, and every error body is the API's
// {"error", "status"}.
func TestHTTPParameters(t *testing.T) {
	t.Parallel()
	st := openStore(t, testutil.DB(t))
	defer st.Close()
	h := Handler(st, HTTPOptions{})
	f := func(target string, status int, contains string) {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != status {
			t.Errorf("GET %s: %d, want %d: %s", target, rec.Code, status, rec.Body)
			return
		}
		if status == http.StatusOK {
			return
		}
		var e struct {
			Error  string `json:"error"`
			Status int    `json:"status"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Status != status || !strings.Contains(e.Error, contains) {
			t.Errorf("GET %s: body %s, want status %d and %q", target, rec.Body, status, contains)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s: Cache-Control %q", target, cc)
		}
	}
	f("/api/events?limit=5&historical=1&since=2023-03-01&indicator=sst.world,co2.mlo", 200, "")
	f("/api/events?cursor=2023-03-20T00:00:00.000000000Z/12", 200, "")
	f("/feed.xml?indicator=sst.world", 200, "")
	f("/api/events?foo=1", 400, `unknown parameter "foo"`)
	f("/api/events?limit=-1", 400, `limit="-1"`)
	f("/api/events?limit=1001", 400, "1 to 1000")
	f("/api/events?cursor=garbage", 400, "cursor")
	f("/api/events?cursor=2023-03-20T00:00:00Z/0", 400, "cursor")
	f("/api/events?historical=2", 400, "historical")
	f("/api/events?limit=1&limit=2", 400, "more than once")
	f("/api/events?indicator=nope", 404, `unknown indicator "nope"`)
	f("/feed.xml?indicator=nope", 404, `unknown indicator "nope"`)
	f("/feed.xml?indicator=seaice.north@4.0", 400, "@VERSION")
	f("/feed.xml?limit=1", 400, `unknown parameter "limit"`)

	// The empty feed is dated by a fixed time, so it is the same from one
	// request to the next.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/feed.xml", nil))
	if !strings.Contains(rec.Body.String(), "<updated>1970-01-01T00:00:00Z</updated>") {
		t.Errorf("empty feed: %s", rec.Body)
	}
}
