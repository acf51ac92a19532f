package semantic

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"
	"unicode"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge/suitetest"
	"github.com/batonhq/baton/bot/store"
	"github.com/batonhq/baton/bot/text"
)

// shortDevBases are the dev bases the short-message guard was measured
// on, each with its English dev queries: the shipped base with the even
// lines of its paraphrase suite, and every dev shop (no HELDOUT file)
// with its customer queries. Held-out shops are never loaded.
func shortDevBases(t *testing.T) []struct {
	name string
	know content.Source
	qs   []suitetest.Line
} {
	t.Helper()
	type base = struct {
		name string
		know content.Source
		qs   []suitetest.Line
	}
	var suite []suitetest.Line
	for i, l := range suitetest.Read(t, "en") {
		if i%2 == 0 { // the dev half only
			suite = append(suite, l)
		}
	}
	out := []base{{"shipped", content.Embedded(baton.Files, "knowledge"), suite}}
	for _, shop := range suitetest.Shops(t) {
		if shop.HeldOut {
			continue
		}
		var qs []suitetest.Line
		for _, l := range suitetest.ReadFile(t, shop.Queries) {
			if l.Lang == "en" {
				qs = append(qs, l)
			}
		}
		out = append(out, base{shop.Name, content.Dir(shop.Knowledge), qs})
	}
	return out
}

// devFused builds the fused matcher of a dev base with the real model, its
// vectors cached in Redis (REDIS_URL) as serve caches them.
func devFused(t *testing.T, know content.Source) *Fused {
	t.Helper()
	opts := []VectorsOption{WithQueryTimeout(time.Minute), WithRegisterer(prometheus.NewRegistry()), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))}
	if u := os.Getenv("REDIS_URL"); u != "" {
		c, err := store.Open(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, WithCache(store.DB{Client: c, Keys: store.DefaultKeys()}, "use-lite-en"))
	}
	v, err := NewVectors(realEmbedder(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	set, problems := content.Load(content.Embedded(baton.Files, "prompts"), know, content.WithMatcher(content.MatcherFunc(v.MatcherFunc)))
	if len(problems) > 0 {
		t.Fatalf("content problems: %v", problems)
	}
	m, ok := set.KB.Matcher.(*Matcher)
	if !ok {
		t.Fatalf("matcher is %T, want the fused one", set.KB.Matcher)
	}
	f, err := m.Wait(t.Context())
	if err != nil || f == nil {
		t.Fatalf("building vectors: %v", err)
	}
	return f
}

// maxShortWords is how many content words a short message has at most.
const maxShortWords = 2

// contentWords counts the words of s that say what it is about: its
// Latin-script terms that are not function words (text.IsStopWord).
// Chinese and Korean text counts as long: the model does not read it.
func contentWords(s string) int {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) {
			return maxShortWords + 1
		}
	}
	n := 0
	for _, term := range text.Terms(s) {
		if !text.IsStopWord(term) {
			n++
		}
	}
	return n
}

// TestShortMessagesDev lists, on the dev bases of shortDevBases, every
// English query of at most maxShortWords content words with what the
// fused matcher decides and the evidence a short-message guard reads (one
// was tried on 2026-12-06 and dropped: NOTES, team fused). It
// only logs:
//
//	BATON_MEASURE=1 BATON_EMBED_URL=http://127.0.0.1:8089/v1 REDIS_URL=redis://127.0.0.1:6379 go test -run TestShortMessagesDev -v ./bot/semantic/
func TestShortMessagesDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1 to run it")
	}
	ctx := context.Background()
	for _, b := range shortDevBases(t) {
		f := devFused(t, b.know)
		var n [2][3]int // short or not; confident right, confident wrong, not confident
		for _, l := range b.qs {
			lex := f.lexical.Rank(ctx, l.Query, -1, lexicalTop)
			sure := f.lexical.Cal.Confident(lex)
			vec, err := f.query(ctx, l.Query)
			if err != nil {
				t.Fatal(err)
			}
			_, sig := f.ix.rankSignals(f.p, lex, vec, -1, len(f.ix.ids))
			got := f.Match(ctx, l.Query, 3)
			s := b2i(contentWords(l.Query) <= maxShortWords)
			k := 2
			if len(got) > 0 && got[0].Confident {
				k = b2i(!l.Right(got[0].ID))
			}
			n[s][k]++
			if s == 0 {
				continue
			}
			top, rel := "", 0.0
			if len(lex) > 0 {
				top = lex[0].ID
				rel = 1
				if len(lex) > 1 && lex[0].Score > 0 {
					rel = (lex[0].Score - lex[1].Score) / lex[0].Score
				}
			}
			var gotID, tier string
			if len(got) > 0 {
				gotID, tier = got[0].ID, got[0].Tier().String()
			}
			t.Logf("%s %q want %q: lexical %s sure %v rel-lead %.2f; agree %v vec-lead %.3f cos %.3f; got %s %s",
				b.name, l.Query, l.ID, top, sure, rel, sig.agree, sig.vecGap, sig.cos, gotID, tier)
		}
		t.Logf("%s: short (<= %d content words): confident right %d, wrong %d, not confident %d; longer: %d, %d, %d",
			b.name, maxShortWords, n[1][0], n[1][1], n[1][2], n[0][0], n[0][1], n[0][2])
	}
}
