package handoff

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/bot/text"
)

const conceptRules = "  concepts:\n    negative: [upset, fed up, unhappy, awful]\n    failure: [broken, not working]\n    persist: [still, again]\n  concept_pairs_only: [failure, persist]\n"

func conceptFS(concepts string) fstest.MapFS {
	return fstest.MapFS{
		"p/handoff.yaml": {Data: []byte(minimal + "learned:\n  examples: ex.yaml\n  explicit: 0.6\n  complaint: 0.6\n  confusion: 0.6\n" + concepts)},
		"p/ex.yaml":      {Data: []byte(tinyExamples)},
	}
}

// conceptFeatures is the group features cs finds in s, sorted.
func conceptFeatures(cs *conceptSet, s string) []string {
	var out []string
	cs.match(text.Terms(s), func(f string) { out = append(out, f) })
	slices.Sort(out)
	return out
}

// The word groups are features of their own: a group alone (unless it is
// pairs-only), and each two groups met in one message.
func TestConceptFeatures(t *testing.T) {
	r, probs := LoadRules(conceptFS(conceptRules), "p/handoff.yaml")
	if len(probs) > 0 || r == nil {
		t.Fatalf("load: %v", probs)
	}
	cs := r.learned.m.con
	for _, c := range []struct {
		msg  string
		want []string
	}{
		{"the lamp is broken", nil},                                // a failure alone is a calm report
		{"it is still not working", []string{"#failure+#persist"}}, // "does not work" and "still" meet
		{"I'm fed up", []string{"#negative"}},
		{"broken again and I'm upset", []string{"#failure+#negative", "#failure+#persist", "#negative", "#negative+#persist"}},
		{"where is my order", nil},
	} {
		if g := conceptFeatures(cs, c.msg); !slices.Equal(g, c.want) {
			t.Errorf("%q: features %v, want %v", c.msg, g, c.want)
		}
	}
}

// The groups change what the layer learns, so a model trained with them is
// not the one trained without (the cache tells them apart), and the
// evidence names a group as it names a word.
func TestConceptsTrainApartAndExplain(t *testing.T) {
	plain, probs := LoadRules(learnedFS(tinyExamples), "p/handoff.yaml")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	with, probs := LoadRules(conceptFS(conceptRules), "p/handoff.yaml")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if plain.learned.m == with.learned.m {
		t.Fatal("the model trained with concepts is the cached one trained without")
	}
	if _, ok := with.learned.m.feats["#negative"]; !ok {
		t.Fatal("no #negative feature in the model trained with concepts")
	}
	if _, ok := plain.learned.m.feats["#negative"]; ok {
		t.Fatal("a #negative feature in the model trained without concepts")
	}
	v, ok := with.learned.judge("so upset, fed up with this")
	if !ok {
		t.Fatal("no verdict")
	}
	if ev := with.learned.explain(v, clComplaint); !strings.Contains(ev, `"#negative" +`) {
		t.Errorf("evidence %q does not name the group", ev)
	}
}

// learned.concept_unless takes a group out of a message: by any of its
// words anywhere in it, or by an after word just before one of the
// group's wordings; the other groups still count, and the model trained
// with it is not the one trained without.
func TestConceptUnless(t *testing.T) {
	unless := conceptRules + "  concept_unless:\n    failure:\n      after: [my]\n      words: [in store, thanks for]\n"
	r, probs := LoadRules(conceptFS(unless), "p/handoff.yaml")
	if len(probs) > 0 || r == nil {
		t.Fatalf("load: %v", probs)
	}
	plain, probs := LoadRules(conceptFS(conceptRules), "p/handoff.yaml")
	if len(probs) > 0 || plain == nil {
		t.Fatalf("load: %v", probs)
	}
	if r.learned.m == plain.learned.m {
		t.Error("the same model with and without concept_unless: the training cache does not tell them apart")
	}
	cs := r.learned.m.con
	for _, c := range []struct {
		msg  string
		want []string
	}{
		{"it is still not working", []string{"#failure+#persist"}},
		{"it is still not working in store", nil},        // a words entry after the wording
		{"in store it is still broken", nil},             // and before it
		{"thanks for fixing what was broken again", nil}, // a two-word entry
		{"my broken lamp again", nil},                    // an after word just before
		{"my lamp is broken again", []string{"#failure+#persist"}},
		{"still broken in store and I'm upset", []string{"#negative", "#negative+#persist"}},
	} {
		if g := conceptFeatures(cs, c.msg); !slices.Equal(g, c.want) {
			t.Errorf("%q: features %v, want %v", c.msg, g, c.want)
		}
	}
}

