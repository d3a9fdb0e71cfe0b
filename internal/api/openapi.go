package api

import (
	"encoding"
	"encoding/json"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// schemaBaser is implemented by present.WithSource: its JSON is the base
// value's object plus a "source" member.
type schemaBaser interface{ SchemaBase() any }

var (
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	timeType      = reflect.TypeFor[time.Time]()
	numType       = reflect.TypeFor[Num]()
	baserType     = reflect.TypeFor[schemaBaser]()
)

// schemas builds JSON Schemas (2020-12, as OpenAPI 3.1 uses) for Go types
// from their json tags, keeping named structs in components.
type schemas struct {
	defs map[string]any
}

func (sc *schemas) name(t reflect.Type) string {
	n := t.Name()
	if i := strings.IndexByte(n, '['); i >= 0 { // generic instance: WithSource[pkg.T]
		inner := n[i+1 : len(n)-1]
		if j := strings.LastIndexByte(inner, '.'); j >= 0 {
			inner = inner[j+1:]
		}
		n = n[:i] + "_" + inner
	}
	pkg := t.PkgPath()
	if j := strings.LastIndexByte(pkg, '/'); j >= 0 {
		pkg = pkg[j+1:]
	}
	if pkg != "" && pkg != "api" {
		n = pkg + "." + n
	}
	return n
}

// of returns the schema of t (a $ref for named structs).
func (sc *schemas) of(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == numType:
		return map[string]any{"type": []string{"number", "null"}}
	case t.Implements(baserType):
		return sc.ref(t, func() map[string]any {
			base := reflect.Zero(t).Interface().(schemaBaser).SchemaBase()
			obj := sc.structSchema(reflect.TypeOf(base))
			props := obj["properties"].(map[string]any)
			if _, has := props["baseline"]; !has {
				props["baseline"] = map[string]any{"type": "string",
					"description": "Reference period of an anomaly series (e.g. 1901-2000); absent for absolute values."}
			}
			props["source"] = sc.of(reflect.TypeFor[sourceDoc]())
			obj["required"] = append(obj["required"].([]string), "source")
			return obj
		})
	case t.Kind() != reflect.Pointer && t.Implements(jsonMarshaler) && t.Kind() == reflect.Struct:
		// Custom JSON (the climatology slots of qry.Climatology): documented as an object with
		// the lower-case names of its fields.
		return map[string]any{"type": "object", "description": "See the Go type " + sc.name(t) + "."}
	case t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler):
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := sc.of(t.Elem())
		return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": sc.of(t.Elem())}
	case reflect.Array:
		return map[string]any{"type": "array", "items": sc.of(t.Elem()), "minItems": t.Len(), "maxItems": t.Len()}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": sc.of(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Struct:
		return sc.ref(t, func() map[string]any { return sc.structSchema(t) })
	}
	return map[string]any{}
}

func (sc *schemas) ref(t reflect.Type, build func() map[string]any) map[string]any {
	n := sc.name(t)
	if _, ok := sc.defs[n]; !ok {
		sc.defs[n] = map[string]any{} // placeholder against recursion
		sc.defs[n] = build()
	}
	return map[string]any{"$ref": "#/components/schemas/" + n}
}

// structSchema describes a struct's JSON object: members named by json
// tags, embedded structs flattened, omitempty members optional.
func (sc *schemas) structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	required := []string{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if name == "" {
				name = f.Name
			}
			props[name] = sc.of(f.Type)
			if !strings.Contains(opts, "omitempty") {
				required = append(required, name)
			}
		}
	}
	walk(t)
	return map[string]any{"type": "object", "properties": props, "required": required}
}

// sourceDoc documents present.Source under a stable name.
type sourceDoc struct {
	Dataset   string     `json:"dataset"`
	Version   string     `json:"version"`
	SHA256    string     `json:"sha256"`
	URL       string     `json:"url"`
	Retrieved *time.Time `json:"retrieved,omitempty"`
}

// routeExamples returns the parameter values of a route's example request:
// path parameters matched against the pattern ("/api/series/{id}" and
// "/api/series/seaice.south?from=2023" give id=seaice.south, from=2023).
func routeExamples(pattern, example string) map[string]string {
	out := map[string]string{}
	if example == "" {
		return out
	}
	path, query, _ := strings.Cut(example, "?")
	ps, es := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) == len(es) {
		for i, seg := range ps {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				name := strings.TrimSuffix(strings.TrimPrefix(seg, "{"), "}")
				// {file} patterns such as ID.png keep the whole segment.
				out[name] = es[i]
			}
		}
	}
	if q, err := url.ParseQuery(query); err == nil {
		for k, v := range q {
			out[k] = v[0]
		}
	}
	return out
}

