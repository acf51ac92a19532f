package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/semantic"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/store"
	"github.com/batonhq/baton/bot/text"
)

// matchResult is one line of `baton match` output.
type matchResult struct {
	Query     string  `json:"query"`
	ID        string  `json:"id"`
	Score     float64 `json:"score"`
	Confident bool    `json:"confident"`
	Likely    bool    `json:"likely,omitempty"` // not confident, answered with a hedge
	Guess     bool    `json:"guess,omitempty"`  // neither: asked "are you asking about …?", it first among the topics
	// Serve is what serve replies to the line as the first message of a
	// conversation (the bot turn's kind: answer, likely, rephrase,
	// thanks, handoff ...), and ServeEntries the entries it answers from,
	// one per question asked. It can differ from id: serve answers small
	// talk apart and matches what is left, answers each question of a
	// message, and reads a short thanks as a closing.
	Serve        string   `json:"serve,omitempty"`
	ServeEntries []string `json:"serve_entries,omitempty"`
}

// runMatch is `baton match`: it reads one customer message per stdin line
// and prints, per line, the best knowledge entry as a JSON object (id ""
// when nothing matches). It loads prompts and knowledge exactly as serve
// does and builds the same matcher (understanding), so ops and benchmarks
// see what customers get. With --explain it prints, instead, the top 3
// entries with their scores, the calibrated decision, and why: the
// lexicon rules that rewrote the message and the terms each entry shares
// with it. Problems in the files go to stderr as file:line: message and do
// not stop it, exactly as they do not stop the bot.
func runMatch(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("match", flag.ContinueOnError)
	fl.SetOutput(stderr)
	promptsDir := fl.String("prompts", "", "prompts folder (default $BATON_PROMPTS_DIR, ./prompts, or the built-in one)")
	knowledgeDir := fl.String("knowledge", "", "knowledge folder (default $BATON_KNOWLEDGE_DIR, ./knowledge, or the built-in one)")
	explain := fl.Bool("explain", false, "print the top 3 entries with scores and why, instead of JSON")
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	prompts, knowledgeSrc, err := sources(env, *promptsDir, *knowledgeDir)
	if err != nil {
		fmt.Fprintf(stderr, "baton match: %v\n", err)
		return 2
	}
	opts, closeSem, err := commandUnderstanding(ctx, env, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "baton match: %v\n", err)
		return 2
	}
	defer closeSem()
	set, problems := content.Load(prompts, knowledgeSrc, opts...)
	for _, p := range problems {
		fmt.Fprintln(stderr, p.String())
	}
	// Match as serve does once its vectors are built.
	waitVectors(ctx, set.KB, func(err error) {
		fmt.Fprintf(stderr, "baton match: knowledge vectors not built (%v); matching lexically, as serve does until they are\n", err)
	})

	core, closeCore, err := newServeCore(set)
	if err != nil {
		fmt.Fprintf(stderr, "baton match: %v\n", err)
		return 2
	}
	defer closeCore()
	return perLine("match", fl.Args(), stdin, stdout, stderr, func(w io.Writer, q string) any {
		reply, err := core.reply(ctx, q)
		if err != nil {
			fmt.Fprintf(stderr, "baton match: %v\n", err)
		}
		if *explain {
			explainOne(ctx, w, set.KB, q)
			if err == nil {
				explainServed(w, reply)
			}
			fmt.Fprintln(w)
			return nil
		}
		r := matchResult{Query: q, Serve: reply.Kind, ServeEntries: reply.Entries}
		if m := set.KB.Match(ctx, q, 1); len(m) > 0 {
			r.ID, r.Confident, r.Likely, r.Guess = m[0].ID, m[0].Confident, m[0].Likely, m[0].Guess
			r.Score = math.Round(m[0].Score*1e4) / 1e4
		}
		return r
	})
}

// serveCore is the bot core serve runs, on the same content, with an
// in-memory session store: `baton match` asks it what serve would reply,
// so the matcher's decision on the whole line is never mistaken for the
// customer's answer.
type serveCore struct {
	b        *bot.Bot
	sessions *session.Store
	n        int
	last     bot.Reading // set by the core during reply
}

type fixedContents struct{ set *content.Set }

func (f fixedContents) Current() *content.Set { return f.set }

func newServeCore(set *content.Set) (*serveCore, func(), error) {
	rdb, closeRedis, err := store.Ephemeral(nil)
	if err != nil {
		return nil, nil, fmt.Errorf("in-memory session store: %w", err)
	}
	db, err := store.New(rdb, "match:")
	if err != nil {
		closeRedis()
		return nil, nil, fmt.Errorf("in-memory session store: %w", err)
	}
	c := &serveCore{sessions: session.New(db, session.WithMaxTurns(100))}
	c.b = bot.New(c.sessions, fixedContents{set}, bot.WithReadings(func(r bot.Reading) { c.last = r }))
	return c, closeRedis, nil
}

