package knowledge

import (
	"math"
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/bot/text"
)

// kbFile is a knowledge file with questions qs.
func kbFile(qs ...string) *fstest.MapFile {
	src := "---\nquestions:\n"
	for _, q := range qs {
		src += "  - \"" + q + "\"\n"
	}
	return &fstest.MapFile{Data: []byte(src + "---\nAn answer.\n")}
}

// lexicalOn is the lexical ranker of the base in fsys's kb folder, read
// through a lexicon of the given source.
func lexicalOn(t *testing.T, fsys fstest.MapFS, lexicon string) *Lexical {
	t.Helper()
	b, problems := Load(fsys, "kb")
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	lex, ps := text.ParseLexicon("lexicon.yaml", []byte(lexicon))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	return NewLexical(b, lex)
}

// TestLinkedWordsReachEntriesInAnotherLanguage: the lexicon links 租 to
// "rent", so a Chinese message reaches an entry written only in English.
// Entries with a Chinese version are scored on the message as written:
// the links never change how a translated entry, or an English message,
// scores.
func TestLinkedWordsReachEntriesInAnotherLanguage(t *testing.T) {
	fsys := fstest.MapFS{
		"kb/en/rental.md":  kbFile("Do you rent bikes?", "How much is bike rental?"),
		"kb/en/hours.md":   kbFile("What are your opening hours?", "Are you open on Sundays?"),
		"kb/en/returns.md": kbFile("Can I return a bike?", "What is your returns policy?"),
		"kb/zh/returns.md": kbFile("自行车可以退吗？", "退货政策是什么？"),
	}
	with := lexicalOn(t, fsys, "same:\n  - [rent, 租, 租借]\n  - [return, 退货]\n")
	without := NewLexical(with.Base(), nil)
	if got := with.Rank(t.Context(), "租一天多少钱", -1, 3); len(got) == 0 || got[0].ID != "rental" {
		t.Errorf("租一天多少钱 ranks %v, want rental first", got)
	}
	if got := without.Rank(t.Context(), "租一天多少钱", -1, 3); len(got) > 0 && got[0].ID == "rental" {
		t.Errorf("without the link, 租一天多少钱 ranks %v: the test shows nothing", got)
	}
	for _, q := range []string{"退货政策", "can I return it", "opening hours"} {
		a, b := with.Rank(t.Context(), q, -1, 3), without.Rank(t.Context(), q, -1, 3)
		// Scores agree up to float32 rounding (term order differs).
		if len(a) == 0 || len(b) == 0 || a[0].ID != b[0].ID || math.Abs(a[0].Score-b[0].Score) > 1e-6 {
			t.Errorf("%q: with links %v, without %v; want the same", q, a, b)
		}
	}
}
