package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/store"
)

func init() { register(newRestoreCmd) }

// restoreOutput is the --json answer of 'restore DATASET --version N'.
type restoreOutput struct {
	Dataset      string `json:"dataset"`
	RestoredFrom int64  `json:"restored_from"`
	Version      int64  `json:"version"` // the new version row (RestoredFrom when unchanged)
	Unchanged    bool   `json:"unchanged"`
	Rows         int    `json:"rows"`
	Deleted      int    `json:"deleted"`
	Events       struct {
		New       int `json:"new"`
		Retracted int `json:"retracted"`
	} `json:"events"`
}

func newRestoreCmd() *cobra.Command {
	var version int64
	var list bool
	cmd := &cobra.Command{
		Use:   "restore DATASET (--version N | --list)",
		Short: "Bring back the values of an earlier version of a dataset (undo an update)",
		Long: `restore brings a dataset back to exactly the values (and producer climatologies)
one of its earlier versions had, for instance after 'update --allow-shrink'
accepted a truncated file. DATASET is a dataset id or an indicator id (its
default dataset); --list shows the dataset's versions, which of them can be
restored, and which were written by a restore.

Every value an update revises or deletes is kept in the history tables with
the version that supplied it, so no file needs to be fetched again. The restore
is written as a NEW version (history is never rewritten): it carries the old
version's checksum and source and says "restored from version N"; values it
brings back name it in 'lineage', unchanged values keep their version. Record
events are then reconciled as after an update: events the restored values
support again are reinstated, and the notices are queued for webhooks (sent by
the next update or by 'stocktake watch'). A restore can itself be restored.

Versions ingested before history was kept, and the versions before them, cannot
be restored (ingest the old file again). Gridded series (grid ingest) keep no
history: each day is its own file, so ingest that day's file again.

The next 'update' applies the producer's file again if it differs from the
restored one; the shrink guard refuses a truncated file as before.

With --json: --list prints {"dataset", "versions": [{"id", "dataset", "version",
"source", "sha256", "size", "retrieved", "ingested", "rows", "current",
"restored_from", "restorable"}]}; --version prints {"dataset", "restored_from",
"version", "unchanged", "rows", "deleted", "events": {"new", "retracted"}}.
Exit codes: 0 restored (or already current), 1 unknown or unrestorable version,
2 usage error.`,
		Example: `  stocktake restore co2.mlo --list
  stocktake restore noaa-gml-co2-mlo-monthly --version 12
  stocktake restore co2.mlo --version 12 --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if list == cmd.Flags().Changed("version") {
				return usagef("give either --version N (the version to bring back) or --list (to see the versions)")
			}
			if !list && version <= 0 {
				return usagef("--version %d: expected a version id from 'stocktake restore %s --list'", version, args[0])
			}
			dsID, ds, known, err := restoreDataset(args[0])
			if err != nil {
				return err
			}
			st, err := openExistingStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			if list {
				return printRestoreList(cmd, st, dsID)
			}
			res, err := st.Restore(cmd.Context(), dsID, version)
			if err != nil {
				return err
			}
			out := restoreOutput{Dataset: dsID, RestoredFrom: version, Version: res.VersionID, Unchanged: res.Unchanged, Rows: res.Rows, Deleted: res.Deleted}
			if !res.Unchanged && known {
				// The same reconciliation an update runs after an ingest.
				fresh, retracted, err := alerts.Detect(cmd.Context(), st, ds, res.VersionID)
				if err != nil {
					return fmt.Errorf("the values of version %d are restored (version %d), but record-event detection failed; "+
						"the next 'stocktake update' retries it: %w", version, res.VersionID, err)
				}
				out.Events.New, out.Events.Retracted = len(fresh), len(retracted)
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, out)
			}
			w := cmd.OutOrStdout()
			if res.Unchanged {
				_, err := fmt.Fprintf(w, "%s: version %d is the current version; nothing changed\n", dsID, version)
				return err
			}
			_, err = fmt.Fprintf(w, "%s: restored version %d as version %d: %d values written, %d deleted; record events: %d new or reinstated, %d retracted\n",
				dsID, version, res.VersionID, res.Rows, res.Deleted, out.Events.New, out.Events.Retracted)
			return err
		},
	}
	cmd.Flags().Int64Var(&version, "version", 0, "id of the version to bring back (see --list or 'stocktake list --datasets')")
	cmd.Flags().BoolVar(&list, "list", false, "list the dataset's versions and whether each can be restored")
	return cmd
}

// restoreDataset resolves DATASET: a catalog dataset id or an indicator id
// (known is true, ds its dataset), or a gridded series "grid:ID" (known is
// false; the store refuses it with its reason).
func restoreDataset(arg string) (id string, ds catalog.Dataset, known bool, err error) {
	if d, ok := catalog.DatasetByID(arg); ok {
		return d.ID, d, true, nil
	}
	if strings.HasPrefix(arg, "grid:") {
		return arg, catalog.Dataset{}, false, nil
	}
	ref, rerr := catalog.Resolve(arg)
	if rerr != nil {
		return "", catalog.Dataset{}, false, usagef("%q is neither a dataset id nor an indicator id (see 'stocktake list --datasets'); "+
			"a gridded series is named grid:ID", arg)
	}
	return ref.Dataset.ID, ref.Dataset, true, nil
}

// printRestoreList prints the versions of one dataset, newest first.
func printRestoreList(cmd *cobra.Command, st *store.Store, dataset string) error {
	hs, err := st.VersionHistory(cmd.Context(), dataset)
	if err != nil {
		return err
	}
	if len(hs) == 0 {
		return fmt.Errorf("%s: no version stored in %s: %w", dataset, st.Path(), store.ErrNotFound)
	}
	if jsonFlag(cmd) {
		return printJSON(cmd, map[string]any{"dataset": dataset, "versions": hs})
	}
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tCURRENT\tRESTORABLE\tINGESTED\tROWS\tSHA256\tNOTE")
	for _, h := range hs {
		note := ""
		if h.RestoredFrom != 0 {
			note = fmt.Sprintf("restored from version %d", h.RestoredFrom)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", h.ID, restoreYesNo(h.Current), restoreYesNo(h.Restorable),
			h.Ingested.Format("2006-01-02 15:04"), h.Rows, h.SHA256[:min(12, len(h.SHA256))], note)
	}
	return w.Flush()
}

// restoreYesNo renders a flag of the version list.
func restoreYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