// serveReply is what serve does with one message.
type serveReply struct {
	Kind    string   // the bot turn's kind
	Entries []string // the entries answered from, one per question
	Matched string   // the text the core matched, when not the message itself
	Reason  string   // why a handoff opened
	Guessed string   // the entry a guess asked about
	// LookAlike says why the best candidate was not read as the message's
	// (bot.Reading.LookAlike).
	LookAlike string
}

// reply runs q through the core as the first message of a new
// conversation. Lines are handled one at a time (perLine), so c.last is
// this line's reading.
func (c *serveCore) reply(ctx context.Context, q string) (serveReply, error) {
	c.n++
	c.last = bot.Reading{}
	ev := bot.Event{Channel: "match", ChatID: strconv.Itoa(c.n), Kind: bot.KindText, Text: q}
	if _, err := c.b.Handle(ctx, ev); err != nil {
		return serveReply{}, fmt.Errorf("serve's reply: %w", err)
	}
	s, ok, err := c.sessions.Get(ctx, ev.ConvID())
	if err != nil || !ok {
		return serveReply{}, fmt.Errorf("serve's reply: session not saved (%v)", err)
	}
	var r serveReply
	for i := len(s.Turns) - 1; i >= 0 && s.Turns[i].Role == "bot"; i-- {
		r.Kind = s.Turns[i].Kind // the first of the turn's replies
	}
	r.Entries, r.Guessed, r.LookAlike = c.last.Entries, c.last.Guessed, c.last.LookAlike
	if m := c.last.Matched; m != "" && m != bot.CleanText(q) && len(r.Entries) > 0 {
		r.Matched = m
	}
	if s.Handoff != nil {
		r.Reason = s.Handoff.Reason
	}
	return r, nil
}

// explainServed prints what serve replies to q, and when that is not the
// whole-line decision printed above, what serve read.
func explainServed(w io.Writer, r serveReply) {
	what := r.Kind
	switch {
	case len(r.Entries) > 1:
		what = fmt.Sprintf("%s from %s (one question each)", r.Kind, strings.Join(r.Entries, ", "))
	case len(r.Entries) == 1:
		what = fmt.Sprintf("%s from %s", r.Kind, r.Entries[0])
	case r.Guessed != "":
		what = fmt.Sprintf("%s: asks whether it is %s", r.Kind, r.Guessed)
	}
	if r.Reason != "" {
		what += " (reason: " + r.Reason + ")"
	}
	fmt.Fprintf(w, "  serve (as a conversation's first message): %s\n", what)
	if r.LookAlike != "" {
		fmt.Fprintf(w, "     look-alike %s (not answered, asked or hedged: its example question's frame with another's subject)\n", r.LookAlike)
	}
	if r.Matched != "" {
		fmt.Fprintf(w, "     matched %q: small talk is answered apart, and a follow-up or one question of several is read on its own\n", r.Matched)
	}
}

// vectorsWait bounds how long `baton match` and `baton check` wait for the
// knowledge vectors before they fall back to the lexical matcher.
const vectorsWait = 10 * time.Minute

// waitVectors waits, when semantic matching is on, until kb's vectors are
// built, so a command sees the fused matcher serve uses once ready. It
// returns that matcher, or nil when matching is lexical; when the build
// fails or takes longer than vectorsWait, it tells failed why and returns
// nil (the command goes on lexically, as serve would).
func waitVectors(ctx context.Context, kb *knowledge.KB, failed func(error)) *semantic.Fused {
	m, ok := kb.Matcher.(*semantic.Matcher)
	if !ok {
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, vectorsWait)
	defer cancel()
	f, err := m.Wait(wctx)
	if err != nil {
		failed(err)
		return nil
	}
	return f
}

// waitRuleVectors is waitVectors for the handoff detector's example
// vectors (nothing to wait for when its vector layer is off).
func waitRuleVectors(ctx context.Context, rules *handoff.Rules, failed func(error)) {
	wctx, cancel := context.WithTimeout(ctx, vectorsWait)
	defer cancel()
	if err := rules.WaitVectors(wctx); err != nil {
		failed(err)
	}
}