func TestConceptProblems(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"  concepts:\n    negative: [upset]\n  concept_unless:\n    failure:\n      words: [x]\n", `concept_unless: "failure" is not a group`},
		{"  concepts:\n    negative: [upset]\n  concept_unless:\n    negative: [x]\n", "concept_unless.negative: expected words: and after: lists"},
		{"  concepts:\n    negative: [upset]\n  concept_unless:\n    negative:\n      before: [x]\n", `expected words: or after: with a list, not "before"`},
		{"  concepts:\n    negative: [upset]\n  concept_unless:\n    negative:\n      after: [my own]\n", `concept_unless.negative.after: "my own" is not a wording`},
		{"  concepts:\n    negative: [upset]\n  concept_unless: [x]\n", "learned.concept_unless: expected groups"},
		{"  concepts:\n    negative: upset\n", "learned.concepts.negative: expected a list of wordings"},
		{"  concepts:\n    neg+ative: [upset]\n", `"neg+ative" is not a name`},
		{"  concepts:\n    negative: [upset]\n  concept_pairs_only: [failure]\n", `"failure" is not a group of learned.concepts`},
		{"  concepts: [upset]\n", "learned.concepts: expected word groups"},
	} {
		_, probs := LoadRules(conceptFS(c.yaml), "p/handoff.yaml")
		found := false
		for _, p := range probs {
			found = found || (strings.Contains(p.Msg, c.want) && p.Line > 0)
		}
		if !found {
			t.Errorf("%q: problems %v, want one with a line saying %q", c.yaml, probs, c.want)
		}
	}
}

// Displeasure that is not at us is no complaint (the shipped phrases'
// advice_verdict, own_slip and fine_anyway), while the same displeasure at
// us still is; and a calm unhappy report the phrases grade low is read by
// the learned layer through its word groups, with the group in the
// evidence.
func TestComplaintPrecisionGuardsAndCalmReport(t *testing.T) {
	r := loadShipped(t)
	for _, c := range []struct {
		msg       string
		complaint bool
	}{
		{"which kettle would you recommend, my old one is useless", false},
		{"ugh, I typed the wrong email address, can you change it?", false},
		{"it came a day late but honestly I love it, thank you", false},
		{"I'd like this on record: you guys are the best shop ever", false},
		{"your kettle is useless, which one would you recommend instead", true},
		{"which size would you recommend, the last one you sent was terrible", true},
		{"ugh, your app lost my basket again, can you fix it?", true},
		{"the parcel came a week late, love it", true},
		// Ours in any wording of "from us" (review B): ours_named.
		{"which vacuum would you recommend? the one I bought from you last month is useless", true},
		{"which kettle would you recommend? I bought it here and it's useless", true},
		{"which blender would you recommend, the one I got from your shop is useless", true},
		{"you sold me a useless toaster, which one would you recommend instead?", true},
		{"which blender would you recommend? my old one from another shop is useless", false},
		// A slip beside our failure or said in open anger is no mere slip
		// (review B): own_slip's exclusions broken, our_failure, angry, intense.
		{"the app crashed and I lost my cart, so frustrating! can you help me restore it?", true},
		{"the checkout froze and I typed the wrong card, I'm so angry, can you fix it?", true},
		{"sigh, I forgot my password again, how do I reset it?", false},
		{"oops I entered the wrong address, can you change it?", false},
		// Sincere praise after a small problem, let go with "but honestly
		// ... is unbelievable" (fine_anyway; sincere_closer with incredulous
		// words said as praise), while the bare ironic closer stays one.
		{"the delivery was a day late but honestly the quality is unbelievable, love it", false},
		{"the box was dented but honestly the flowers are gorgeous, love it", false},
		// "what should I do?" asks like "what can I do?" (calm_question):
		// a calm report of our failure asked for help, unless said angrily.
		{"your app crashes when I open my orders, what should I do?", false},
		{"your app is useless, what should I do?", true},
		{"your driver was rude and broke my lamp, what should I do?", true},
	} {
		d := r.Detect(Input{Text: c.msg, Lang: "en"})
		if got := d.Handoff && d.Reason == Complaint; got != c.complaint {
			t.Errorf("%q: complaint %v, want %v (%v)", c.msg, got, c.complaint, d.Evidence)
		}
	}
	d := r.Detect(Input{Text: "the mug arrived chipped and I'm pretty upset about it", Lang: "en"})
	if !d.Handoff || d.Reason != Complaint || !strings.Contains(d.Evidence[0], `"#negative"`) {
		t.Errorf("calm unhappy report: %+v, want a complaint with the #negative group in the evidence", d)
	}
}
