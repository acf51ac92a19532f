package eval_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/eval"
	"github.com/batonhq/baton/bot/lang"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// testTimeout bounds one conversation; a turn makes a few Redis calls.
const testTimeout = 30 * time.Second

// Minimum size of the suite, so a file that stops loading (or a careless
// deletion) cannot make CI green by running fewer conversations.
const (
	minTests   = 45
	minPerLang = 10 // Chinese and Korean conversations each
)

// TestSuite plays every conversation in testdata/*.yaml on a fresh bot
// built as `baton eval` builds it, but on the repository's prompts/ and
// knowledge/ folders and the test Redis.
func TestSuite(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no conversation tests in testdata/*.yaml")
	}
	var tests []eval.Test
	seen := map[string]string{}
	for _, f := range files {
		ts, err := eval.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range ts {
			where := fmt.Sprintf("%s:%d", tc.File, tc.Line)
			if prev, ok := seen[tc.Name]; ok {
				t.Fatalf("%s: test name %q already used at %s", where, tc.Name, prev)
			}
			seen[tc.Name] = where
		}
		tests = append(tests, ts...)
	}
	checkCoverage(t, tests)

	holder, problems, err := content.NewHolder(content.Dir("../../prompts"), content.Dir("../../knowledge"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("content problem: %s", p)
	}
	rdb := sessiontest.Client(t)

	for _, tc := range tests {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
			defer cancel()
			factory := func(ctx context.Context, desk bool) (eval.Env, error) {
				// StoreOn gives the store a prefix unique to this
				// subtest and removes its keys when the subtest ends.
				store := sessiontest.StoreOn(t, rdb, session.WithMaxTurns(1000))
				var opts []bot.Option
				if desk {
					opts = append(opts, bot.WithDesk(eval.Desk{}))
				}
				return eval.Env{Bot: bot.New(store, holder, opts...), Store: store}, nil
			}
			res := eval.Run(ctx, tc, factory)
			for _, f := range res.Failures {
				t.Error(f)
			}
		})
	}
}

// checkCoverage keeps the suite as broad as the project promises: enough
// conversations, in all three languages, with and without a desk.
func checkCoverage(t *testing.T, tests []eval.Test) {
	t.Helper()
	if len(tests) < minTests {
		t.Errorf("suite has %d conversations, want at least %d", len(tests), minTests)
	}
	perLang := map[string]int{}
	noDesk := 0
	for _, tc := range tests {
		perLang[testLang(tc)]++
		if tc.Desk != nil && !*tc.Desk {
			noDesk++
		}
	}
	for _, l := range []string{"zh", "ko"} {
		if perLang[l] < minPerLang {
			t.Errorf("suite has %d %s conversations, want at least %d", perLang[l], l, minPerLang)
		}
	}
	if perLang["en"] == 0 {
		t.Error("suite has no English conversations")
	}
	if noDesk == 0 {
		t.Error("suite has no conversation without a desk (desk: false)")
	}
	t.Logf("%d conversations: %d en, %d zh, %d ko, %d without a desk",
		len(tests), perLang["en"], perLang["zh"], perLang["ko"], noDesk)
}

// testLang is the language a conversation is in: that of the customer's
// first message by its script (Chinese, Korean), else English.
func testLang(tc eval.Test) string {
	for _, tr := range tc.Turns {
		if tr.Say != "" {
			if l := lang.FromScript(tr.Say); l != "" {
				return l
			}
			return "en"
		}
	}
	return "en"
}

// TestParseErrors: a broken test file is reported as file:line with what
// is wrong, so ops can fix it without guessing. The error may name the
// test's first line and add the line of the offending key ("bad.yaml:5:
// ... line 9: field answr not found"), but every line it gives must be
// right: a wrong line number sends ops to the wrong place.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name    string
		yaml    string
		line    int      // where the problem is
		test    int      // the line of the test holding it, when the error may start there
		mention []string // what the error must name
	}{
		{
			name: "unknown expectation key",
			yaml: `- name: typo
  turns:
    - say: hello
      expect: {kind: greeting}
- name: misspelt answer
  turns:
    - say: where is my order
      expect:
        answr: orders/tracking
`,
			line: 9, test: 5, mention: []string{"answr"},
		},
		{
			name: "say_first_of after the first turn",
			yaml: `- name: late candidates
  turns:
    - say: hello
    - say_first_of: [where is my order, track my parcel]
`,
			line: 4, test: 1, mention: []string{"say_first_of", "first turn"},
		},
		{
			name: "unknown expectation key in a first test",
			yaml: `- name: misspelt contains
  turns:
    - say: hello
      expect:
        contain: [Mia]
`,
			line: 5, test: 1, mention: []string{"contain"},
		},
		{
			name: "unknown test key",
			yaml: `- name: desk typo
  dsk: false
  turns:
    - say: hi
`,
			line: 2, test: 1, mention: []string{"dsk"},
		},
		{
			name: "turn without say or command",
			yaml: `- name: fine
  turns:
    - say: hi
- name: empty turn
  turns:
    - say: where is my order
    - expect: {handoff: explicit}
`,
			line: 7, mention: []string{"exactly one of say, say_first_of, command or press"},
		},
		{
			name: "turn with both say and command",
			yaml: `- name: both
  turns:
    - say: hi
      command: human
`,
			line: 3, mention: []string{"exactly one of say, say_first_of, command or press"},
		},
		{
			name: "not a list",
			yaml: `name: a single test
turns:
  - say: hi
`,
			line: 1, mention: []string{"want a list of tests"},
		},
		{
			name: "not a list further down",
			yaml: `# tests for shipping

"just a string"
`,
			line: 3, mention: []string{"want a list of tests"},
		},
		{
			name: "test without a name",
			yaml: `- name: ok
  turns: [{say: hi}]
- turns:
    - say: hi
`,
			line: 3, mention: []string{"no name"},
		},
		{
			name: "test without turns",
			yaml: `- name: lonely
`,
			line: 1, mention: []string{"lonely", "no turns"},
		},
		{
			name: "empty file",
			yaml: "",
			line: 1, mention: []string{"no tests"},
		},
		{
			name: "expectation of the wrong type",
			yaml: `# a comment

- name: wrong type
  turns:
    - say: hi
      expect:
        contains: {a: b}
`,
			line: 7, test: 3, mention: []string{"[]string"},
		},
		{
			name: "YAML syntax error",
			yaml: `- name: broken
  turns:
    - say: "unterminated
`,
			line: 3,
		},
	}
	prefix := regexp.MustCompile(`^bad\.yaml:(\d+):`)
	inner := regexp.MustCompile(`\bline (\d+)\b`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "bad.yaml")
			if err := os.WriteFile(path, []byte(c.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			tests, err := eval.Load(path)
			if err == nil {
				t.Fatalf("Load accepted a bad file, got %d tests", len(tests))
			}
			if tests != nil {
				t.Errorf("Load returned tests along with an error: %v", tests)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, path+":") {
				t.Fatalf("error does not start with the file name %s: %q", path, msg)
			}
			msg = "bad.yaml" + strings.TrimPrefix(msg, path)
			m := prefix.FindStringSubmatch(msg)
			if m == nil {
				t.Fatalf("error does not start with bad.yaml:LINE: %q", msg)
			}
			at, _ := strconv.Atoi(m[1])
			if at != c.line && (c.test == 0 || at != c.test) {
				t.Errorf("error points at line %d, the problem is on line %d: %q", at, c.line, msg)
			}
			found := at == c.line
			for _, im := range inner.FindAllStringSubmatch(msg[len(m[0]):], -1) {
				n, _ := strconv.Atoi(im[1])
				if n != c.line {
					t.Errorf("error says line %d, the problem is on line %d: %q", n, c.line, msg)
				}
				found = found || n == c.line
			}
			if !found {
				t.Errorf("error never gives line %d, where the problem is: %q", c.line, msg)
			}
			for _, w := range c.mention {
				if !strings.Contains(msg, w) {
					t.Errorf("error should mention %q: %q", w, msg)
				}
			}
		})
	}
}

// TestLoadGood: a valid file keeps every field, with the lines the
// runner's failure messages point at.
func TestLoadGood(t *testing.T) {
	path := filepath.Join(t.TempDir(), "good.yaml")
	src := `# a comment first
- name: shipping in Korean
  lang: ko
  desk: false
  turns:
    - say: "배송 얼마나 걸려요?"
      expect:
        answer: shipping/times
        lang: ko
        contains: [영업일]
        not_contains: [Mia]
    - command: /human
      expect: {handoff: explicit, kind: nodesk}
- name: second
  turns:
    - say: hi
      expect: {kind: greeting, silent: false, rephrase: false}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tests, err := eval.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) != 2 {
		t.Fatalf("got %d tests, want 2", len(tests))
	}
	a := tests[0]
	if a.Name != "shipping in Korean" || a.Lang != "ko" || a.Desk == nil || *a.Desk || a.File != path || a.Line != 2 {
		t.Errorf("test fields: %+v", a)
	}
	if len(a.Turns) != 2 {
		t.Fatalf("got %d turns, want 2", len(a.Turns))
	}
	t1, t2 := a.Turns[0], a.Turns[1]
	if t1.Say != "배송 얼마나 걸려요?" || t1.Line != 6 || t1.Expect.Answer != "shipping/times" || t1.Expect.Lang != "ko" ||
		len(t1.Expect.Contains) != 1 || t1.Expect.Contains[0] != "영업일" || len(t1.Expect.NotContains) != 1 {
		t.Errorf("turn 1: %+v", t1)
	}
	if t2.Command != "/human" || t2.Line != 12 || t2.Expect.Handoff != "explicit" || t2.Expect.Kind != "nodesk" {
		t.Errorf("turn 2: %+v", t2)
	}
	if b := tests[1]; b.Desk != nil || b.Line != 14 || b.Turns[0].Line != 16 || b.Turns[0].Expect.Kind != "greeting" {
		t.Errorf("second test: %+v", b)
	}
	if _, err := eval.Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: err = %v, want one naming the file", err)
	}
}

// TestRunnerCatchesMismatches: the suite passing means something only if
// a wrong expectation fails, with the file:line of the turn and what the
// bot did instead.
func TestRunnerCatchesMismatches(t *testing.T) {
	src := `- name: wrong on purpose
  lang: en
  turns:
    - say: "Hello!"
      expect:
        answer: shipping/times
        rephrase: true
        handoff: explicit
        kind: bye
        lang: ko
        contains: [zebra]
        not_contains: [Mia]
        silent: true
    - command: human
      expect: {handoff: none, not_handoff: explicit, silent: true}
- name: right
  desk: false
  turns:
    - say: "Hello!"
      expect: {kind: greeting, handoff: none, lang: en, contains: [Mia], not_contains: [zebra]}
    - command: human
      expect: {handoff: explicit, not_handoff: complaint, kind: nodesk, contains: ["support@kumo.example"]}
`
	tests, err := eval.Parse("wrong.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	factory, desks := shippedFactory(t)
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()

	wrong := eval.Run(ctx, tests[0], factory)
	if wrong.Passed() {
		t.Fatal("a test with wrong expectations passed")
	}
	all := strings.Join(wrong.Failures, "\n")
	for _, want := range []string{
		`wrong.yaml:4: turn 1 ("Hello!"): want answer from shipping/times, got greeting`,
		"want a rephrase request",
		"want handoff explicit, got greeting",
		"want a bye reply, got greeting",
		"want language ko, conversation is in en",
		`reply lacks "zebra"`,
		`reply has "Mia"`,
		"want no reply",
		`wrong.yaml:14: turn 2 ("/human"): want handoff none, got handoff, handoff explicit`,
		"want no explicit handoff, got handoff, handoff explicit",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("failures lack %q:\n%s", want, all)
		}
	}

	if right := eval.Run(ctx, tests[1], factory); !right.Passed() {
		t.Errorf("a test with right expectations failed:\n%s", strings.Join(right.Failures, "\n"))
	}
	if d := *desks; len(d) != 2 || !d[0] || d[1] {
		t.Errorf("factory asked for desks %v, want [true false] (desk: false turns the desk off)", d)
	}
}

// TestSayFirstOfPlaysTheFirstCandidateThatMeetsTheTurn: a first turn with
// say_first_of is played with the first message whose reply meets its
// expectations, each tried on a bot of its own, and the rest of the test
// goes on from there; when none does, the failure says so.
func TestSayFirstOfPlaysTheFirstCandidateThatMeetsTheTurn(t *testing.T) {
	src := `- name: picks the second
  lang: en
  turns:
    - say_first_of: ["Hello!", "how long does shipping take", "where is my order"]
      expect: {answer: shipping/times}
    - say: "thanks"
      expect: {kind: thanks}
- name: none fits
  lang: en
  turns:
    - say_first_of: ["Hello!", "good morning"]
      expect: {answer: shipping/times}
`
	tests, err := eval.Parse("first.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	factory, desks := shippedFactory(t)
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()

	res := eval.Run(ctx, tests[0], factory)
	if !res.Passed() {
		t.Fatalf("want the test played with its second message, got failures:\n%s", strings.Join(res.Failures, "\n"))
	}
	if got := res.Test.Turns[0].Say; got != "how long does shipping take" {
		t.Errorf("played %q, want the first candidate that meets the turn", got)
	}
	// "Hello!" alone, "how long does shipping take" alone, then the whole
	// test on a bot of its own.
	if made := len(*desks); made != 3 {
		t.Errorf("made %d bots, want 3 (one per try and one for the test)", made)
	}

	none := eval.Run(ctx, tests[1], factory)
	if none.Passed() || !strings.Contains(strings.Join(none.Failures, "\n"), "first.yaml:11: turn 1: none of the 2 say_first_of messages") {
		t.Errorf("want a failure naming the turn and the candidates tried, got %q", none.Failures)
	}
}

// shippedFactory makes bots on the shipped prompts and knowledge, each on
// a store of its own, and records the desk setting each was made with.
func shippedFactory(t *testing.T) (eval.Factory, *[]bool) {
	t.Helper()
	holder, _, err := content.NewHolder(content.Dir("../../prompts"), content.Dir("../../knowledge"), nil)
	if err != nil {
		t.Fatal(err)
	}
	rdb := sessiontest.Client(t)
	var desks []bool
	return func(ctx context.Context, desk bool) (eval.Env, error) {
		desks = append(desks, desk)
		store := sessiontest.StoreOn(t, rdb, session.WithMaxTurns(1000))
		var opts []bot.Option
		if desk {
			opts = append(opts, bot.WithDesk(eval.Desk{}))
		}
		return eval.Env{Bot: bot.New(store, holder, opts...), Store: store}, nil
	}, &desks
}
