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
// The links never change how an English message scores, nor a Chinese
// message that its translated entry's Chinese questions already match
// better than the links reach its English ones (see
// TestTranslatedEntryReadThroughTheLinksToo for the other case).
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

// TestLinkedWordsAreHalfKnown: a Chinese word the lexicon links to an
// English word an English-only entry uses counts half unknown to the
// base (linkedUnknownShare), so a Chinese message about that entry is not
// refused for words the base has in English. On an entry with a Chinese
// version the links change nothing.
func TestLinkedWordsAreHalfKnown(t *testing.T) {
	fsys := fstest.MapFS{
		"kb/en/vegan.md": kbFile("Do you have vegan cakes?", "Is your bread vegan?"),
		"kb/en/hours.md": kbFile("What are your opening hours?", "Are you open on Sundays?"),
		"kb/zh/hours.md": kbFile("你们几点开门？", "周日营业吗？"),
	}
	with := lexicalOn(t, fsys, "same:\n  - [vegan, 纯素]\n")
	without := NewLexical(with.Base(), nil)
	unknown := func(l *Lexical, q, id string) float64 {
		t.Helper()
		for _, c := range l.Rank(t.Context(), q, -1, 5) {
			if c.ID == id {
				return c.Unknown
			}
		}
		t.Fatalf("%q: %s not ranked", q, id)
		return 0
	}
	half := unknown(with, "纯素 cakes", "vegan")
	defer func(s float64) { linkedUnknownShare = s }(linkedUnknownShare)
	linkedUnknownShare = 1
	whole := unknown(with, "纯素 cakes", "vegan")
	if !(half > 0 && half < whole) {
		t.Errorf("纯素 cakes: unknown %.3f with 纯素 half known, %.3f with it unknown; want less, above 0", half, whole)
	}
	if a, b := unknown(with, "纯素营业吗", "hours"), unknown(without, "纯素营业吗", "hours"); a != b {
		t.Errorf("纯素营业吗 on the translated entry: unknown %.3f with the link, %.3f without; want the same", a, b)
	}
}

// TestTranslatedEntryReadThroughTheLinksToo: an entry with a Chinese
// version is also read through the links against its English one, so a
// Chinese message whose words its Chinese questions do not use but its
// English ones do ranks it over an entry written only in English that the
// links reach with the same word (bakery dev: 免运费 ranked the delivery
// times entry over the delivery area one, whose English questions ask
// what delivery costs). Its unknown share stays the one read on the
// message as written: the links give it no half-known words.
func TestTranslatedEntryReadThroughTheLinksToo(t *testing.T) {
	fsys := fstest.MapFS{
		"kb/en/area.md":  kbFile("How much is delivery?", "Do you deliver to my town?"),
		"kb/zh/area.md":  kbFile("能送到我家吗？", "送货范围多大？"),
		"kb/en/times.md": kbFile("What time does the delivery van come?", "Is there delivery on Sundays?"),
		"kb/en/hours.md": kbFile("What are your opening hours?", "Are you open on Sundays?"),
		"kb/en/cakes.md": kbFile("How much is a birthday cake?", "Do you make wedding cakes?"),
	}
	l := lexicalOn(t, fsys, "same:\n  - [delivery, 配送]\n")
	const q = "配送贵吗"
	got := l.Rank(t.Context(), q, -1, 3)
	if len(got) < 2 || got[0].ID != "area" {
		t.Fatalf("%s ranks %v, want area first", q, got)
	}
	defer func(s float64) { linkedUnknownShare = s }(linkedUnknownShare)
	linkedUnknownShare = 1
	if again := l.Rank(t.Context(), q, -1, 3); again[0].Unknown != got[0].Unknown {
		t.Errorf("%s: area's unknown share %.3f, %.3f with linked words counted unknown; want the same", q, got[0].Unknown, again[0].Unknown)
	}
}