// typedExample converts an example taken from a URL to the parameter's
// JSON Schema type, so that integer parameters have integer examples.
func typedExample(typ, v string) any {
	switch typ {
	case "integer":
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	case "number":
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	case "boolean":
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return v
}

// openAPI builds the OpenAPI 3.1 document from the route table.
func (s *Server) openAPI() map[string]any {
	sc := &schemas{defs: map[string]any{}}
	sc.defs["Error"] = map[string]any{"type": "object", "required": []string{"error", "status"},
		"properties": map[string]any{"error": map[string]any{"type": "string"}, "status": map[string]any{"type": "integer"}}}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{
			"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	}
	paths := map[string]any{}
	for _, rt := range s.routes {
		var params []any
		examples := routeExamples(rt.path, rt.example)
		for _, p := range rt.params {
			schema := map[string]any{"type": p.typ}
			if len(p.enum) > 0 {
				schema["enum"] = p.enum
			}
			pm := map[string]any{"name": p.name, "in": p.in, "required": p.required || p.in == "path", "description": p.desc, "schema": schema}
			// Parameter examples come from the route's example request, so
			// that the examples of one operation work together (a national
			// entity is never shown beside a global indicator); a parameter
			// the example request does not use gets none unless it is
			// required.
			if ex, ok := examples[p.name]; ok {
				pm["example"] = typedExample(p.typ, ex)
			} else if p.example != nil && (p.required || p.in == "path") {
				pm["example"] = p.example
			}
			params = append(params, pm)
		}
		if rt.policy == policyData {
			params = append(params, map[string]any{"name": "v", "in": "query", "required": false, "schema": map[string]any{"type": "string"},
				"description": "Data version (X-Stocktake-Data-Version of an earlier response). When it matches the current data version the response is immutable and may be cached for a year."})
		}
		if rt.localized() {
			params = append(params, map[string]any{"name": "Accept-Language", "in": "header", "required": false, "schema": map[string]any{"type": "string"},
				"description": "Language of sentences and chart text when lang= is not given: matched to en, zh-Hant or zh-Hans (zh-TW, zh-HK → zh-Hant; zh-CN, zh → zh-Hans); default en. The answer names its language in Content-Language and varies on Accept-Language.",
				"example":     "zh-TW,zh;q=0.9,en;q=0.5"})
		}
		content := map[string]any{}
		switch r := rt.result.(type) {
		case nil:
			if rt.name == "openapi" {
				content["application/json"] = map[string]any{"schema": map[string]any{"type": "object"}}
			}
		case oneOf:
			var alts []any
			for _, v := range r {
				alts = append(alts, sc.of(reflect.TypeOf(v)))
			}
			content["application/json"] = map[string]any{"schema": map[string]any{"oneOf": alts}}
		default:
			content["application/json"] = map[string]any{"schema": sc.of(reflect.TypeOf(r))}
		}
		for _, f := range rt.formats {
			schema := map[string]any{"type": "string"}
			if strings.HasPrefix(f, "image/png") {
				schema["contentMediaType"] = "image/png"
			}
			content[f] = map[string]any{"schema": schema}
		}
		responses := map[string]any{
			"200": map[string]any{"description": "OK", "content": content},
			"400": errResp("Bad parameters (unknown parameter, bad date, impossible combination)."),
			"404": errResp("Unknown indicator, dataset or entity, or nothing stored for what was asked."),
		}
		if rt.policy != policyNone {
			responses["304"] = map[string]any{"description": "Not modified: If-None-Match matched the ETag."}
		}
		if rt.name == "health" {
			responses["503"] = errResp("The store cannot be read.")
		}
		if rt.localized() {
			responses["200"].(map[string]any)["headers"] = map[string]any{"Content-Language": map[string]any{
				"description": "The language of the answer's words: en, zh-Hant or zh-Hans.", "schema": map[string]any{"type": "string"}}}
		}
		if rt.name == "getChart" {
			// Admission of PNG and SVG pictures (chartguard.go).
			responses["308"] = map[string]any{"description": "PNG or SVG at a width or height that is not a drawn size: the same request at the drawn size (Location; the query re-encoded in key order).",
				"headers": map[string]any{"Location": map[string]any{"schema": map[string]any{"type": "string"}}}}
			retry := map[string]any{"Retry-After": map[string]any{"description": "Seconds to wait before retrying.", "schema": map[string]any{"type": "integer"}}}
			tooMany := errResp("This client (IPv4 address or IPv6 /64) fetched more PNG or SVG pictures than its rate (default 2 per second after a burst of 20).")
			tooMany["headers"] = retry
			busy := errResp("The chart server is busy (every render slot taken, a render past its budget, or the server-wide picture rate reached), or a chart in zh-Hant/zh-Hans was asked of a server without a CJK font: the message names the package to install (fonts-noto-cjk) and STOCKTAKE_CJK_FONT.")
			busy["headers"] = retry
			responses["429"], responses["503"] = tooMany, busy
		}
		op := map[string]any{"operationId": rt.name, "summary": rt.summary, "tags": []string{rt.tag}, "responses": responses}
		desc := rt.description
		if rt.example != "" {
			if desc != "" {
				desc += "\n\n"
			}
			desc += "Example: GET " + rt.example
		}
		if desc != "" {
			op["description"] = desc
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		paths[rt.path] = map[string]any{"get": op}
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "stocktake API",
			"version": s.opts.Version,
			"description": "Checked climate indicators, records, rankings and pledges with the provenance of every number. " +
				"Read-only: every operation is a GET (HEAD works too). Errors are {\"error\", \"status\"}. " +
				"Responses carry a strong ETag (If-None-Match answers 304), X-Stocktake-Data-Version and, for data computed from one dataset, X-Stocktake-Source; " +
				"they are gzip-encoded when accepted. Data responses are Cache-Control: public, max-age=60, must-revalidate (immutable with v= the current data version); " +
				"record events and the feed are no-cache (revalidate every time). Unknown query parameters are refused with 400. " +
				"Sentences, the feed and charts are written in English, 繁體中文 (zh-Hant) or 简体中文 (zh-Hans) by lang= or Accept-Language; their words come from /api/glossary.",
		},
		"paths":      paths,
		"components": map[string]any{"schemas": sc.defs},
	}
}
