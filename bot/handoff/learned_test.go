package handoff

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/bot/session"
)

// learnedFS is a minimal rules file with a learned layer and its examples.
func learnedFS(examples string) fstest.MapFS {
	return fstest.MapFS{
		"p/handoff.yaml": {Data: []byte(minimal + "learned:\n  examples: ex.yaml\n  explicit: 0.6\n  complaint: 0.6\n  confusion: 0.6\n")},
		"p/ex.yaml":      {Data: []byte(examples)},
	}
}

const tinyExamples = `explicit:
  en: [can I talk to a person, I want a human, let me speak to someone on your team, put a staff member on]
complaint:
  en: [this is awful service, my parcel is late again and nobody answers, terrible quality, I am very unhappy]
confusion:
  en: [I don't follow, that makes no sense to me, what do you mean, not what I asked]
none:
  en: [how much is shipping, where is my order, do you sell cables, thanks a lot, what are your hours, can I pay by card]
`

func TestLearnedLayerCatchesNewWordingsAndExplains(t *testing.T) {
	r, probs := LoadRules(learnedFS(tinyExamples), "p/handoff.yaml")
	if len(probs) > 0 || r == nil {
		t.Fatalf("load: %v", probs)
	}
	d := r.Detect(Input{Text: "could a person from your team speak to me"})
	if !d.Handoff || d.Reason != Explicit {
		t.Fatalf("Detect = %+v, want explicit", d)
	}
	ev := d.Evidence[0]
	for _, want := range []string{"explicit (learned): p ", "closest example", "(ex.yaml:2, similarity"} {
		if !strings.Contains(ev, want) {
			t.Errorf("evidence %q lacks %q", ev, want)
		}
	}
	if d := r.Detect(Input{Text: "how much is shipping to Canada"}); d.Handoff {
		t.Errorf("ordinary question handed off: %+v", d)
	}
	// Confusion only after the bot said something.
	const confused = "sorry, that makes no sense to me"
	if d := r.Detect(Input{Text: confused}); d.Handoff {
		t.Errorf("first message %q handed off: %+v", confused, d)
	}
	after := []session.Turn{{Role: "customer", Text: "hi"}, {Role: "bot", Text: "Shipping is free over $50."}}
	if d := r.Detect(Input{Text: confused, History: after}); d.Reason != Confusion {
		t.Errorf("after an answer %q: %+v, want confusion", confused, d)
	}
}

// Training is deterministic: the same data gives the same weights, so a
// decision never changes on reload.
func TestLearnedTrainingIsDeterministic(t *testing.T) {
	exs, probs := parseExamples("ex.yaml", []byte(tinyExamples))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	a, b := train(exs, []string{"when will it ship"}), train(exs, []string{"when will it ship"})
	if !slices.Equal(a.w, b.w) || a.bias != b.bias {
		t.Error("two trainings on the same data differ")
	}
}

func TestLearnedProblems(t *testing.T) {
	cases := []struct {
		name, examples, want string
	}{
		{"unknown kind", tinyExamples + "anger:\n  en: [grr]\n", `ex.yaml:9: unknown key "anger"`},
		{"not a language", strings.Replace(tinyExamples, "  en: [how much", "  english: [how much", 1), `ex.yaml:8: none: "english" is not a language code`},
		{"duplicate", strings.Replace(tinyExamples, "thanks a lot", "How much is SHIPPING", 1), `ex.yaml:8: none.en: "How much is SHIPPING" is the same as line 8`},
		{"missing kind", strings.Replace(tinyExamples, "confusion:\n  en: [I don't follow, that makes no sense to me, what do you mean, not what I asked]\n", "", 1), "ex.yaml:1: missing confusion"},
		{"not YAML", "explicit: [", "ex.yaml:1: not valid YAML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, probs := LoadRules(learnedFS(c.examples), "p/handoff.yaml")
			if r == nil {
				t.Fatal("a bad examples file must not take the rules down")
			}
			var got []string
			for _, p := range probs {
				got = append(got, p.String())
			}
			if !strings.Contains(strings.Join(got, "\n"), "p/"+c.want) {
				t.Errorf("problems %q, want one containing %q", got, "p/"+c.want)
			}
		})
	}
	fs := learnedFS(tinyExamples)
	delete(fs, "p/ex.yaml")
	if _, probs := LoadRules(fs, "p/handoff.yaml"); len(probs) != 1 || !strings.Contains(probs[0].String(), "learned.examples: cannot read p/ex.yaml") {
		t.Errorf("missing examples file: %v", probs)
	}
}

