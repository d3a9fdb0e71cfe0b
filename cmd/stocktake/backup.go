package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
)

func init() { register(newBackupCmd) }

func newBackupCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "backup PATH",
		Short: "Write a consistent copy of the database to a new file, even while it is being updated or served",
		Long: `backup writes a complete copy of the database to PATH (SQLite VACUUM INTO). The
copy is one consistent state: an update or 'serve' may run meanwhile, and the
copy holds either all or none of each update. It is also compacted, so it is
usually smaller than the database file and its -wal file together.

PATH must not exist (a backup never overwrites a file); it is created with mode
0600. The copy is a full stocktake database, history included: use it with
--db PATH, or copy it back in place of the database while nothing runs.

The sqlite3 shell makes an equivalent copy with its online backup API:
  sqlite3 ~/.local/share/stocktake/stocktake.db ".backup /backups/stocktake.db"

With --json: {"db", "backup", "bytes"}.
Exit codes: 0 written, 1 the copy failed, 2 usage error (PATH exists).`,
		Example: `  stocktake backup /backups/stocktake-$(date +%F).db
  stocktake --db /srv/stocktake.db backup /srv/backups/stocktake.db --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if _, err := os.Stat(path); err == nil {
				return usagef("%s already exists; a backup never overwrites a file, choose a new path", path)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			st, err := openExistingStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.Backup(cmd.Context(), path); err != nil {
				return err
			}
			fi, err := os.Stat(path)
			if err != nil {
				return err
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, map[string]any{"db": st.Path(), "backup": path, "bytes": fi.Size()})
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d bytes), a consistent copy of %s\n", path, fi.Size(), st.Path())
			return err
		},
	}
}
