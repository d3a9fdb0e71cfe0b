package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/query"
)

func newWebhookCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhook",
		Short: "Register, list and remove receivers of record alerts",
		Long: `Webhooks receive every record event detected after they are registered, as a
JSON POST (the event, its "action" — new, retracted or reinstated — and its
"sentence"), signed per Standard Webhooks: headers webhook-id, webhook-timestamp
and webhook-signature ("v1," and the base64 HMAC-SHA256 of "id.timestamp.body"
under the base64-decoded whsec_ secret), so stock verification libraries work.
Receivers on loopback, private or link-local addresses are refused unless
--allow-private-targets is given (here and to update/watch). Failed
deliveries are retried with exponential backoff; their state is kept in the
database, so nothing is lost when stocktake restarts. 'stocktake watch'
delivers them.`,
		Example: `  stocktake webhook add https://example.org/hook --indicator seaice.south
  stocktake webhook list --json
  stocktake webhook remove 1`,
		Args: cobra.NoArgs,
	}
	var indicators []string
	var secretFile, secretEnv, secretArg string
	var unsigned, allowPrivate bool
	add := &cobra.Command{
		Use:   "add URL [--indicator ID,...] [--secret-file F | --secret-env VAR | --unsigned]",
		Short: "Register a webhook",
		Long: `add registers URL (absolute http or https) to receive the record events
detected from now on, of every indicator or only of those given with
--indicator (catalog ids). Each POST is signed (Standard Webhooks) with a
whsec_ secret read from --secret-file or the environment variable named by
--secret-env, or else generated and printed once (store it in the receiver;
it is not shown again). A secret is never accepted on the command line, where
ps and the shell history would show it. --unsigned registers without one.
The database file is made readable by its owner only (0600). With --json:
{"webhook": {...}, "secret": "whsec_..."} (secret only when generated).`,
		Example: `  stocktake webhook add https://example.org/hook --indicator seaice.south,sst.world
  STOCKTAKE_WEBHOOK_SECRET=whsec_... stocktake webhook add https://example.org/hook --secret-env STOCKTAKE_WEBHOOK_SECRET
  stocktake webhook add http://127.0.0.1:9000/alerts --allow-private-targets --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, id := range indicators {
				if _, err := catalog.Resolve(strings.TrimSpace(id)); err != nil {
					return usageError{fmt.Errorf("--indicator: %w", err)}
				}
			}
			secret, generated, err := webhookSecret(secretArg, secretFile, secretEnv, unsigned)
			if err != nil {
				return err
			}
			st, err := openStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			h, err := alerts.AddWebhook(cmd.Context(), st, args[0], indicators, secret, allowPrivate)
			if err != nil {
				return usageError{err}
			}
			if jsonFlag(cmd) {
				if generated {
					return printJSON(cmd, map[string]any{"webhook": h, "secret": secret})
				}
				return printJSON(cmd, map[string]any{"webhook": h})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "webhook %d added: %s\n", h.ID, alerts.MaskURL(h.URL))
			if generated {
				fmt.Fprintf(cmd.OutOrStdout(), "signing secret (shown once): %s\n", secret)
			}
			return nil
		},
	}
	add.Flags().StringSliceVar(&indicators, "indicator", nil, "send only events of these indicators (comma-separated; default all)")
	add.Flags().StringVar(&secretArg, "secret", "", "refused: secrets are read from --secret-file or --secret-env")
	_ = add.Flags().MarkHidden("secret")
	add.Flags().StringVar(&secretFile, "secret-file", "", "read the whsec_ signing secret from this file")
	add.Flags().StringVar(&secretEnv, "secret-env", "", "read the whsec_ signing secret from this environment variable")
	add.Flags().BoolVar(&unsigned, "unsigned", false, "register without a signing secret")
	add.Flags().BoolVar(&allowPrivate, "allow-private-targets", false, "accept a receiver on a loopback, private or link-local address")
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
				fmt.Fprintf(w, "%d\t%s\t%s\t%v\t%d\t%d\t%d\n", r.ID, alerts.MaskURL(r.URL), inds, r.HasSecret, r.Pending, r.Delivered, r.Failed)
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

// webhookSecret returns the secret of 'webhook add': from a file, from an
// environment variable, none when unsigned, or a new one (generated true).
// A secret given on the command line is a usage error.
func webhookSecret(arg, file, env string, unsigned bool) (secret string, generated bool, err error) {
	if arg != "" {
		return "", false, usagef("--secret: secrets are not accepted on the command line (ps and shell history show them); use --secret-file or --secret-env")
	}
	n := 0
	for _, set := range []bool{file != "", env != "", unsigned} {
		if set {
			n++
		}
	}
	if n > 1 {
		return "", false, usagef("give at most one of --secret-file, --secret-env and --unsigned")
	}
	switch {
	case unsigned:
		return "", false, nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", false, usagef("--secret-file: %v", err)
		}
		secret = strings.TrimSpace(string(b))
	case env != "":
		secret = strings.TrimSpace(os.Getenv(env))
		if secret == "" {
			return "", false, usagef("--secret-env %s: the variable is empty or unset", env)
		}
	default:
		return alerts.NewSecret(), true, nil
	}
	if err := alerts.CheckSecret(secret); err != nil {
		return "", false, usageError{err}
	}
	return secret, false, nil
}

func newEventsCmd() *cobra.Command {
	var indicators, kinds []string
	var since, cursor, recent, lang string
	var limit int
	var historical, all bool
	cmd := &cobra.Command{
		Use:   "events [--indicator ID,...] [--kind K,...] [--since T] [--limit N] [--cursor C | --all] [--historical] | events --recent 12m",
		Short: "List recent record events with their sentences, a page at a time",
		Long: `events lists the record events detected by 'update' and 'watch', most recently
updated first: records for the date, the month and all time, record streaks
and annual extremes, and the Paris thresholds crossed (days, months, 12-month
periods and years at or above 1.5 or 2.0 °C above 1850-1900, the first day at
or above each, the longest runs), with retractions. --kind keeps some kinds
(e.g. --kind above-1.5-day,first-above-2.0-day). Events found by a dataset's
first scan are historical and only listed with --historical. See
docs/alerts.md.

--recent WINDOW (e.g. 12m, 90d, 2y) instead lists the records of the recent
past whatever scan found them, counted back from each series' latest value,
newest first: consecutive records of one series and kind are one line (a
run of 66 days reads as one), and those found when the data were first
loaded are marked. With --json the output is GET /api/events/recent's body.
--lang writes the sentences and titles in zh-Hant or zh-Hans, as lang= does.

Events come in pages of --limit (1 to 1000, default 50), like GET /api/events:
the next page's cursor is printed last ("next page: --cursor C") and given
back with --cursor; --all follows every page. With --json the output is the
API's body, {"events": [...], "next": cursor or null} (--all: every page's
events and "next": null).`,
		Example: `  stocktake events --indicator seaice.south --limit 10
  stocktake events --limit 10 --cursor 2026-12-01T06:00:00.123Z/4312
  stocktake events --historical --since 2024-01-01 --all --json
  stocktake events --historical --kind above-1.5-year,first-above-2.0-day
  stocktake events --recent 12m --indicator sst.world`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := i18n.Parse(lang)
			if err != nil {
				return usagef("--lang: %v", err)
			}
			if cmd.Flags().Changed("recent") {
				for _, f := range []string{"since", "limit", "cursor", "all", "historical", "kind"} {
					if cmd.Flags().Changed(f) {
						return usagef("--recent lists grouped runs of records; it takes no --%s", f)
					}
				}
				return printRecent(cmd, query.RecentRequest{Recent: recent, Indicator: strings.Join(indicators, ","), Lang: string(l)})
			}
			if all && cursor != "" {
				return usagef("give --cursor or --all, not both (--all starts at the newest event)")
			}
			req := query.EventsRequest{Indicator: strings.Join(indicators, ","), Kind: strings.Join(kinds, ","), Since: since, Limit: strconv.Itoa(limit), Cursor: cursor,
				Historical: strconv.FormatBool(historical)}
			st, err := openExistingStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			answer := query.Events
			if all {
				answer = query.AllEvents
			}
			res, err := answer(cmd.Context(), st, req)
			if err != nil {
				return cliErr(err)
			}
			res.Events = alerts.Localize(res.Events, l)
			if jsonFlag(cmd) {
				return printJSON(cmd, res.JSON())
			}
			out := cmd.OutOrStdout()
			if len(res.Events) == 0 {
				fmt.Fprintln(out, "no events")
			}
			for _, e := range res.Events {
				fmt.Fprintf(out, "%s  %s\n", e.UpdatedAt.UTC().Format("2006-01-02 15:04"), e.Sentence)
			}
			if res.Next != "" {
				fmt.Fprintf(out, "next page: --cursor %s\n", res.Next)
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&indicators, "indicator", nil, "only these indicators (comma-separated catalog ids)")
	cmd.Flags().StringSliceVar(&kinds, "kind", nil, "only these event kinds (comma-separated: "+alerts.EventKindsText()+")")
	cmd.Flags().StringVar(&since, "since", "", "only events updated at or after this time (RFC 3339 or YYYY-MM-DD)")
	cmd.Flags().IntVar(&limit, "limit", query.DefaultEventsLimit, "events per page (1 to 1000)")
	cmd.Flags().StringVar(&cursor, "cursor", "", "continue after a previous page (its next cursor)")
	cmd.Flags().BoolVar(&all, "all", false, "follow every page")
	cmd.Flags().BoolVar(&historical, "historical", false, "include events of the baseline scans")
	cmd.Flags().StringVar(&lang, "lang", "en", "language of the sentences and titles: en, zh-Hant or zh-Hans (as lang= of GET /api/events and /api/events/recent)")
	cmd.Flags().StringVar(&recent, "recent", query.DefaultRecent, "list the records of this recent window (e.g. 12m, 90d, 2y) grouped into runs, first-load ones included")
	return cmd
}

// printRecent answers 'events --recent': one line per run, newest first,
// "(found at first load)" marking runs found by a dataset's first scan.
func printRecent(cmd *cobra.Command, req query.RecentRequest) error {
	st, err := openExistingStore(cmd)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := query.Recent(cmd.Context(), st, req)
	if err != nil {
		return cliErr(err)
	}
	if jsonFlag(cmd) {
		return printJSON(cmd, res)
	}
	out := cmd.OutOrStdout()
	if len(res.Runs) == 0 {
		fmt.Fprintf(out, "no records in the last %s of any series\n", res.Recent)
	}
	for _, r := range res.Runs {
		mark := ""
		if r.FirstLoad {
			mark = "  (found at first load)"
		}
		fmt.Fprintf(out, "%-10s  %s%s\n", r.Last, r.Sentence, mark)
	}
	return nil
}
