package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/stocktake/stocktake/internal/buildinfo"
	"github.com/stocktake/stocktake/internal/grid"
	"github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/store"
)

// usageError marks an error caused by how the command was called (bad flag
// values or combinations); main exits with code 2 for it.
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// isCobraUsage recognises cobra's own flag and argument errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument",
		"invalid argument", "accepts ", "requires at least", "requires at most", "required flag", "if any flags in the group"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

const rootLong = `stocktake takes stock of the climate. It ingests the producers' own files
(NSIDC sea ice, NOAA OISST via Climate Reanalyzer, ERA5, NOAA GML greenhouse
gases, NOAA, NASA and Met Office temperature anomalies, national emissions and
energy data) into a local database, keeps the provenance of every value (dataset,
version, file sha256, retrieval time) and answers questions about values,
records, rankings and pledges.

Every command takes --db PATH (default $STOCKTAKE_DB, else
$XDG_DATA_HOME/stocktake/stocktake.db, else ~/.local/share/stocktake/stocktake.db)
and --json for machine-readable output on stdout. Errors go to stderr.
Exit codes: 0 success, 1 bad input or data error, 2 usage error.`

const rootExample = `  # ingest every dataset from a local mirror laid out like ../shared/data
  stocktake update --from ../shared/data
  # what is stored, with coverage and source
  stocktake list
  # Antarctic sea-ice extent around the 2023 record low, as JSON
  stocktake show seaice.south --from 2023-02-17 --to 2023-02-23 --json`

// versionText is what --version prints: the version, the commit and its
// time, the toolchain and platform, and whether the NetCDF reader is built
// in (the "netcdf" build tag).
func versionText() string {
	in := buildinfo.Read()
	commit := in.Commit
	if in.Time != "" {
		commit += ", " + in.Time
	}
	if in.Modified {
		commit += ", modified"
	}
	netcdf := "no (built without -tags netcdf)"
	if grid.NetCDFSupport {
		netcdf = "yes"
	}
	return fmt.Sprintf("stocktake %s\ncommit: %s\ngo: %s %s/%s\nnetcdf: %s\n",
		in.Version, commit, in.GoVersion, runtime.GOOS, runtime.GOARCH, netcdf)
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "stocktake",
		Short:         "Checked climate indicators, records and rankings with full provenance",
		Long:          rootLong,
		Example:       rootExample,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return setupLogging(cmd)
		},
	}
	// --version prints versionText (cobra adds the flag when Version is set).
	root.Version = buildinfo.Read().Version
	root.SetVersionTemplate(versionText())
	root.PersistentFlags().String("db", "", "database file (default $STOCKTAKE_DB or the user data directory)")
	root.PersistentFlags().Bool("json", false, "print machine-readable JSON on stdout")
	root.PersistentFlags().String("log-level", "warn", "log level for stderr: debug, info, warn, error")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newUpdateCmd(), newListCmd(), newShowCmd(), newLineageCmd())
	root.AddCommand(newExtremesCmd(), newRecordsCmd(), newClimatologyCmd(), newAnomaliesCmd(), newTrendCmd())
	root.AddCommand(newRankCmd(), newPeaksCmd(), newCompareCmd(), newPledgesCmd(), newGrowthCmd())
	root.AddCommand(newWatchCmd(), newWebhookCmd(), newEventsCmd())
	root.AddCommand(newGridCmd(), newServeCmd())
	for _, f := range registered {
		root.AddCommand(f())
	}
	return root
}

func setupLogging(cmd *cobra.Command) error {
	lvlName, _ := cmd.Flags().GetString("log-level")
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(lvlName)); err != nil {
		return usagef("--log-level %q: expected debug, info, warn or error", lvlName)
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: lvl})))
	return nil
}

// dbPath returns the database path from --db, $STOCKTAKE_DB or the user's
// data directory.
func dbPath(cmd *cobra.Command) string {
	if p, _ := cmd.Flags().GetString("db"); p != "" {
		return p
	}
	if p := os.Getenv("STOCKTAKE_DB"); p != "" {
		return p
	}
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "stocktake.db"
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "stocktake", "stocktake.db")
}

// openStore opens the database named by the flags; the caller closes it.
func openStore(cmd *cobra.Command) (*store.Store, error) {
	return store.Open(cmd.Context(), dbPath(cmd))
}

// openExistingStore opens the database for a command that only reads it:
// a database that does not exist yet is an error (exit 1) telling how to
// create it, instead of an empty database created as a side effect.
func openExistingStore(cmd *cobra.Command) (*store.Store, error) {
	path := dbPath(cmd)
	if _, err := os.Stat(path); !store.IsPostgres(path) && errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no database at %s yet: run 'stocktake update' first (or point --db or STOCKTAKE_DB at an existing one)", path)
	}
	return store.Open(cmd.Context(), path)
}

// jsonFlag reports whether --json was given.
func jsonFlag(cmd *cobra.Command) bool {
	v, _ := cmd.Flags().GetBool("json")
	return v
}

// printJSON writes v as indented JSON to stdout.
func printJSON(cmd *cobra.Command, v any) error {
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// isTerminal reports whether w is a terminal (progress bars only then).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// flagName spells a request field (query.Error's {field}) as the command
// line does: the flag, or the positional argument it is given as; "field="
// (a value follows) is the flag and a space.
func flagName(field string) string {
	if f, ok := strings.CutSuffix(field, "="); ok {
		return flagName(f) + " "
	}
	switch field {
	case "entities":
		return "ENTITY arguments"
	case "date":
		return "DATE"
	case "cumulative", "all":
		return "--" + field
	}
	return "--" + strings.ReplaceAll(field, "_", "-")
}

// cliErr turns a question's error into the command line's: Invalid and
// Unknown are usage errors (exit 2), NotFound a data error (exit 1), each
// with the fields spelt as flags.
func cliErr(err error) error {
	var qe *query.Error
	if !errors.As(err, &qe) {
		return err
	}
	msg := errors.New(qe.Text(flagName))
	if qe.Kind == query.NotFound {
		return msg
	}
	return usageError{msg}
}

// ask opens the store, answers one question with it and closes it; the
// error is the command line's (cliErr).
func ask[T any](cmd *cobra.Command, q func(ctx context.Context, st query.Store) (T, error)) (T, error) {
	var zero T
	st, err := openExistingStore(cmd)
	if err != nil {
		return zero, err
	}
	defer st.Close()
	res, err := q(cmd.Context(), st)
	if err != nil {
		return zero, cliErr(err)
	}
	return res, nil
}
