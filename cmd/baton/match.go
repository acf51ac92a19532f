package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	baton "github.com/batonhq/baton"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge"
)

// matchResult is one line of `baton match` output.
type matchResult struct {
	Query     string  `json:"query"`
	ID        string  `json:"id"`
	Score     float64 `json:"score"`
	Confident bool    `json:"confident"`
}

// runMatch is `baton match`: it reads one customer message per stdin line
// and prints, per line, the best knowledge entry as a JSON object (id ""
// when nothing matches). Ops use it to see how the bot will understand
// questions, and to measure a knowledge base against labelled queries.
// Problems in the knowledge files go to stderr as file:line: message and do
// not stop it, exactly as they do not stop the bot.
func runMatch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("match", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dir := fl.String("knowledge", "", "knowledge folder (default $BATON_KNOWLEDGE_DIR, ./knowledge, or the built-in one)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "baton match: unexpected argument %q; queries are read from stdin, one per line\n", fl.Arg(0))
		return 2
	}
	override := *dir
	if override == "" {
		override = os.Getenv("BATON_KNOWLEDGE_DIR")
	}
	src, err := content.Resolve(override, "knowledge", baton.Files, "knowledge")
	if err != nil {
		fmt.Fprintf(stderr, "baton match: %v\n", err)
		return 2
	}
	kb, problems := knowledge.Load(src.FS, src.Root)
	for _, p := range problems {
		if src.Dir != "" {
			p.File = filepath.Join(src.Dir, filepath.FromSlash(p.File))
		}
		fmt.Fprintln(stderr, p.String())
	}

	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		q := strings.TrimSuffix(sc.Text(), "\r")
		r := matchResult{Query: q}
		if m := kb.Match(q, 1); len(m) > 0 {
			r.ID, r.Confident = m[0].ID, m[0].Confident
			r.Score = math.Round(m[0].Score*1e4) / 1e4
		}
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(stderr, "baton match: write: %v\n", err)
			return 1
		}
	}
	if err := sc.Err(); err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "baton match: read stdin: %v\n", err)
		return 1
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "baton match: write: %v\n", err)
		return 1
	}
	return 0
}