// Ops can still turn misses into handoffs (confusion.misses); the shipped
// rules keep it off.
func TestMissesKnob(t *testing.T) {
	r, probs := parseRules("handoff.yaml", []byte(minimal))
	if r == nil || len(probs) > 0 {
		t.Fatalf("minimal rules: %v", probs)
	}
	if r.misses != 2 {
		t.Fatalf("minimal rules have misses %d, this test expects 2", r.misses)
	}
	if d := r.Detect(Input{Text: "blue widget thing", Misses: 1}); d.Handoff {
		t.Errorf("one miss handed off: %+v", d)
	}
	d := r.Detect(Input{Text: "blue widget thing", Misses: 2})
	if !d.Handoff || d.Reason != Confusion || !slices.ContainsFunc(d.Evidence, func(e string) bool { return strings.Contains(e, "2 unsure answers in a row") }) {
		t.Errorf("two misses with misses: 2: %+v", d)
	}
}

// A running bot reloads its knowledge after every edit, and each edit is a
// new training set: the cache keeps the last few models, not every one.
func TestTrainedModelsBounded(t *testing.T) {
	exs := []example{{class: 1, text: "I want a person"}, {class: 0, text: "where is my order"}}
	first := trainCached(exs, []string{"edit 0"})
	if trainCached(exs, []string{"edit 0"}) != first {
		t.Error("the same data was trained twice")
	}
	for i := 1; i <= 3*keepTrained; i++ {
		trainCached(exs, []string{fmt.Sprintf("edit %d", i)})
	}
	if n := trained.Len(); n > keepTrained {
		t.Errorf("%d models cached after %d training sets, want at most %d", n, 3*keepTrained+1, keepTrained)
	}
}

// learned.by_language sets other thresholds for messages written in
// Korean, Chinese or Japanese script; the rest keep the defaults.
func TestLearnedThresholdsByLanguage(t *testing.T) {
	const examples = `explicit:
  en: [can I talk to a person, I want a human]
  ko: [상담원 연결해 주세요, 사람이랑 얘기하고 싶어요]
complaint:
  en: [this is awful service, terrible quality]
  ko: [서비스가 너무 별로예요, 품질이 너무 안 좋아요]
confusion:
  en: [I don't follow, what do you mean]
none:
  en: [how much is shipping, where is my order]
  ko: [배송비 얼마예요, 주문 어디쯤이에요]
`
	rules := func(byLang string) fstest.MapFS {
		return fstest.MapFS{
			"p/handoff.yaml": {Data: []byte(minimal + "learned:\n  examples: ex.yaml\n  explicit: 0.99\n  complaint: 0.99\n  confusion: 0.99\n" + byLang)},
			"p/ex.yaml":      {Data: []byte(examples)},
		}
	}
	strict, probs := LoadRules(rules(""), "p/handoff.yaml")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	const msg = "서비스 품질이 별로예요"
	if d := strict.Detect(Input{Text: msg}); d.Handoff {
		t.Fatalf("at 0.99 everywhere %q handed off: %+v", msg, d)
	}
	loose, probs := LoadRules(rules("  by_language:\n    ko:\n      complaint: 0.3\n"), "p/handoff.yaml")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	d := loose.Detect(Input{Text: msg})
	if !d.Handoff || d.Reason != Complaint || !strings.Contains(d.Evidence[0], "≥ 0.30 (ko)") {
		t.Errorf("ko complaint at 0.3: %+v", d)
	}
	if v, _ := loose.learned.judge("terrible service quality"); v.p[clComplaint] < 0.3 || v.p[clComplaint] >= 0.99 {
		t.Fatalf("the English line scores %.2f; this test needs one between 0.3 and 0.99", v.p[clComplaint])
	}
	if d := loose.Detect(Input{Text: "terrible service quality"}); slices.ContainsFunc(d.Evidence, func(e string) bool { return strings.Contains(e, "(learned)") }) {
		t.Errorf("English keeps 0.99: %+v", d)
	}
	if th := loose.learned.byScript["ko"]; th[clExplicit] != 0.99 || th[clConfusion] != 0.99 {
		t.Errorf("unset kinds must keep the defaults: %v", th)
	}
	for _, c := range []struct{ byLang, want string }{
		{"  by_language:\n    en:\n      complaint: 0.3\n", `unknown key "en" in learned.by_language`},
		{"  by_language:\n    ko:\n      complaint: 1.5\n", "learned.by_language.ko.complaint: 1.5 is out of range"},
		{"  by_language:\n    ko:\n      anger: 0.5\n", `unknown key "anger"`},
	} {
		_, probs := LoadRules(rules(c.byLang), "p/handoff.yaml")
		var got []string
		for _, p := range probs {
			got = append(got, p.String())
		}
		if !strings.Contains(strings.Join(got, "\n"), c.want) || !strings.Contains(strings.Join(got, "\n"), "p/handoff.yaml:") {
			t.Errorf("%q: problems %q, want file:line and %q", c.byLang, got, c.want)
		}
	}
}

