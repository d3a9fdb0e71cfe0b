package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	qry "github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/store"
)

// apiError is an error with the HTTP status it answers with.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &apiError{http.StatusNotFound, fmt.Sprintf(format, args...)}
}

// classify maps an error to its status and the message shown to the client:
// a question's *query.Error is 400 when Invalid and 404 otherwise (Unknown,
// NotFound), the store's ErrNotFound and the analyses' ErrNoData are 404 (nothing
// stored for what was asked), a cancelled request 503, anything else 500
// with a generic message (the error itself is logged).
func classify(err error) (int, string) {
	var ae *apiError
	var qe *qry.Error
	switch {
	case errors.As(err, &ae):
		return ae.status, ae.msg
	case errors.As(err, &qe):
		// The questions' messages name fields by their parameter names.
		msg := strings.Replace(qe.Error(), "see 'stocktake list'", "see /api/indicators", 1)
		if qe.Kind == qry.Invalid {
			return http.StatusBadRequest, msg
		}
		return http.StatusNotFound, msg
	case errors.Is(err, store.ErrNotFound), errors.Is(err, qry.ErrNoData):
		return http.StatusNotFound, err.Error()
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "request cancelled"
	}
	return http.StatusInternalServerError, "internal error"
}

// query is a request's query string, already checked for unknown and
// repeated parameters.
type query struct{ url.Values }

// integer reads an integer parameter within [lo, hi]; ok is false when it
// is absent.
func (q query) integer(name string, lo, hi int) (n int, ok bool, err error) {
	v := q.Get(name)
	if v == "" {
		return 0, false, nil
	}
	n, err = strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, false, badRequest("%s=%q: want an integer from %d to %d", name, v, lo, hi)
	}
	return n, true, nil
}

// integerOr reads an integer parameter within [lo, hi], or def when it is
// absent.
func (q query) integerOr(name string, lo, hi, def int) (int, error) {
	n, ok, err := q.integer(name, lo, hi)
	if !ok {
		n = def
	}
	return n, err
}

// boolean reads true/false (also 1/0, yes/no); absent is false.
func (q query) boolean(name string) (bool, error) {
	switch strings.ToLower(q.Get(name)) {
	case "", "false", "0", "no":
		return false, nil
	case "true", "1", "yes":
		return true, nil
	}
	return false, badRequest("%s=%q: want true or false", name, q.Get(name))
}

// enum reads a parameter that takes one of allowed; absent is def.
func (q query) enum(name, def string, allowed ...string) (string, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", badRequest("%s=%q: want one of %s", name, v, strings.Join(allowed, ", "))
}

// list reads a comma-separated parameter, dropping empty items.
func (q query) list(name string) []string {
	var out []string
	for _, s := range strings.Split(q.Get(name), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// sourceHeader is the X-Stocktake-Source header: dataset, producer version
// and file sha256, ASCII only.
func sourceHeader(src store.Source) string {
	if src.Dataset == "" {
		return ""
	}
	return fmt.Sprintf("dataset=%s; version=%+q; sha256=%s", src.Dataset, src.Version, src.SHA256)
}

// resolve turns an indicator reference from the path into its catalog
// entry (query.Resolve); unknown references are 404.
func (s *Server) resolve(ctx context.Context, gc *genCache, id string) (catalog.Ref, error) {
	return qry.Resolve(ctx, s.qs(gc), id)
}
