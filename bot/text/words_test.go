package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	cases := map[string]string{
		"Where IS my Order": "where is my order",
		"Ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ１２３": "full-width abc123",
		"café Crème":      "cafe creme",
		"cafe\u0301":      "cafe",
		"Straße":          "strasse",
		"Søren Łódź Æble": "soren lodz aeble",
		"ﬁle":             "file",
		"ΚΑΛΗΜΈΡΑ":        "καλημερα",
		"Привёт":          "привет",
		"ｶﾀｶﾅ":            "カタカナ",
		"が":               "が", // voicing mark kept: it is part of the letter
		"배송언제와요":          "배송언제와요",
		"我的订单":            "我的订单",
		"":                "",
	}
	for in, want := range cases {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWords(t *testing.T) {
	cases := []struct {
		in   string
		want string // text/kind, space-joined; "|" before a word with Gap
	}{
		{"Hi! Where's my ORDER?", "|hi |where's |my |order"},
		{"e-mail me", "|e-mail |me"},
		{"top-up 3.50€", "|top-up |3 |50"},
		{"'quoted' -dash-", "|quoted |dash"},
		{"我的订单", "|我H 的H 订H 单H"},
		{"배송 언제와요ㅋㅋ", "|배송K |언제와요K ㅋㅋJ"},
		{"반품ㄱㄴ?", "|반품K ㄱㄴJ"},
		{"order注文", "|order 注H 文H"},
		{"Ｈｉ，ｔｈｅｒｅ", "|hi |there"},
		{"naïve cafe\u0301", "|naive |cafe"},
		{"🙂👍", ""},
		{"", ""},
	}
	kinds := map[Kind]string{Alpha: "", Han: "H", Hangul: "K", Jamo: "J"}
	for _, c := range cases {
		ws := Words(c.in)
		var parts []string
		for _, w := range ws {
			p := w.Text + kinds[w.Kind]
			if w.Gap {
				p = "|" + p
			}
			parts = append(parts, p)
			if w.Start < 0 || w.End > len(c.in) || w.Start >= w.End || !utf8.ValidString(c.in[w.Start:w.End]) {
				t.Errorf("Words(%q): bad span %d..%d", c.in, w.Start, w.End)
			}
		}
		if got := strings.Join(parts, " "); got != c.want {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Spans point at the original text, so callers can cut it.
	in := "Ｈｉ！ where's it"
	ws := Words(in)
	if got := in[ws[0].Start:ws[0].End]; got != "Ｈｉ" {
		t.Errorf("span of first word = %q, want Ｈｉ", got)
	}
	if got := in[ws[1].End:]; got != " it" {
		t.Errorf("rest after where's = %q", got)
	}
}

func FuzzWords(f *testing.F) {
	for _, s := range []string{"Where's my order?", "我的订单在哪里", "배송언제와요ㅋㅋ", "'''", "a-'b", "\xff\xfe", "ｘ－ｙ", "e\u0301\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		end := 0
		for _, w := range Words(s) {
			if w.Start < end || w.End <= w.Start || w.End > len(s) {
				t.Fatalf("Words(%q): span %d..%d after %d", s, w.Start, w.End, end)
			}
			end = w.End
			if w.Text == "" && utf8.ValidString(s[w.Start:w.End]) {
				t.Fatalf("Words(%q): empty text for %q", s, s[w.Start:w.End])
			}
		}
	})
}

func BenchmarkTokenize(b *testing.B) {
	qs := []string{"I still haven't received my parcel, where is it?", "我的订单什么时候到", "배송 언제 와요?", "Can I get my money back for a damaged café mug?"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Tokenize(qs[i%len(qs)])
	}
}

func BenchmarkSegmentCJK(b *testing.B) {
	run := "是这样的我买了65W的充电器用了两次发现笔记本要更大功率的盒子还在能退吗"
	b.ReportAllocs()
	for b.Loop() {
		SegmentCJK(run)
	}
}

func TestAppendWordsReusesBuffer(t *testing.T) {
	buf := AppendWords(nil, "first message, quite long")
	for _, s := range []string{"Where's my e-mail?", "배송 언제 와요", "转人工", ""} {
		buf = AppendWords(buf[:0], s)
		want := Words(s)
		if len(buf) != len(want) {
			t.Fatalf("AppendWords(%q): %d words, Words: %d", s, len(buf), len(want))
		}
		for i := range want {
			if buf[i] != want[i] {
				t.Errorf("AppendWords(%q)[%d] = %+v, Words: %+v", s, i, buf[i], want[i])
			}
		}
	}
}
