package text

import (
	"slices"
	"strings"
	"testing"
)

// refTokens is Tokenize as it was written before its buffers were reused
// (2026-12-03): every word split with strings.Split at hyphens, each part
// through appendWord. Stems are Porter's either way.
func refTokens(s string) []Token {
	var toks []Token
	var run strings.Builder
	runEnd := -1
	flush := func() {
		if run.Len() > 0 {
			toks = append(toks, Token{Text: run.String(), CJK: true})
			run.Reset()
		}
		runEnd = -1
	}
	for _, w := range Words(s) {
		if w.Kind.CJK() {
			if runEnd >= 0 && strings.TrimSpace(s[runEnd:w.Start]) != "" {
				flush()
			}
			run.WriteString(w.Text)
			runEnd = w.End
			continue
		}
		flush()
		for _, part := range strings.Split(w.Text, "-") {
			toks = appendWord(toks, part, true)
		}
	}
	flush()
	return toks
}

// TestAppendTokensReusesNothingVisible checks that AppendTokens into a
// buffer left over from another message gives what Tokenize gives, and
// both what the plain tokenizer gives: hyphens, contractions, stems that
// are and are not a prefix of the word, CJK runs.
func TestAppendTokensReusesNothingVisible(t *testing.T) {
	msgs := []string{
		"Where's my e-mail?", "re-re-send the--parcel -now- please", "x-", "-", "a-b-c-d",
		"RELATIONAL happiness, shipping orders; generalization", "I'm sure it's naïve Café ＡＢＣ",
		"配送 什么时候到 退货", "배송 언제 와요 ㅋㅋ", "ok-배송", "supercalifragilisticexpialidociousness",
		"",
	}
	var buf []Token
	for _, m := range msgs {
		want := refTokens(m)
		if got := Tokenize(m); !slices.Equal(got, want) {
			t.Errorf("Tokenize(%q) = %v, want %v", m, got, want)
		}
		buf = AppendTokens(buf[:0], m)
		if !slices.Equal(buf, want) {
			t.Errorf("AppendTokens(reused, %q) = %v, want %v", m, buf, want)
		}
	}
	// Appending keeps what dst held.
	got := AppendTokens([]Token{{Text: "kept"}}, "orders")
	if want := []Token{{Text: "kept"}, {Text: "order"}}; !slices.Equal(got, want) {
		t.Errorf("AppendTokens onto a token = %v, want %v", got, want)
	}
}

// TestStemSharesOnlyAPrefix checks stem's shortcut: a stem that is a
// prefix of the word is the word's own bytes, any other is built.
func TestStemSharesOnlyAPrefix(t *testing.T) {
	for w, want := range map[string]string{
		"orders": "order", "shipping": "ship", "happy": "happi", "relational": "relat",
		"generalization": "gener", "order": "order", "ponies": "poni", "caresses": "caress",
	} {
		if got := stem(w); got != want {
			t.Errorf("stem(%q) = %q, want %q", w, got, want)
		}
	}
}

func TestAppendSegmentsCJK(t *testing.T) {
	buf := []string{"old", "older"}
	for _, run := range []string{"东西什么时候到", "退货", "我", ""} {
		buf = AppendSegmentsCJK(buf[:0], run)
		if want := SegmentCJK(run); !slices.Equal(buf, want) || strings.Join(buf, "") != run {
			t.Errorf("AppendSegmentsCJK(reused, %q) = %q, want %q", run, buf, want)
		}
	}
}
