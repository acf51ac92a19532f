package handoff

import (
	"io/fs"
	"math"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/knowledge"
)

func loadShipped(t testing.TB) *Rules {
	t.Helper()
	return loadShippedFrom(t, os.DirFS("../.."))
}

// loadShippedFrom loads prompts/handoff.yaml of repo, with the shipped
// knowledge base's questions.
func loadShippedFrom(t testing.TB, repo fs.FS) *Rules {
	t.Helper()
	kb, _ := knowledge.Load(os.DirFS("../../knowledge"), ".")
	r, probs := LoadRules(repo, "prompts/handoff.yaml", WithKnowledge(kb))
	for _, p := range probs {
		t.Errorf("%s", p)
	}
	if r == nil {
		t.Fatal("prompts/handoff.yaml did not load")
	}
	return r
}

func TestShippedRulesLoad(t *testing.T) {
	r := loadShipped(t)
	if len(r.explicit) == 0 || len(r.confusion) == 0 || len(r.complaint.cues) == 0 || len(r.neg.words) == 0 {
		t.Errorf("shipped rules are missing lists: %d explicit, %d confusion, %d cues, %d negation words",
			len(r.explicit), len(r.confusion), len(r.complaint.cues), len(r.neg.words))
	}
	if r.misses != 0 || r.loop.count != 3 {
		t.Errorf("confusion.misses = %d, loop.count = %d; want 0 (misses only offer a person) and 3", r.misses, r.loop.count)
	}
}

// minimal is a small valid rules file; tests break one line at a time.
// Line numbers matter: the problems must point at them.
const minimal = `negation:
  window: 3
  gap: 3
  complaint: 0
  praise: -1
  words:
    en: [not]
explicit:
  typo_min_length: 5
  phrases:
    en: ['talk to a human']
complaint:
  threshold: 0.5
  base: -2
  typo_min_length: 0
  exclaim: {min: 2, weight: 1}
  caps: {min_words: 3, ratio: 0.5, weight: 1}
  cues:
    - name: awful
      weight: 2.5
      en: [awful]
confusion:
  misses: 2
  after_bot: true
  typo_min_length: 5
  phrases:
    en: ['i do not understand']
loop:
  count: 3
  similarity: 0.55
  window: 10
  min_size: 3
`

func load(t *testing.T, yaml string) (*Rules, []Problem) {
	t.Helper()
	fsys := fstest.MapFS{"prompts/handoff.yaml": {Data: []byte(yaml)}}
	return LoadRules(fsys, "prompts/handoff.yaml")
}

func TestMinimalRules(t *testing.T) {
	r, probs := load(t, minimal)
	if len(probs) != 0 || r == nil {
		t.Fatalf("minimal rules: %v", probs)
	}
	d := r.Detect(Input{Text: "I want to talk to a human"})
	if !d.Handoff || d.Reason != Explicit || len(d.Evidence) != 1 || d.Evidence[0] != `explicit: "talk to a human" (handoff.yaml:11)` {
		t.Errorf("Detect = %+v", d)
	}
	if s, ev := r.Complaint("awful"); s < 0.6 || len(ev) != 1 || ev[0] != `"awful" +2.50 (awful)` {
		t.Errorf("Complaint(awful) = %v %q", s, ev)
	}
}