// commandUnderstanding is understanding() for a command that matches as
// serve does (match, check, eval): with the vector store commandSemantic
// builds when embeddings are configured, its warnings on stderr. Close it
// when done.
func commandUnderstanding(ctx context.Context, env func(string) string, stderr io.Writer) ([]content.Option, func(), error) {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sem, closeSem, err := commandSemantic(ctx, env, log)
	if err != nil {
		return nil, nil, err
	}
	opts, err := understanding(env, sem)
	if err != nil {
		closeSem()
		return nil, nil, err
	}
	return opts, closeSem, nil
}

// commandSemantic is the vector store `baton match` and `baton check` use
// when semantic matching is configured: with Redis (REDIS_URL) as serve's
// cache when set, so vectors serve built are reused and the other way
// round.
func commandSemantic(ctx context.Context, env func(string) string, log *slog.Logger) (*semantic.Vectors, func(), error) {
	var db *store.DB
	closeRedis := func() {}
	if url := strings.TrimSpace(env("REDIS_URL")); url != "" {
		rdb, err := store.Open(ctx, url)
		if err != nil {
			log.Warn("Redis unavailable; vectors are not cached", "err", err)
		} else {
			prefix := store.DefaultPrefix
			if p := strings.TrimSpace(env(envRedisPrefix)); p != "" {
				prefix = p
			}
			d, err := store.New(rdb, prefix)
			if err != nil {
				rdb.Close()
				return nil, nil, err
			}
			db, closeRedis = &d, func() { rdb.Close() }
		}
	}
	sem, err := newSemantic(env, db, nil, log)
	if err != nil || sem == nil {
		closeRedis()
		return nil, func() {}, err
	}
	return sem, func() { sem.Close(); closeRedis() }, nil
}

// writeBlind says, in one line, which languages the embeddings model does
// not tell apart (nothing when it reads them all).
func writeBlind(w io.Writer, f *semantic.Fused) {
	if blind := f.Blind(); len(blind) > 0 {
		fmt.Fprintf(w, "  the embeddings model does not tell apart questions in %s (their words all get one vector): messages in them are matched lexically\n", strings.Join(blind, ", "))
	}
}

// explainOne prints the matcher's top 3 for the whole of q and why.
func explainOne(ctx context.Context, w io.Writer, kb *knowledge.KB, q string) {
	fmt.Fprintf(w, "%q\n", q)
	ms := kb.Match(ctx, q, 3)
	var cal *knowledge.Calibration
	var why func(string, int) ([]knowledge.Explanation, []text.Use)
	var fused *semantic.Fused
	var rank knowledge.Ranker
	switch m := kb.Matcher.(type) {
	case *knowledge.Calibrated:
		cal, why, rank = m.Cal, m.Explain, m.Rank
	case *semantic.Matcher:
		cal, why, rank = m.Lexical().Cal, m.Lexical().Explain, m.Lexical().Rank
		fused = m.Fused()
	case interface{ Calibration() *knowledge.Calibration }:
		cal = m.Calibration()
	}
	if cal != nil {
		fmt.Fprintf(w, "  decision: confident when lead >= %.2f and score + %.2f×lead + %.2f×covered >= %.3f (lead: score minus the next one; covered: share of the message's words the entry's questions use)\n", cal.Margin, cal.Lead, cal.Cover, cal.Threshold)
		explainTiers(w, cal)
	}
	if rank != nil {
		if c := rank(ctx, q, -1, 1); len(c) > 0 {
			limit := "no limit"
			if cal != nil && cal.MaxUnknown > 0 {
				limit = fmt.Sprintf("confident only up to %.2f", cal.MaxUnknown)
			}
			fmt.Fprintf(w, "  words unknown to the base: %.2f of the message (%s; idf-weighted; Chinese and Korean: characters outside every character pair the base uses)\n", c[0].Unknown, limit)
		}
	}
	var vectors map[string]semantic.VectorScore
	usedVectors := false // the list is fusion's (a sure lexical list is confident, never tied)
	if fused != nil {
		fc := fused.Calibration()
		fmt.Fprintf(w, "  fused decision (when the lexical one is not confident): lead >= %.2f and score + %.2f×lead + %.2f×covered >= %.3f\n", fc.Margin, fc.Lead, fc.Cover, fc.Threshold)
		explainTiers(w, fc)
		for _, l := range fc.PooledReport() {
			fmt.Fprintf(w, "  %s\n", l)
		}
		if l := fused.LeadReport(); l != "" {
			fmt.Fprintf(w, "  %s\n", l)
		}
		writeBlind(w, fused) // the message's own case below
		ids := make([]string, len(ms))
		for i, m := range ms {
			ids[i] = m.ID
		}
		var err error
		if fused.BlindTo(q) {
			fmt.Fprintln(w, "  vectors: not used: this message is in one of those languages")
		} else if vectors, err = fused.Explain(ctx, q, ids); err != nil {
			fmt.Fprintf(w, "  vectors: the embeddings call failed (%v)\n", err)
		} else {
			usedVectors = true
			if hedged, err := fused.LeadHedges(ctx, q); err == nil && hedged {
				fmt.Fprintln(w, "  lead hedge: takes this message's fused first (answered with a hedge unless confident)")
			}
		}
	}
	if len(ms) == 0 {
		fmt.Fprintln(w, "  no entry shares a word with this message")
		return
	}
	byID := map[string]knowledge.Explanation{}
	if why != nil {
		exps, uses := why(q, 3)
		for _, u := range uses {
			fmt.Fprintf(w, "  lexicon: %s -> %s (%s:%d)\n", u.From, u.To, u.File, u.Line)
		}
		for _, e := range exps {
			byID[e.ID] = e
		}
	}
	fmt.Fprintf(w, "  tier: %s\n", ms[0].Tier())
	if ms[0].Tied && len(ms) > 1 {
		var byFusion *semantic.Fused
		if usedVectors {
			byFusion = fused
		}
		explainTie(w, ms, byFusion)
	}
	for i, m := range ms {
		verdict := "not confident"
		switch {
		case m.Confident:
			verdict = "CONFIDENT"
		case m.Likely:
			verdict = "likely (answered with a hedge)"
		case m.Guess:
			verdict = "guess (asked: are you asking about it?)"
		case i > 0:
			verdict = ""
		}
		fmt.Fprintf(w, "  %d. %-30s %.3f  %s\n", i+1, m.ID, m.Score, verdict)
		if e, ok := byID[m.ID]; ok {
			if e.Question != "" {
				fmt.Fprintf(w, "     closest question: %q\n", e.Question)
			}
			var terms []string
			for j, t := range e.Terms {
				if j == 6 {
					break
				}
				terms = append(terms, fmt.Sprintf("%s %.2f", t.Term, t.Share))
			}
			if len(terms) > 0 {
				fmt.Fprintf(w, "     shared terms: %s\n", strings.Join(terms, ", "))
			}
		}
		if v, ok := vectors[m.ID]; ok {
			fmt.Fprintf(w, "     vectors: nearest question %.3f %q, centroid %.3f; lexical %.3f; fused %.3f\n",
				v.Best, v.Question, v.Centroid, v.Lexical, v.Fused)
		}
	}
}

