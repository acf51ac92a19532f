package semantic

import (
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/lang"
)

// A message's language, for the model's blindness, is the script most of
// it is written in, not one letter: an English question with a Korean
// address is English to an English-only model and keeps semantic
// matching (one embeddings call, fused), while a Korean question with a
// Latin brand name stays lexical. Before, one Hangul syllable made the
// first Korean (lang.FromScript) and it lost semantic matching.
func TestBlindLanguageIsTheDominantScript(t *testing.T) {
	f := newFixtureWith(t, englishOnly)
	kb := loadKBLangs(t, shop, shopKoZh)
	m := f.v.MatcherFunc(t.Context(), kb, nil, knowledge.CalibrationConfig{OffTopic: offTopicKo}).(*Matcher)
	fu, err := m.Wait(t.Context())
	if err != nil {
		t.Fatalf("building vectors: %v", err)
	}
	if got := fu.Blind(); len(got) != 2 {
		t.Fatalf("Blind() = %v, want [ko zh]: the test proves nothing otherwise", got)
	}
	for _, c := range []struct {
		q     string
		calls int
		path  string
	}{
		{"will it get to 서울시 강남구 테헤란로 by friday", 1, pathFused},
		{"could it reach my office at 北京市朝阳区 before the weekend", 1, pathFused},
		{"Kumo 포장 뜯었어요 반품 되나요", 0, pathBlind},
		{"Kumo 包装拆了还能退不", 0, pathBlind},
	} {
		if lex := m.Lexical().Rank(t.Context(), c.q, -1, lexicalTop); m.Lexical().Cal.Confident(lex) {
			t.Fatalf("%q is lexically confident: not a test of the fused path", c.q)
		}
		if c.path == pathFused && lang.FromScript(c.q) == "en" {
			t.Fatalf("%q: FromScript says en, so it tests nothing new", c.q)
		}
		if got := fu.BlindTo(c.q); got != (c.path == pathBlind) {
			t.Errorf("BlindTo(%q) = %v", c.q, got)
		}
		before := len(f.srv.Embedded())
		prev := f.counter(t, "baton_semantic_matches_total", "path", c.path)
		m.Match(t.Context(), c.q, 3)
		if n := len(f.srv.Embedded()) - before; n != c.calls {
			t.Errorf("%q: %d embeddings calls, want %d", c.q, n, c.calls)
		}
		if n := f.counter(t, "baton_semantic_matches_total", "path", c.path) - prev; n != 1 {
			t.Errorf("%q: %v more %s matches, want 1", c.q, n, c.path)
		}
	}
}
