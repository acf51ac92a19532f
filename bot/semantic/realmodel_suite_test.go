package semantic

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge/suitetest"
)

// TestRealModelParaphraseSuite runs the English half of the shipped-base
// paraphrase suite (bot/knowledge/testdata/paraphrases) through the fused
// matcher with the real English model in ../shared/embed: the number to
// compare with the lexical TestParaphraseSuite. It reports and does not
// assert a floor (the model is not there in every CI), except that the
// fused matcher answers no worse than the lexical one alone.
func TestRealModelParaphraseSuite(t *testing.T) {
	emb := realEmbedder(t)
	v, err := NewVectors(emb, WithRegisterer(prometheus.NewRegistry()), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	set, problems := content.Load(content.Embedded(baton.Files, "prompts"), content.Embedded(baton.Files, "knowledge"),
		content.WithMatcher(content.MatcherFunc(v.MatcherFunc)))
	if len(problems) > 0 {
		t.Fatalf("shipped content has problems: %v", problems)
	}
	m, ok := set.KB.Matcher.(*Matcher)
	if !ok {
		t.Fatalf("matcher is %T, want the fused one", set.KB.Matcher)
	}
	f, err := m.Wait(t.Context())
	if err != nil || f == nil {
		t.Fatalf("building vectors with the real model: %v", err)
	}
	run := func(name string, match func(q string) (ids []string, note string)) suitetest.Score {
		t.Logf("%s:", name)
		return suitetest.Run(t, "en", match)
	}
	answer := func(fused bool) func(q string) ([]string, string) {
		return func(q string) ([]string, string) {
			got := m.Lexical().Match(context.Background(), q, 3)
			if fused {
				got = f.Match(context.Background(), q, 3)
			}
			if len(got) == 0 {
				return nil, "no candidate"
			}
			note := fmt.Sprintf("top %s %.2f", got[0].ID, got[0].Score)
			if !got[0].Confident {
				return nil, note
			}
			return []string{got[0].ID}, note
		}
	}
	lex := run("lexical", answer(false))
	fused := run("fused", answer(true))
	if fused.Right < lex.Right {
		t.Errorf("fused answers %d lines rightly, lexical %d", fused.Right, lex.Right)
	}
}