// explainTiers prints the cuts of the tiers below the confident decision.
// explainTie says why a tied list is unsure though its score may meet the
// likely or guess cut printed above: neither tier takes a tied list
// (knowledge.Tied). Fusion ties on its own scale, a share of the first's
// softmax share (fuseParams.tie in bot/semantic), far wider than the
// lexical 2%, so without this line ops see a met cut and an unsure tier.
func explainTie(w io.Writer, ms []knowledge.Match, fused *semantic.Fused) {
	// The lexical tie is not answered confidently either (knowledge's
	// decide); fusion's wider tie only keeps the hedging tiers off.
	scale, rule, share, tiers := "score", "lexical tie rule", knowledge.TieShare(), "no confident answer, likely or guess tier"
	if fused != nil {
		scale, rule, share, tiers = "share", "fused tie rule", fused.TieShare(), "no likely or guess tier"
	}
	apart := 0.0
	if ms[0].Score > 0 {
		apart = (ms[0].Score - ms[1].Score) / ms[0].Score
	}
	fmt.Fprintf(w, "  tied: the runner-up is within %.0f%% of the first's %s (%s: %.3f against %.3f, %.1f%% apart), so %s, whatever the cuts above; both topics are offered\n",
		100*share, scale, rule, ms[0].Score, ms[1].Score, 100*apart, tiers)
}

func explainTiers(w io.Writer, cal *knowledge.Calibration) {
	if cal.Hedge {
		fmt.Fprintf(w, "  likely (answered with a hedge) when not confident and score + %.2f×lead + %.2f×covered >= %.3f\n", cal.LikelyLead, cal.LikelyCover, cal.LikelyThreshold)
	}
	if cal.Guesses {
		capped := ""
		if cal.GuessMaxUnknown > 0 {
			capped = fmt.Sprintf(" and words unknown to the base <= %.2f", cal.GuessMaxUnknown)
		}
		fmt.Fprintf(w, "  guess (asked: are you asking about it?) when neither, score + %.2f×lead + %.2f×covered >= %.3f and score >= %.3f%s\n", cal.GuessLead, cal.GuessCover, cal.GuessThreshold, cal.GuessMinScore, capped)
	}
	for _, l := range cal.PooledReport() {
		fmt.Fprintf(w, "  %s\n", l)
	}
}