func TestLoadProblems(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           string // the one expected problem, as printed
		usable         bool   // rules still returned
	}{
		{"malformed YAML", "  gap: 3\n", "  gap: [3\n", "prompts/handoff.yaml:3: not valid YAML:", false},
		{"tab indentation", "  gap: 3\n", "\tgap: 3\n", "prompts/handoff.yaml:3: not valid YAML:", false},
		{"unknown top key", "loop:\n", "loops:\n  x: 1\nloop:\n", `prompts/handoff.yaml:28: unknown key "loops" in the file`, true},
		{"unknown nested key", "  base: -2\n", "  base: -2\n  treshold: 0.4\n", `prompts/handoff.yaml:15: unknown key "treshold" in complaint (known: threshold, base,`, true},
		{"repeated key", "  base: -2\n", "  base: -2\n  base: -1\n", "prompts/handoff.yaml:15: complaint.base is repeated", true},
		{"threshold out of range", "threshold: 0.5", "threshold: 1.5", "prompts/handoff.yaml:13: complaint.threshold: 1.5 is out of range (more than 0 and less than 1)", true},
		{"threshold not a number", "threshold: 0.5", "threshold: high", `prompts/handoff.yaml:13: complaint.threshold: "high" is not a number`, true},
		{"misses not whole", "misses: 2", "misses: 2.5", `prompts/handoff.yaml:23: confusion.misses: "2.5" is not a whole number`, true},
		{"loop count out of range", "count: 3", "count: 1", "prompts/handoff.yaml:29: loop.count: 1 is out of range (2 to 20)", true},
		{"similarity out of range", "similarity: 0.55", "similarity: 0", "prompts/handoff.yaml:30: loop.similarity: 0 is out of range (0.01 to 1)", true},
		{"missing knob", "  window: 10\n", "", "prompts/handoff.yaml:28: missing loop.window", true},
		{"missing section", "loop:\n  count: 3\n  similarity: 0.55\n  window: 10\n  min_size: 3\n", "", "prompts/handoff.yaml:1: missing loop", true},
		{"section of the wrong kind", "  caps: {min_words: 3, ratio: 0.5, weight: 1}", "  caps: [3]", "prompts/handoff.yaml:17: complaint.caps: expected a mapping", true},
		{"bool", "after_bot: true", "after_bot: maybe", `prompts/handoff.yaml:24: confusion.after_bot: expected true or false, got "maybe"`, true},
		{"short typo length", "  typo_min_length: 5\n  phrases:\n    en: ['talk", "  typo_min_length: 2\n  phrases:\n    en: ['talk", "prompts/handoff.yaml:9: explicit.typo_min_length: 2 would let short words match other words", true},
		{"unclosed group", "'talk to a human'", "'(talk|speak to a human'", `prompts/handoff.yaml:11: explicit.phrases.en: "(talk|speak to a human": ( is not closed with )`, true},
		{"nested group", "'talk to a human'", "'talk to (a [real] human)'", `groups cannot nest`, true},
		{"empty alternative", "'talk to a human'", "'talk to (a||the) human'", "empty alternative", true},
		{"anchor in the middle", "'talk to a human'", "'talk ^ human'", "^ may only stand at the very start", true},
		{"punctuation", "'talk to a human'", "'human?'", `punctuation '?' is never matched`, true},
		{"gap at the end", "'talk to a human'", "'talk to ...'", `"..." must stand between words`, true},
		{"comma at the start", "'talk to a human'", "', talk to a human'", `"," must stand between words, after a required one`, true},
		{"comma after a gap", "'talk to a human'", "'talk ... , human'", `"," right after "..." or ","`, true},
		{"only optional words", "'talk to a human'", "'[human]'", "phrase has no required word", true},
		{"bad prefix", "'talk to a human'", "'转*'", "* needs a single Latin or Korean word", true},
		{"phrase twice", "en: ['talk to a human']", "en: ['talk to a human', 'Talk  to a human']", `prompts/handoff.yaml:11: explicit.phrases.en: "Talk  to a human" is listed twice (first at line 11)`, true},
		{"not a language", "    en: ['talk to a human']", "    english: ['talk to a human']", `prompts/handoff.yaml:11: explicit.phrases: "english" is not a language code`, true},
		{"list of the wrong kind", "    en: ['talk to a human']", "    en: talk to a human", "prompts/handoff.yaml:11: explicit.phrases.en: expected a list of phrases", true},
		{"mapping as phrase", "    en: ['talk to a human']", "    en: [{talk: human}]", "prompts/handoff.yaml:11: explicit.phrases.en: expected a phrase (text), got a mapping", true},
		{"empty phrase", "    en: ['talk to a human']", "    en: ['talk to a human', '  ']", "prompts/handoff.yaml:11: explicit.phrases.en: empty phrase", true},
		{"cue without name", "    - name: awful\n", "    - nom: awful\n", "prompts/handoff.yaml:19: complaint.cues: every cue needs a name", true},
		{"cue weight out of range", "weight: 2.5", "weight: 25", "prompts/handoff.yaml:20: complaint.cues.awful.weight: 25 is out of range (-10 to 10)", true},
		{"cue without weight", "      weight: 2.5\n", "", "prompts/handoff.yaml:19: complaint.cues.awful: missing weight", true},
		{"cue names twice", "      en: [awful]\n", "      en: [awful]\n    - name: awful\n      weight: 1\n      en: [bad]\n", `prompts/handoff.yaml:22: complaint.cues: name "awful" is used twice (first at line 19)`, true},
		{"combo with an unknown cue", "confusion:\n", "  combos:\n    - {name: both, weight: 1, when: [awful, nope]}\nconfusion:\n", `prompts/handoff.yaml:23: complaint.combos.both.when: "nope" is not the name of a cue in complaint.cues`, true},
		{"combo named like a cue", "confusion:\n", "  combos:\n    - {name: awful, weight: 1, when: [awful, awful]}\nconfusion:\n", `prompts/handoff.yaml:23: complaint.combos: name "awful" is already a cue's name`, true},
		{"combo of one part", "confusion:\n", "  combos:\n    - {name: both, weight: 1, when: [awful]}\nconfusion:\n", "prompts/handoff.yaml:23: complaint.combos.both.when: expected a list of at least two cue names", true},
		{"combo without weight", "confusion:\n", "  combos:\n    - {name: both, when: [awful, awful]}\nconfusion:\n", "prompts/handoff.yaml:23: complaint.combos.both: missing weight", true},
		{"combo with an unknown key", "confusion:\n", "  combos:\n    - {name: both, weight: 1, when: [awful, awful], if: x}\nconfusion:\n", `prompts/handoff.yaml:23: complaint.combos: unknown key "if"`, true},
		{"combos not a list", "confusion:\n", "  combos: {both: 1}\nconfusion:\n", "prompts/handoff.yaml:22: complaint.combos: expected a list", true},
		{"qmarks of the wrong kind", "confusion:\n", "  qmarks: [1]\nconfusion:\n", "prompts/handoff.yaml:22: complaint.qmarks: expected a mapping", true},
		{"qmarks out of range", "confusion:\n", "  qmarks: {min: 0, weight: 1}\nconfusion:\n", "prompts/handoff.yaml:22: complaint.qmarks.min: 0 is out of range (1 to 20)", true},
		{"not a mapping", minimal, "- just\n- a list\n", "prompts/handoff.yaml:1: expected a mapping", false},
		{"empty file", minimal, "", "prompts/handoff.yaml:0: expected a mapping", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(minimal, c.old) {
				t.Fatalf("test bug: %q not in minimal", c.old)
			}
			r, probs := load(t, strings.Replace(minimal, c.old, c.new, 1))
			if len(probs) == 0 {
				t.Fatalf("no problem reported, want %q", c.want)
			}
			found := false
			for _, p := range probs {
				found = found || strings.Contains(p.String(), c.want)
			}
			if !found {
				t.Errorf("problems %q, want one containing %q", probs, c.want)
			}
			if (r != nil) != c.usable {
				t.Errorf("rules returned = %v, want %v", r != nil, c.usable)
			}
			if r != nil {
				// Usable rules still work, with a fallback where a knob was bad.
				r.Detect(Input{Text: "this is awful, talk to a human"})
			}
		})
	}
}

