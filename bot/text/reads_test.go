package text

import (
	"os"
	"slices"
	"testing"
)

// TestReadsAsApplyThen: Reads, which answers no for a Latin text with no
// word a member adding the concept starts with, answers as applying the
// lexicon and looking does, for every concept and word of the shipped
// lexicon, on its own members (each alone and inside a sentence) and on
// other messages.
func TestReadsAsApplyThen(t *testing.T) {
	lex, problems := LoadLexicon(os.DirFS("../../prompts"), "lexicon")
	if len(problems) > 0 {
		t.Fatalf("shipped lexicon: %v", problems)
	}
	texts := []string{
		"where is my order?", "can i buy stocks in your company", "the stock price of my headphones went up",
		"how long does shipping take?", "how much does express delivery cost?", "运费多少", "배송비는요",
		"I bought it elsewhere, can I return it here?", "do you sell crypto", "", "!!!", "退款要多久", "환불 언제 돼요?",
	}
	var terms []string
	for c := range lex.conceptStarts {
		terms = append(terms, c)
	}
	for _, m := range []map[string]rule{lex.words, lex.phrases} {
		for k := range m {
			texts = append(texts, k, "so "+k+" please", "what about "+k+"?")
		}
	}
	for _, r := range lex.cjkRel {
		texts = append(texts, r.member, "请问"+r.member+"吗")
		terms = append(terms, r.concept)
	}
	terms = append(terms, "cost", "price", ConceptPrefix+"nothing")
	slices.Sort(terms)
	terms = slices.Compact(terms)
	read := 0
	for _, s := range texts {
		toks := Tokenize(s)
		applied := lex.Apply(toks)
		for _, term := range terms {
			want := slices.ContainsFunc(applied, func(t Token) bool { return t.Text == term })
			if want {
				read++
			}
			if got := lex.Reads(toks, term); got != want {
				t.Errorf("Reads(%q, %q) = %v, Apply has it: %v", s, term, got, want)
			}
		}
		if got, want := lex.Reads(toks, "cost", "price"), slices.ContainsFunc(applied, func(t Token) bool { return t.Text == "cost" || t.Text == "price" }); got != want {
			t.Errorf("Reads(%q, cost, price) = %v, want %v", s, got, want)
		}
	}
	if read < len(terms)/2 {
		t.Errorf("only %d readings of %d terms: the texts do not try the members", read, len(terms))
	}
	var none *Lexicon
	if none.Reads(Tokenize("how long"), ConceptPrefix+"how long") {
		t.Error("a nil lexicon reads a concept")
	}
}
