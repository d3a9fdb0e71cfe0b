package main

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
)

func newWebhookCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhook",
		Short: "Register, list and remove receivers of record alerts",
		Long: `Webhooks receive every record event detected after they are registered, as a
JSON POST (the event, its "action" — new, retracted or reinstated — and its
"sentence"). With --secret, the header X-Stocktake-Signature carries
"sha256=" and the hex HMAC-SHA256 of the body under the secret. Failed
deliveries are retried with exponential backoff; their state is kept in the
database, so nothing is lost when stocktake restarts. 'stocktake watch'
delivers them.`,
		Example: `  stocktake webhook add https://example.org/hook --indicator seaice.south --secret s3cret
  stocktake webhook list --json
  stocktake webhook remove 1`,
		Args: cobra.NoArgs,
	}
	var indicators []string
	var secret string
	add := &cobra.Command{
		Use:   "add URL [--indicator ID,...] [--secret S]",
		Short: "Register a webhook",
		Long: `add registers URL (absolute http or https) to receive the record events
detected from now on, of every indicator or only of those given with
--indicator (catalog ids). With --secret each POST is signed: the header
X-Stocktake-Signature is "sha256=" and the hex HMAC-SHA256 of the body.`,
		Example: `  stocktake webhook add https://example.org/hook --indicator seaice.south,sst.world --secret s3cret
  stocktake webhook add http://127.0.0.1:9000/alerts --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, id := range indicators {
				if _, err := catalog.Resolve(strings.TrimSpace(id)); err != nil {
					return usageError{fmt.Errorf("--indicator: %w", err)}
				}
			}
			st, err := openStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			h, err := alerts.AddWebhook(cmd.Context(), st, args[0], indicators, secret)
			if err != nil {
				return usageError{err}
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, h)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "webhook %d added: %s\n", h.ID, h.URL)
			return nil
		},
	}
	add.Flags().StringSliceVar(&indicators, "indicator", nil, "send only events of these indicators (comma-separated; default all)")
	add.Flags().StringVar(&secret, "secret", "", "HMAC-SHA256 signing secret")
	list := &cobra.Command{
		Use:   "list",
		Short: "List webhooks with their delivery counts",
		Long: `list prints every registered webhook: id, URL, the indicators it receives
("all" when not restricted), whether it is signed, and its deliveries pending,
delivered and failed. With --json: {"webhooks":[{...webhook, "pending",
"delivered","failed"}]}.`,
		Example: `  stocktake webhook list
  stocktake webhook list --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openExistingStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			hooks, err := alerts.Webhooks(cmd.Context(), st)
			if err != nil {
				return err
			}
			dels, err := alerts.Deliveries(cmd.Context(), st, 0)
			if err != nil {
				return err
			}
			type row struct {
				alerts.Webhook
				Pending   int `json:"pending"`
				Delivered int `json:"delivered"`
				Failed    int `json:"failed"`
			}
			rows := make([]row, len(hooks))
			for i, h := range hooks {
				rows[i].Webhook = h
				for _, d := range dels {
					if d.Webhook != h.ID {
						continue
					}
					switch d.State {
					case "pending":
						rows[i].Pending++
					case "delivered":
						rows[i].Delivered++
					default:
						rows[i].Failed++
					}
				}
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, map[string]any{"webhooks": rows})
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tURL\tINDICATORS\tSIGNED\tPENDING\tDELIVERED\tFAILED")
			for _, r := range rows {
				inds := strings.Join(r.Indicators, ",")
				if inds == "" {
					inds = "all"
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%v\t%d\t%d\t%d\n", r.ID, r.URL, inds, r.HasSecret, r.Pending, r.Delivered, r.Failed)
			}
			return w.Flush()
		},
	}
	remove := &cobra.Command{
		Use:   "remove ID",
		Short: "Remove a webhook and its pending deliveries",
		Long: `remove deletes the webhook with the id shown by 'stocktake webhook list',
with its pending deliveries. With --json: {"removed": ID}.`,
		Example: `  stocktake webhook remove 3`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usagef("webhook id %q: want a number (see 'stocktake webhook list')", args[0])
			}
			st, err := openExistingStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := alerts.RemoveWebhook(cmd.Context(), st, id); err != nil {
				return err
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, map[string]any{"removed": id})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "webhook %d removed\n", id)
			return nil
		},
	}
	cmd.AddCommand(add, list, remove)
	return cmd
}

func newEventsCmd() *cobra.Command {
	var indicators []string
	var limit int
	var historical bool
	cmd := &cobra.Command{
		Use:   "events [--indicator ID,...] [--limit N] [--historical]",
		Short: "List recent record events with their sentences",
		Long: `events lists the record events detected by 'update' and 'watch', most recently
updated first: records for the date, the month and all time, record streaks
and annual extremes, with retractions. Events found by a dataset's first scan
are historical and only listed with --historical. See docs/alerts.md.`,
		Example: `  stocktake events --indicator seaice.south --limit 10
  stocktake events --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 1 || limit > 1000 {
				return usagef("--limit %d: want 1 to 1000", limit)
			}
			st, err := openExistingStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			evs, _, err := alerts.List(cmd.Context(), st, alerts.Query{Indicators: indicators, Limit: limit, Historical: historical})
			if err != nil {
				return err
			}
			if jsonFlag(cmd) {
				if evs == nil {
					evs = []alerts.Event{}
				}
				return printJSON(cmd, map[string]any{"events": evs})
			}
			if len(evs) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no events")
				return nil
			}
			for _, e := range evs {
				fmt.Fprintf(cmd.OutOrStdout(), "%s  %s\n", e.UpdatedAt.UTC().Format("2006-01-02 15:04"), e.Sentence)
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&indicators, "indicator", nil, "only these indicators (comma-separated)")
	cmd.Flags().IntVar(&limit, "limit", 20, "number of events")
	cmd.Flags().BoolVar(&historical, "historical", false, "include events of the baseline scans")
	return cmd
}