func TestScriptOf(t *testing.T) {
	for in, want := range map[string]string{"배송 언제 와요": "ko", "我要转人工": "zh", "カードが届かない": "ja", "agent please": "", "상담원 agent": "ko", "": ""} {
		if got := scriptOf(in); got != want {
			t.Errorf("scriptOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// Messages whose learned probabilities the training tests compare: the
// one that flipped on 2026-12-04, requests, complaints, confusion and
// ordinary questions in en, zh and ko. None shares a word with the
// questions TestLearnedTrainingMovesLittleForOneQuestion adds.
var trainProbe = []string{
	"is there a number I can call to reach your team?",
	"can I talk to someone real about my order",
	"this is the third time I'm asking, absolutely useless",
	"sorry, that makes no sense to me",
	"how do I reset my password",
	"any humans around?",
	"I want to know if the price drops after Black Friday",
	"我要找人工客服",
	"你们的服务太差了",
	"优惠券怎么用",
	"상담원 연결해 주세요",
	"정말 빠르시네요 3주째 배송 준비 중이에요",
	"이웃한테도 물어봤어요",
	"비밀번호를 잊어버렸어요",
}

// probeProbs are m's learned probabilities of the probe messages and of
// the texts of exs.
func probeProbs(m *model, exs []example) [][nClasses]float64 {
	var ps [][nClasses]float64
	for _, s := range trainProbe {
		ps = append(ps, m.probs(m.features(s, false)))
	}
	for _, e := range exs {
		ps = append(ps, m.probs(m.features(e.text, false)))
	}
	return ps
}

func maxDiff(a, b [][nClasses]float64) (float64, int) {
	worst, at := 0.0, -1
	for i := range a {
		for k := range a[i] {
			if d := math.Abs(a[i][k] - b[i][k]); d > worst || at < 0 {
				worst, at = d, i
			}
		}
	}
	return worst, at
}

// trainingBase is the shipped model and the knowledge questions it was
// trained on. The race detector slows training about ten times, and these
// properties hold for any data, so under it a model of every fourth
// example and question stands in.
func trainingBase(t *testing.T) (*model, []string) {
	ordinary := shippedOrdinaryFor(t)
	m := rules(t).learned.m
	if !raceEnabled {
		return m, ordinary
	}
	var exs []example
	for i := 0; i < len(m.examples); i += 4 {
		exs = append(exs, m.examples[i])
	}
	var qs []string
	for i := 0; i < len(ordinary); i += 4 {
		qs = append(qs, ordinary[i])
	}
	return trainCachedWith(exs, qs, m.con), qs
}

// fitSettings are the settings m was trained with: the defaults and its
// word groups (learned.concepts).
func (m *model) fitSettings() fitSettings {
	fs := defaultFit
	fs.concepts = m.con
	return fs
}

// The learned layer must not depend on the order of its training data:
// until 2026-12-04 it did (SGD over a fixed-seed shuffle), so a knowledge
// edit anywhere moved scores everywhere. The shipped examples and
// knowledge questions, shuffled, give the same probabilities.
func TestLearnedTrainingIgnoresOrder(t *testing.T) {
	base, ordinary := trainingBase(t)
	exs := slices.Clone(base.examples)
	rng := rand.New(rand.NewPCG(7, 11))
	rng.Shuffle(len(exs), func(i, j int) { exs[i], exs[j] = exs[j], exs[i] })
	rng.Shuffle(len(ordinary), func(i, j int) { ordinary[i], ordinary[j] = ordinary[j], ordinary[i] })
	shuffled := trainWith(exs, ordinary, base.fitSettings())
	d, at := maxDiff(probeProbs(base, base.examples), probeProbs(shuffled, base.examples))
	t.Logf("largest move %.2g", d)
	if d > 1e-9 {
		t.Errorf("shuffled training data moved a probability by %.3g (message %d)", d, at)
	}
	// The evidence still names examples by their place in the file.
	if shuffled.examples[0].line != exs[0].line {
		t.Errorf("examples reordered: first is line %d, want %d", shuffled.examples[0].line, exs[0].line)
	}
}

// One more ordinary question moves the optimum only by its own pull: the
// probabilities of the probe messages and of every example stay within
// 0.02 (on the shipped data: 4e-5 for the Korean question, 0.004 for the
// English one, through examples that share "come in" with it). The SGD
// training before 2026-12-05 moved them by up to 0.22 for either
// question, and "is there a number I can call to reach your team?" from
// 0.59 to 0.64, across the explicit threshold 0.60.
func TestLearnedTrainingMovesLittleForOneQuestion(t *testing.T) {
	const bound = 0.02
	base, ordinary := trainingBase(t)
	before := probeProbs(base, base.examples)
	for _, q := range []string{"해외로도 배송되나요?", "what colours does the travel mug come in"} {
		m := trainWith(base.examples, append(slices.Clone(ordinary), q), base.fitSettings())
		d, at := maxDiff(before, probeProbs(m, base.examples))
		t.Logf("adding %q: largest move %.2g", q, d)
		if d > bound {
			msg := ""
			if at < len(trainProbe) {
				msg = trainProbe[at]
			} else {
				msg = base.examples[at-len(trainProbe)].text
			}
			t.Errorf("adding %q moved a probability by %.3f (%q), want ≤ %.2f", q, d, msg, bound)
		}
	}
}
