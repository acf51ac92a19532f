package semantic

import (
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bot/content"
)

// TestFusionKeepsTheLexicalHedge: a message the lexical matcher would
// answer with a hedge (likely, not confident) is still hedged once vectors
// are built, when fusion ranks the same entry first, even though the fused
// decision alone rarely hedges (its score saturates). Before, turning
// embeddings on made such customers get "not sure" instead of the answer
// (the eval conversation in bot/eval/testdata/likely.yaml, with the real
// model).
func TestFusionKeepsTheLexicalHedge(t *testing.T) {
	f := newFixture(t)
	set, problems := content.Load(content.Embedded(baton.Files, "prompts"), content.Embedded(baton.Files, "knowledge"),
		content.WithMatcher(content.MatcherFunc(f.v.MatcherFunc)))
	if len(problems) > 0 {
		t.Fatalf("shipped content has problems: %v", problems)
	}
	m, ok := set.KB.Matcher.(*Matcher)
	if !ok {
		t.Fatalf("matcher is %T, want the fused one", set.KB.Matcher)
	}
	fused, err := m.Wait(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	const q = "the coupon I got by email keeps getting rejected when I try to pay"
	lex := m.Lexical().Match(t.Context(), q, 3)
	if len(lex) == 0 || lex[0].Confident || !lex[0].Likely {
		t.Fatalf("lexical Match(%q) = %+v: want a likely, not confident top (else this test shows nothing)", q, lex)
	}
	got := fused.Match(t.Context(), q, 3)
	if len(got) == 0 || got[0].ID != lex[0].ID {
		t.Fatalf("fused Match(%q) = %+v, want %s first as the lexical matcher has it", q, got, lex[0].ID)
	}
	if !got[0].Likely && !got[0].Confident {
		t.Errorf("fused Match(%q) = %+v: neither likely nor confident, so the customer gets \"not sure\" where the lexical matcher hedges", q, got[0])
	}
}
