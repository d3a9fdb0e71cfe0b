// Package stations keeps GHCN-Daily station values in a Parquet archive that
// is queried in-process with DuckDB, and derives station records from it.
package stations

import (
	_ "github.com/duckdb/duckdb-go/v2" // Registers the "duckdb" database/sql driver.
)
