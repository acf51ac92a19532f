package semantic

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton/bot/knowledge"
)

// The semantic path end to end with a real sentence-embedding model
// (../shared/embed, started by the test): messages that share no word with
// the right entry's questions still find it, with one embeddings call each.
func TestRealModelFindsParaphrases(t *testing.T) {
	emb := realEmbedder(t)
	reg := prometheus.NewRegistry()
	v, err := NewVectors(emb, WithRegisterer(reg), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	kb := loadKB(t, shop)
	m := v.MatcherFunc(t.Context(), kb, nil, knowledge.CalibrationConfig{OffTopic: offTopic}).(*Matcher)
	f, err := m.Wait(t.Context())
	if err != nil {
		t.Fatalf("building vectors with the real model: %v", err)
	}
	for text, want := range map[string]string{
		"my stuff, when does it get here?":  "shipping/times",
		"I would like my money back":        "returns/policy",
		"the login page keeps rejecting me": "account/reset",
	} {
		calls := f.queryCalls(reg)
		got := m.Match(context.Background(), text, 3)
		if len(got) == 0 || got[0].ID != want {
			t.Errorf("Match(%q) = %+v, want %s first", text, got, want)
		}
		if lex := m.Lexical().Match(context.Background(), text, 1); len(lex) > 0 && lex[0].Confident {
			continue // answered lexically, no call expected
		}
		if n := f.queryCalls(reg) - calls; n != 1 {
			t.Errorf("Match(%q): %v embeddings calls, want 1", text, n)
		}
	}
}
