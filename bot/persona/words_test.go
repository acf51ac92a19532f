package persona

import (
	"slices"
	"testing"

	"github.com/batonhq/baton/bot/text"
)

// cutTexts are messages of the kinds the readers tell apart, short (their
// words on the stack, appendTokenize) and long (the pool), with more words
// than a short text's array holds.
var cutTexts = []string{
	"", "no", "no thanks", "nope, that's all", "没有", "없어요", "that's wrong", "ugh", "ok so where is my order",
	"hi! where is my order?", "thanks, bye", "yes", "네 있어요", "is anyone coming?", "never mind, I figured it out, thanks",
	"haha ok", "lol", "ㅋㅋ 감사합니다", "Ｈｉ，where is my order", "a1 b2 c3 d4 e5 f6 g7 h8", "中文字很多很多很多很多",
	"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p", "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "hiii thanksss byeee",
	"ok so I was wondering whether you could tell me where my order is, it has been two weeks",
	"lol how do I return an item", "no need for a human, where is my order", "哈哈 怎么退货", "ㅋㅋ 반품 어떻게 해요", "haha lol",
}

// TestAppendTokenizeShortAndLong: a text cut on the stack (short) is cut
// as the pooled path cuts it: appendTokens on text.AppendWords.
func TestAppendTokenizeShortAndLong(t *testing.T) {
	for _, s := range cutTexts {
		want := appendTokens(nil, text.AppendWords(nil, s))
		if got := appendTokenize(nil, s); !slices.EqualFunc(got, want, sameToken) {
			t.Errorf("appendTokenize(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestReadersInAgreeWithTheirTextForms: each reader given a text cut once
// (Cut, the In forms) answers as it does given the text, and one Words
// serves several readers in turn.
func TestReadersInAgreeWithTheirTextForms(t *testing.T) {
	p, _ := loadReal(t)
	for _, s := range cutTexts {
		w := Cut(s)
		if w.Text() != s {
			t.Fatalf("Cut(%q).Text() = %q", s, w.Text())
		}
		if got, want := p.DeclinesIn(w), p.Declines(s); got != want {
			t.Errorf("DeclinesIn(%q) = %v, Declines says %v", s, got, want)
		}
		for _, kind := range []string{"wrong", "sigh", "affirm", "waiting", "unsure", "confirm", "withdraw"} {
			if got, want := p.OnlyIn(w, kind, "thanks", "bye"), p.Only(s, kind, "thanks", "bye"); got != want {
				t.Errorf("OnlyIn(%q, %s) = %v, Only says %v", s, kind, got, want)
			}
		}
		k, r := p.SmalltalkIn(w)
		if wk, wr := p.Smalltalk(s); k != wk || r != wr {
			t.Errorf("SmalltalkIn(%q) = %q, %q; Smalltalk says %q, %q", s, k, r, wk, wr)
		}
		if got, want := p.WithoutLeadFillerIn(w), p.WithoutLeadFiller(s); got != want {
			t.Errorf("WithoutLeadFillerIn(%q) = %q, WithoutLeadFiller says %q", s, got, want)
		}
		if got, want := p.WithoutLaughsIn(w), p.WithoutLaughs(s); got != want {
			t.Errorf("WithoutLaughsIn(%q) = %q, WithoutLaughs says %q", s, got, want)
		}
	}
	// Without a persona (or without its small talk) they read nothing, as
	// the text forms.
	var none *Persona
	if none.OnlyIn(Cut("no"), "decline") || none.DeclinesIn(Cut("no")) || none.WithoutLeadFillerIn(Cut("ok so hi")) != "ok so hi" || none.WithoutLaughsIn(Cut("lol hi")) != "lol hi" {
		t.Error("a nil persona read small talk")
	}
	if k, r := none.SmalltalkIn(Cut(" hi ")); k != "" || r != "hi" {
		t.Errorf("a nil persona's SmalltalkIn = %q, %q", k, r)
	}
}

// sameToken compares the tokens' cut (not the phrases a reader looked up
// for them, which neither has yet).
func sameToken(a, b token) bool {
	return a.norm == b.norm && a.start == b.start && a.end == b.end && a.gap == b.gap && a.han == b.han
}
