package handoff

import (
	"testing"

	"github.com/batonhq/baton/bot/session"
)

// Issue 10's false handoffs, the causes found on 2026-12-08 (hand9) among
// banking77's dev lines, each a whole class rather than a wording:
//
//   - a word group of the learned layer matched a calm word through its
//     stem: "not acceptable" is "not accept" as terms, so "my card was not
//     accepted" read as displeasure (#negative) and handed off at p 0.82;
//     "fuming" is "fume", so "is the paint low fume" did too;
//   - "what does that mean" right after an answer, when the customer's own
//     message first quotes what their account or tracking says: "that" is
//     the status they saw, not our answer;
//   - "your app", "your system" as where the customer read something ("your
//     app shows my refund as processing") is no blame.
//
// The lines are written for this test (none from the dev or held-out
// sets); the ones after them show the same words still hand off when they
// are displeasure, blame or confusion about the answer.
func TestFalseHandoffsIssue10Stems(t *testing.T) {
	after := []session.Turn{
		{Role: "customer", Text: "how do I track my order?"},
		{Role: "bot", Text: "Your order page shows the tracking link once the parcel has left.", Kind: "answer"},
	}
	for _, c := range []struct {
		text  string
		after bool
		w     want
	}{
		// Ordinary.
		{"my debit card was not accepted at the petrol station", false, want{}},
		{"the ticket machine did not accept my card", false, want{}},
		{"my card wasn't accepted online, is it blocked?", false, want{}},
		{"is the paint low fume?", false, want{}},
		{"does the varnish give off fumes", false, want{}},
		{"my parcel says dispatched. What does that mean?", true, want{}},
		{"the tracking is showing up on the app as held. What does this mean?", true, want{}},
		{"my refund status says processing. what does it mean", true, want{}},
		{"your app shows my refund as processing, when will it land?", false, want{}},
		{"still waiting on my parcel, your website just shows it as packed", false, want{}},
		{"I am still waiting. Your app just shows my refund as pending.", false, want{}},
		// Still displeasure, blame or confusion.
		{"this is not acceptable", false, want{true, Complaint, []string{"not acceptable"}}},
		{"your service is not acceptable", false, want{true, Complaint, []string{"(outrageous)"}}},
		{"that is not acceptable, I want my money back", false, want{true, Complaint, nil}},
		{"I'm fuming, my order is late again", false, want{true, Complaint, []string{"(angry)"}}},
		{"What does that mean?", true, want{true, Confusion, []string{"what does that mean"}}},
		{"your answer says I need a label, what does that mean", true, want{true, Confusion, []string{"what does that mean"}}},
		{"I read it twice. What does that mean?", true, want{true, Confusion, []string{"what does that mean"}}},
		{"your app is broken and your system keeps charging me twice", false, want{true, Complaint, []string{"(blame)"}}},
		{"still nothing, your app still shows my order as processing. what is going on?", false, want{true, Complaint, []string{"(persist)"}}},
	} {
		in := Input{Text: c.text, Lang: "en"}
		if c.after {
			in.History = after
		}
		check(t, in, c.w)
	}
}

// TestConceptStemsKeepCalmWordsOut holds the learned layer's displeasure
// group (#negative) away from calm words that share a stem with one of
// its wordings, whatever the rest of the message weighs: "my card was not
// accepted" handed off at p 0.82 through #negative alone (banking77 dev),
// while "My visa card was not accepted." stayed under the threshold only
// by its other words.
func TestConceptStemsKeepCalmWordsOut(t *testing.T) {
	r := rules(t)
	m := r.learned.m
	id, ok := m.feats["#negative"]
	if !ok {
		t.Fatal("the shipped layer has no #negative feature")
	}
	has := func(s string) bool {
		for _, f := range m.features(s, false) {
			if f == id {
				return true
			}
		}
		return false
	}
	for _, s := range []string{"my card was not accepted", "the shop did not accept my card", "it won't accept my card", "is the paint low fume", "does the varnish give off fumes"} {
		if has(s) {
			t.Errorf("%q has #negative, a calm word matched a wording of the group through its stem", s)
		}
	}
	for _, s := range []string{"this is not acceptable", "that's not acceptable", "this is unacceptable", "I'm so annoyed"} {
		if !has(s) {
			t.Errorf("%q lacks #negative", s)
		}
	}
}