// Combos and "??" are optional knobs: a file without them loads without
// problems (TestMinimalRules), and with them they score.
func TestCombosAndQmarks(t *testing.T) {
	r, probs := load(t, strings.Replace(minimal, "confusion:\n", `    - name: thanks
      weight: -1
      en: [thank]
  combos:
    - name: sarcasm
      weight: 2
      when: [thanks, awful]
  qmarks: {min: 1, weight: 0.5}
confusion:
`, 1))
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	// base -2, awful +2.5, thanks -1, sarcasm +2, "??" +0.5
	for _, c := range []struct {
		text string
		z    float64
		ev   string
	}{
		{"awful", 0.5, `"awful" +2.50 (awful)`},
		{"thanks", -3, `"thanks" -1.00 (thanks)`},
		{"thanks, awful", 1.5, `"thanks" & "awful" +2.00 (sarcasm)`},
		{"awful??", 1, `1× "??" +0.50`},
		{"why?? why?!", -2, ""}, // "??" counts only next to a complaint cue
		{"not awful, thanks", -3, ""},
	} {
		score, ev := r.Complaint(c.text)
		if math.Abs(score-sigmoid(c.z)) > 1e-9 {
			t.Errorf("Complaint(%q) = %.3f, want %.3f (evidence %q)", c.text, score, sigmoid(c.z), ev)
		}
		if c.ev != "" && !strings.Contains(strings.Join(ev, "|"), c.ev) {
			t.Errorf("Complaint(%q) evidence %q lacks %q", c.text, ev, c.ev)
		}
	}
}

