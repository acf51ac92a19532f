package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/bot/gaps"
)

// gapSamplesPerDay caps the misses read per day, as the ops page does.
const gapSamplesPerDay = 400

// runGaps is `baton gaps`: what the bot could not answer, grouped by
// similar wording, and what customers picked from the topic buttons after
// a miss. With --write it adds a cluster's (or a pick's) phrasings to an
// entry's questions:, or drafts a new entry for a cluster; `baton check`
// validates the result and a running `baton serve` reloads it.
func runGaps(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("gaps", flag.ContinueOnError)
	fl.SetOutput(stderr)
	since := fl.String("since", "7d", "window in whole days up to today (UTC)")
	write := fl.Bool("write", false, "write: add phrasings to --entry, or draft --draft")
	entry := fl.String("entry", "", "with --write: the entry whose questions get the phrasings (like payment/methods)")
	draft := fl.String("draft", "", "with --write: the id of a new entry to draft from a cluster (like payment/seashells)")
	lang := fl.String("lang", "", "with --write: the language of the entry file (default: the cluster's most common)")
	pick := fl.String("pick", "", "with --write --entry: take the phrasings customers used before picking this entry")
	dir := fl.String("knowledge", "", "knowledge folder (default $BATON_KNOWLEDGE_DIR or ./knowledge)")
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	if !*write && !noArgs("gaps", fl, stderr) {
		return 2
	}
	days, err := parseDays(*since)
	if err != nil {
		fmt.Fprintf(stderr, "baton gaps: --since %v\n", err)
		return 2
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	rec, closeRedis, code := openStats(cctx, "gaps", env, stderr)
	if code != 0 {
		return code
	}
	defer closeRedis()
	misses, picks, err := rec.Samples(cctx, days, gapSamplesPerDay)
	if err != nil {
		fmt.Fprintf(stderr, "baton gaps: %v\n", err)
		return 1
	}
	clusters := gaps.Clusters(misses, 0)
	picked := gaps.Picks(picks, 0)
	if !*write {
		printGaps(stdout, len(misses), clusters, picked)
		return 0
	}

	folder := *dir
	if folder == "" {
		folder = env("BATON_KNOWLEDGE_DIR")
	}
	if folder == "" {
		folder = "knowledge"
	}
	var phrasings []string
	chosenLang := *lang
	switch {
	case *pick != "":
		if *entry == "" {
			*entry = *pick
		}
		for _, p := range picked {
			if p.Entry == *pick && (chosenLang == "" || p.Lang == chosenLang) {
				chosenLang = p.Lang
				for _, ph := range p.Phrasings {
					phrasings = append(phrasings, ph.Text)
				}
				break
			}
		}
		if len(phrasings) == 0 {
			fmt.Fprintf(stderr, "baton gaps: no picks of %s in the last %d days\n", *pick, days)
			return 1
		}
	default:
		if fl.NArg() != 1 {
			fmt.Fprintln(stderr, "baton gaps --write: name the cluster by its number from `baton gaps` (or use --pick ENTRY)")
			return 2
		}
		n, err := strconv.Atoi(fl.Arg(0))
		if err != nil || n < 1 || n > len(clusters) {
			fmt.Fprintf(stderr, "baton gaps --write: cluster %q: want 1..%d\n", fl.Arg(0), len(clusters))
			return 2
		}
		c := clusters[n-1]
		phrasings = c.Examples
		if chosenLang == "" {
			chosenLang = topLang(c.Langs)
		}
	}
	switch {
	case *draft != "":
		rel, err := gaps.Draft(folder, chosenLang, *draft, phrasings)
		if err != nil {
			fmt.Fprintf(stderr, "baton gaps: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "drafted %s with %d question(s): write the answer, then rename it to .md\n", rel, len(phrasings))
	case *entry != "":
		file, added, err := gaps.AddQuestions(folder, *entry, chosenLang, phrasings)
		if err != nil {
			fmt.Fprintf(stderr, "baton gaps: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "added %d phrasing(s) to %s (%s)\n", added, *entry, file)
	default:
		fmt.Fprintln(stderr, "baton gaps --write: say where: --entry ID (add as questions) or --draft ID (a new entry)")
		return 2
	}
	return 0
}

func topLang(m map[string]int) string {
	best, n := "en", 0
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if m[k] > n {
			best, n = k, m[k]
		}
	}
	return best
}

func printGaps(w io.Writer, misses int, clusters []gaps.Cluster, picked []gaps.Picked) {
	fmt.Fprintf(w, "%d messages not understood, in %d clusters of similar wording\n", misses, len(clusters))
	for i, c := range clusters {
		var langs []string
		for l, n := range c.Langs {
			langs = append(langs, l+" "+strconv.Itoa(n))
		}
		sort.Strings(langs)
		closest := ""
		if c.Likely > 0 {
			closest = fmt.Sprintf("  hedged %d", c.Likely)
		}
		if c.Closest != "" {
			closest += "  closest entry: " + c.Closest
		}
		fmt.Fprintf(w, "%3d. ×%d  %q  [%s]%s\n", i+1, c.Count, c.Label, strings.Join(langs, ", "), closest)
		for _, ex := range c.Examples[1:] {
			fmt.Fprintf(w, "       also %q\n", ex)
		}
	}
	if len(picked) > 0 {
		fmt.Fprintln(w, "\nPicked from the topic buttons after a miss (a phrasing the entry is missing):")
		for _, p := range picked {
			fmt.Fprintf(w, "  %s (%s) ×%d:", p.Entry, p.Lang, p.Count)
			for _, ph := range p.Phrasings {
				fmt.Fprintf(w, " %q", ph.Text)
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintln(w, "\nAdd a cluster to an entry: baton gaps --write --entry ID N; draft a new one: baton gaps --write --draft ID N; picks: baton gaps --write --pick ID")
}
