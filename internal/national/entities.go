package national

import "github.com/stocktake/stocktake/internal/countries"

// The entity table lives in internal/countries, below the parsers; these
// names keep national's API as it was.

// Kind classifies an entity for rankings and world totals.
type Kind = countries.Kind

// Entity is one row of the entity table.
type Entity = countries.Entity

// Entity kinds (see internal/countries).
const (
	Country    = countries.Country
	Historical = countries.Historical
	Area       = countries.Area
	Aggregate  = countries.Aggregate
)

// World is the entity code of the world total in Our World in Data files.
const World = countries.World

// TableError reports a failure to load the embedded entity table.
func TableError() error { return countries.TableError() }

// AggregateCode returns the stable code of an Our World in Data aggregate.
func AggregateCode(name string) (string, error) { return countries.AggregateCode(name) }

// Lookup returns the entity with the given code.
func Lookup(code string) (Entity, bool) { return countries.Lookup(code) }

// Name returns the entity's name, or the code when unknown.
func Name(code string) string { return countries.Name(code) }

// CheckCode reports an unknown entity code.
func CheckCode(code string) error { return countries.CheckCode(code) }

// Resolve maps a code or a name to an entity code.
func Resolve(s string) (string, error) { return countries.Resolve(s) }

// Entities returns the entity table.
func Entities() []Entity { return countries.Entities() }