func TestQmarksCount(t *testing.T) {
	for s, want := range map[string]int{"a?? b?! c!? d? ?": 4, "what?": 0, "no!!": 0, "why？！": 1, "x? http://y ?": 0, "": 0} {
		if got := analyse(s).qmarks; got != want {
			t.Errorf("qmarks(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	r, probs := LoadRules(fstest.MapFS{}, "prompts/handoff.yaml")
	if r != nil || len(probs) != 1 || !strings.HasPrefix(probs[0].String(), "prompts/handoff.yaml:0: cannot read:") {
		t.Errorf("LoadRules of a missing file = %v, %q", r, probs)
	}
}

// A bad phrase is left out; the rest of the list still works.
func TestBadPhraseIsSkipped(t *testing.T) {
	r, probs := load(t, strings.Replace(minimal, "en: ['talk to a human']", "en: ['talk to (a human', 'speak to a human']", 1))
	if len(probs) != 1 || r == nil {
		t.Fatalf("problems %q", probs)
	}
	if d := r.Detect(Input{Text: "speak to a human"}); !d.Handoff {
		t.Errorf("the good phrase stopped working: %+v", d)
	}
}

func TestPhraseSyntax(t *testing.T) {
	cases := []struct {
		phrase string
		typo   int
		match  []string
		miss   []string
	}{
		{"talk to a human", 0, []string{"we were talking to a human", "I TALK TO A HUMANS", "Talk-to a human!"}, []string{"talk to human", "talk to a nice human", "talk to a... human"}},
		{"=talk to", 0, []string{"talk to"}, []string{"talked to", "talking to"}},
		{"refund*", 0, []string{"refunds", "refunded", "REFUNDING"}, []string{"a fund"}},
		{"(want|need) [a|an] (human|agent)", 0, []string{"I want a human", "need an agent", "want human"}, []string{"want the human"}},
		{"talk ... human", 0, []string{"talk to a human", "talk human", "talk to a real human"}, []string{"talk to a real live human", "talk. a human"}},
		{"^ human $", 0, []string{"human", "Human!!", "hi. human please? no: human."}, []string{"human please", "a human"}},
		{"human", 5, []string{"humna", "humans", "hunan"}, []string{"woman", "humid", "xuman"}},
		{"do not", 0, []string{"don't", "dont", "do not", "DON’T"}, []string{"do"}},
		{"转人工", 0, []string{"转人工", "我要转人工！", "转 人 工"}, []string{"转接人工", "人工"}},
		{"상담원 연결", 0, []string{"상담원 연결", "상담원이랑 연결해 주세요", "상담원연결"}, []string{"연결 상담원", "고객상담원"}},
		{"이해 안", 0, []string{"이해가 안 돼요", "이해안돼요", "이해를 안 해요"}, []string{"이해해요"}},
		{"=안", 0, []string{"안 돼요"}, []string{"안녕하세요", "안돼요"}},
		{"human", 0, []string{"@human talk to a human https://human.example"}, []string{"@human https://human.example"}},
		// "," goes on in the next clause, after up to gap units of this
		// one, and only the next ("我不退货，直接给我退款").
		{"不退货 , [直接] ... 退款", 0, []string{"我不退货，直接给我退款", "不退货了，退款", "不退货。退款吧"}, []string{"不退货直接退款", "我不退货，想换货，退款也行", "不退货呢呢呢呢，退款", "不退货"}},
		{"not sending it back , ... refund", 0, []string{"I'm not sending it back, just refund me", "not sending it back. Refund!"}, []string{"not sending it back refund", "not sending it back, it's a gift. refund later"}},
	}
	for _, c := range cases {
		p, err := compilePhrase(c.phrase, c.typo, 3)
		if err != nil {
			t.Errorf("compilePhrase(%q): %v", c.phrase, err)
			continue
		}
		ix := newIndex([]*phrase{p})
		// Every phrase tried at every word, and through the index.
		for _, d := range []func(string) *doc{analyse, ix.analyse} {
			for _, s := range c.match {
				if _, ok := find(d(s), []*phrase{p}, nil, nil); !ok {
					t.Errorf("%q does not match %q", c.phrase, s)
				}
			}
			for _, s := range c.miss {
				if f, ok := find(d(s), []*phrase{p}, nil, nil); ok {
					t.Errorf("%q matches %q (at %d-%d)", c.phrase, s, f.start, f.end)
				}
			}
		}
	}
}

func TestWithin1(t *testing.T) {
	for _, c := range []struct {
		a, b string
		ok   bool
	}{
		{"human", "human", true}, {"human", "humna", true}, {"human", "humn", true}, {"human", "humans", true},
		{"human", "hxman", true}, {"human", "uhman", false}, {"human", "humanity", false}, {"human", "nahum", false},
		{"a", "", false}, {"", "", true},
	} {
		if got := within1(c.a, c.b); got != c.ok {
			t.Errorf("within1(%q, %q) = %v, want %v", c.a, c.b, got, c.ok)
		}
	}
}

func FuzzLoadRules(f *testing.F) {
	f.Add([]byte(minimal))
	if data, err := os.ReadFile("../../prompts/handoff.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("explicit:\n  phrases:\n    en: ['(((', '^$', '...', '=*', '[|]']\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, probs := parseRules("handoff.yaml", data)
		for _, p := range probs {
			if p.File != "handoff.yaml" || p.Line < 0 || p.Msg == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
		if r != nil {
			d := r.Detect(Input{Text: string(data), History: afterAnswer, Misses: 5, Answer: "refunds/time"})
			if d.Handoff != (d.Reason != "") {
				t.Fatalf("handoff %v with reason %q", d.Handoff, d.Reason)
			}
		}
	})
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"talk to a human", "转人工!!", "상담원이랑 연결", "THIS IS AWFUL!!!", "what??", "", "\xff\xfe", "안", "이해가안"} {
		f.Add(s, "where is my order", 1)
	}
	r := loadShipped(f)
	f.Fuzz(func(t *testing.T, text, prev string, misses int) {
		d := r.Detect(Input{Text: text, Misses: misses, Answer: prev, History: conversation(prev, prev)})
		if d.Handoff != (d.Reason != "") || (d.Handoff && len(d.Evidence) == 0) {
			t.Fatalf("inconsistent decision %+v", d)
		}
		for k, v := range d.Scores {
			if v < 0 || v > 1 {
				t.Fatalf("score %s = %v", k, v)
			}
		}
		for _, e := range d.Evidence {
			if !utf8.ValidString(e) {
				t.Fatalf("evidence is not UTF-8: %q", e)
			}
		}
		if p, err := compilePhrase(prev, 5, 3); err == nil {
			// Any phrase, on any text: the index finds what trying
			// every word finds.
			a, aok := find(analyse(text), []*phrase{p}, nil, &r.neg)
			neg := negation{window: r.neg.window} // a phrase belongs to one index
			for _, w := range r.neg.words {
				c, err := compilePhrase(w.src, 0, 3)
				if err != nil {
					t.Fatal(err)
				}
				neg.words = append(neg.words, c)
			}
			ix := newIndex(neg.words, []*phrase{p})
			d := ix.analyse(text)
			b, bok := find(d, []*phrase{p}, nil, &neg)
			ix.release(d)
			if aok != bok || a != b {
				t.Fatalf("phrase %q on %q: every word %v %+v, index %v %+v", prev, text, aok, a, bok, b)
			}
		}
	})
}
