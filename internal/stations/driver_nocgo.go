//go:build !cgo

package stations

// duckDBBuiltIn reports whether this build has the DuckDB driver: a build
// without cgo has not, and Open returns ErrNoDuckDB.
const duckDBBuiltIn = false
