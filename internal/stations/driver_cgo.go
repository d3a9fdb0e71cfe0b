//go:build cgo

package stations

// The DuckDB driver is linked into cgo builds only: it is a C++ library.
import _ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver

// duckDBBuiltIn reports whether this build has the DuckDB driver.
const duckDBBuiltIn = true
