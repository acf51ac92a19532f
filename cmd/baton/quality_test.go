package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/llm/llmtest"
)

// TestCheckReportsKnowledgeQuality: `baton check` prints what calibration
// measured on the base, and the pairs of entries customers confuse. It is
// advice: the exit status changes only with --strict.
func TestCheckReportsKnowledgeQuality(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"check"}, env(nil), nil, &out, &errOut); code != 0 {
		t.Fatalf("shipped content: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"knowledge quality", "held-out phrasings answered: ", "wrong among the answered:", "off-topic messages answered:", "entries customers may confuse", " <-> ", " question(s) cross"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}
	// The same base under --strict with a level it does not reach.
	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), []string{"check", "--strict", "--min-answered", "0.99"}, env(nil), nil, &out, &errOut); code != 1 {
		t.Errorf("--strict --min-answered 0.99: exit %d, want 1", code)
	}
	if !strings.Contains(errOut.String(), "knowledge quality below") {
		t.Errorf("--strict: stderr %q should say why", errOut.String())
	}
	// A base of three entries is too thin to calibrate: said plainly, as
	// advice only without --strict.
	k := t.TempDir()
	for name, body := range map[string]string{
		"a.md": "---\nquestions: [\"Where is my order?\"]\n---\nTracking link.\n",
		"b.md": "---\nquestions: [\"How do I return an item?\"]\n---\nWithin 30 days.\n",
		"c.md": "---\nquestions: [\"Do you ship abroad?\"]\n---\nYes.\n",
	} {
		if err := os.WriteFile(filepath.Join(k, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	errOut.Reset()
	// (The exit status may be 1 here for other reasons: handoff.yaml names
	// shipped entries this base lacks.)
	run(context.Background(), []string{"check", "--knowledge", k}, env(nil), nil, &out, &errOut)
	if !strings.Contains(out.String(), "only 3 example questions") {
		t.Errorf("thin base: output lacks the advice:\n%s", out.String())
	}
	if strings.Contains(errOut.String(), "quality below") {
		t.Errorf("thin base without --strict: quality changed the verdict: %s", errOut.String())
	}
}

// TestCheckReportsLexiconProblems: a broken lexicon file fails `baton
// check` with file:line problems.
func TestCheckReportsLexiconProblems(t *testing.T) {
	prompts, file, src := copiedEnLexicon(t)
	lines := strings.Count(string(src), "\n")
	bad := string(src) + "  - [parcel, box]\n  - [tracking]\n"
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"check", "--prompts", prompts}, env(nil), nil, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out.String())
	}
	for _, want := range []string{
		file + ":" + strconv.Itoa(lines+1) + ": related: \"parcel\" is rewritten by the same group",
		file + ":" + strconv.Itoa(lines+2) + ": related: a group needs at least two",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestMatchExplain: --explain prints the top 3 with scores, the decision,
// the lexicon rules that applied and the shared terms.
func TestMatchExplain(t *testing.T) {
	var out, errOut bytes.Buffer
	stdin := strings.NewReader("where is my parcel??\nasdfgh qwerty\n")
	if code := runMatch(t.Context(), []string{"--explain"}, env(nil), stdin, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	got := out.String()
	for _, want := range []string{
		"\"where is my parcel??\"\n  decision: confident when lead >= ",
		"  lexicon: parcel -> packag",
		"lexicon/en.yaml:",
		"  1. orders/tracking ",
		"  2. ",
		"  3. ",
		"     closest question: ",
		"     shared terms: ",
		"\"asdfgh qwerty\"\n",
		"  no entry shares a word with this message",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("explain output lacks %q:\n%s", want, got)
		}
	}
}

// TestCheckReportsSemanticQuality: with an embeddings server configured,
// `baton check` waits for the knowledge vectors and reports the quality of
// the fused matcher serve answers with once they are built, and --strict
// judges that one, not the lexical one. The base's questions share no
// words, so the lexical matcher answers none of them held out, while the
// fake model knows which entry each question belongs to.
func TestCheckReportsSemanticQuality(t *testing.T) {
	const entries, perEntry, dim = 10, 4, 64
	entryOf := map[string]int{}
	files := map[string]string{}
	// The entries handoff.yaml offers after a refused demand must
	// exist, or check fails before it judges quality.
	names := []string{"en/payment/price-match.md", "en/returns/policy.md", "en/returns/start.md", "en/returns/refunds.md", "en/shipping/costs.md"}
	for e := len(names); e < entries; e++ {
		names = append(names, fmt.Sprintf("en/topic%d.md", e))
	}
	for e := range entries {
		var qs []string
		for q := range perEntry {
			words := make([]string, 3)
			for w := range words {
				words[w] = letters(((e*perEntry+q)*3 + w) * 7919)
			}
			text := strings.Join(words, " ") + "?"
			entryOf[text] = e
			qs = append(qs, strconv.Quote(text))
		}
		files[names[e]] = "---\nquestions: [" + strings.Join(qs, ", ") + "]\n---\nAnswer " + strconv.Itoa(e) + ".\n"
	}
	k := writeMatchKB(t, files)
	hash := llmtest.HashEmbedder(dim - entries)
	emb := llmtest.New(t, llmtest.WithEmbedder(func(text string) []float32 {
		v := make([]float32, dim)
		if e, ok := entryOf[text]; ok {
			v[e] = 1
			return v
		}
		copy(v[entries:], hash(text)) // anything else: far from every entry
		return v
	}))
	vars := env(map[string]string{"OPENAI_BASE_URL": emb.URL(), "OPENAI_EMBEDDING_MODEL": "fake-embed"})
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"check", "--knowledge", k}, vars, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	lexical, semantic, ok := strings.Cut(out.String(), "with semantic matching")
	if !ok {
		t.Fatalf("check output lacks the semantic quality:\n%s", out.String())
	}
	l, s := answeredShare(t, lexical), answeredShare(t, semantic)
	if l > 0.1 || s < 0.9 {
		t.Fatalf("answered: lexical %.2f (want about 0), fused %.2f (want about 1)\n%s", l, s, out.String())
	}
	// --strict judges what customers get: the fused quality passes the
	// level the lexical one fails.
	strict := []string{"check", "--knowledge", k, "--strict", "--min-answered", "0.5"}
	if code := run(context.Background(), strict, vars, nil, &out, &errOut); code != 0 {
		t.Errorf("%v with semantic matching: exit %d, want 0\n%s", strict[1:], code, errOut.String())
	}
	errOut.Reset()
	if code := run(context.Background(), strict, env(nil), nil, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "knowledge quality below") {
		t.Errorf("%v lexical: exit %d, want 1 for quality\n%s", strict[1:], code, errOut.String())
	}
}

// letters spells n in base 26 with lower-case letters: a word no other
// number shares.
func letters(n int) string {
	b := []byte{'q'} // at least two letters: one-letter words are dropped
	for {
		b = append(b, byte('a'+n%26))
		n /= 26
		if n == 0 {
			return string(b)
		}
	}
}

// TestCheckWithoutVectorsSaysSo: when the knowledge vectors cannot be
// built, `baton check` says that serve would answer lexically, reports the
// lexical quality, and does not fail for it.
func TestCheckWithoutVectorsSaysSo(t *testing.T) {
	emb := llmtest.New(t)
	emb.FailEmbeddings(http.StatusInternalServerError, 1_000_000)
	vars := env(map[string]string{"OPENAI_BASE_URL": emb.URL(), "OPENAI_EMBEDDING_MODEL": "fake-embed"})
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"check"}, vars, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"held-out phrasings answered: ", "knowledge vectors not built", "serve would answer lexically"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "with semantic matching") {
		t.Errorf("check reported a semantic quality without vectors:\n%s", out.String())
	}
}

// answeredShare reads the first "held-out phrasings answered: N%" of a
// check report.
func answeredShare(t *testing.T, report string) float64 {
	t.Helper()
	m := regexp.MustCompile(`held-out phrasings answered: (\d+)%`).FindStringSubmatch(report)
	if m == nil {
		t.Fatalf("no answered share in:\n%s", report)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v / 100
}

// TestEvalUsesSemanticMatching: with an embeddings server configured,
// `baton eval` runs its conversations on the fused matcher serve answers
// with once its vectors are built: a question only the model connects to
// its entry is answered.
func TestEvalUsesSemanticMatching(t *testing.T) {
	emb := llmtest.New(t, llmtest.WithEmbedder(func(text string) []float32 {
		v := llmtest.HashEmbedder(64)(text)
		if regexp.MustCompile(`(?i)get here|arriv|deliver`).MatchString(text) {
			v[0] += 4
		}
		return v
	}))
	k := writeMatchKB(t, map[string]string{
		"en/shipping/times.md":      "---\nquestions:\n  - How long is delivery?\n  - How many days until arrival?\n---\nTwo to four days.\n",
		"en/orders/cancel.md":       "---\nquestions:\n  - How do I cancel my order?\n---\nFrom your account.\n",
		"en/orders/change.md":       "---\nquestions:\n  - Can I change my order?\n---\nWithin an hour.\n",
		"en/orders/invoice.md":      "---\nquestions:\n  - Where is the invoice for my order?\n---\nIn the email.\n",
		"en/payment/price-match.md": "---\nquestions:\n  - Do you match prices?\n---\nYes, within 14 days.\n",
		"en/returns/policy.md":      "---\nquestions:\n  - Can I return an item?\n---\nWithin 30 days.\n",
	})
	suite := filepath.Join(t.TempDir(), "suite.yaml")
	conv := "- name: arrival\n  turns:\n    - say: \"my order, when will that get here?\"\n      expect:\n        answer: shipping/times\n"
	if err := os.WriteFile(suite, []byte(conv), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"BATON_KNOWLEDGE_DIR": k}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"eval", suite}, env(vars), nil, &out, &errOut); code != 1 || !strings.Contains(out.String(), "FAIL arrival") {
		t.Fatalf("lexical eval: exit %d, want the conversation to fail (else this test shows nothing)\n%s%s", code, out.String(), errOut.String())
	}
	vars["OPENAI_BASE_URL"], vars["OPENAI_EMBEDDING_MODEL"] = emb.URL(), "fake-embed"
	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), []string{"eval", suite}, env(vars), nil, &out, &errOut); code != 0 {
		t.Fatalf("semantic eval: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "PASS arrival") {
		t.Errorf("semantic eval output:\n%s", out.String())
	}
}

// TestCheckNamesTheLineOfAYAMLMistake: a syntax error in the lexicon, in a
// knowledge entry's front matter and in handoff.yaml is reported at the line
// ops got wrong, not at the line yaml.v3 names (where the enclosing list
// began, counted from 0), which sent ops to the line above.
func TestCheckNamesTheLineOfAYAMLMistake(t *testing.T) {
	dir := t.TempDir()
	prompts, know := filepath.Join(dir, "prompts"), filepath.Join(dir, "knowledge")
	if err := os.CopyFS(prompts, os.DirFS("../../prompts")); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(know, os.DirFS("../../knowledge")); err != nil {
		t.Fatal(err)
	}
	// breakAt replaces line n (1-based) of file with s.
	breakAt := func(file string, n int, s string) {
		t.Helper()
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(src), "\n")
		lines[n-1] = s
		if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// lineOf is the first line of file holding s after from.
	lineOf := func(file, s string, from int) int {
		t.Helper()
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range strings.Split(string(src), "\n") {
			if i+1 > from && strings.Contains(l, s) {
				return i + 1
			}
		}
		t.Fatalf("%s has no %q", file, s)
		return 0
	}
	lex := filepath.Join(prompts, "lexicon", "en.yaml")
	lexLine := lineOf(lex, "  - [", lineOf(lex, "  - [", 0)+2)
	breakAt(lex, lexLine, "  - [package, parcel, packet")
	entry := filepath.Join(know, "en", "orders", "cancel.md")
	qLine := lineOf(entry, "  - ", 0) + 1
	breakAt(entry, qLine, `  - "can I cancel my order`)

	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"check", "--prompts", prompts, "--knowledge", know}, env(nil), nil, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out.String())
	}
	for _, want := range []string{
		lex + ":" + strconv.Itoa(lexLine) + ": not valid YAML",
		entry + ":" + strconv.Itoa(qLine) + `: the " opened on this line is not closed: put another " at the end of the text; this entry is not served until fixed`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestCheckHedgedHeadlineIsCountedWhole: `baton check`'s likely-tier line
// holds the share right with every wrong held-out question counted whole
// against the target; the share the cut was chosen on, which weighs a
// two-way crossing by a ratio fitted on other bases, comes after it as an
// estimate for customers' messages, naming the weight and where it was
// fitted; a share counted whole under the target is said to be, and when
// only the estimate meets the target the headline says that too; without
// a weight there is no estimate.
func TestCheckHedgedHeadlineIsCountedWhole(t *testing.T) {
	base := knowledge.Calibration{Hedge: true, LikelyRight: 0.8, LikelyInScope: 0.85, LikelyAnswered: 0.39, OffTopicLikely: 0.044, NearLikely: 0.1}
	for _, tc := range []struct {
		name               string
		counted, estimated float64
		pair, other        float64
		head, est          string // "" est: no estimate line
	}{
		{"fused: any other wrong one weighed too", 0.73, 0.82, 0.22, 0.86,
			"; 73% of the hedged right in a traffic 85% in scope, every wrong held-out question counted whole (target 80%: not met on these samples, only by the estimate below, BATON_LIKELY_RIGHT);",
			"    estimate for customers' messages, not measured on this base: 82% right, a wrong held-out question that crosses to an entry whose own question crosses back weighed 0.22 of a wrong answer, any other wrong one 0.86 (fitted on dev pool X; "},
		{"estimate above the share counted whole", 0.83, 0.94, 0.14, 0,
			"; 83% of the hedged right in a traffic 85% in scope, every wrong held-out question counted whole (target 80%, BATON_LIKELY_RIGHT);",
			"    estimate for customers' messages, not measured on this base: 94% right, a wrong held-out question that crosses to an entry whose own question crosses back weighed 0.14 of a wrong answer (fitted on dev pool X; "},
		{"only the estimate meets the target", 0.76, 0.82, 0.14, 0,
			"; 76% of the hedged right in a traffic 85% in scope, every wrong held-out question counted whole (target 80%: not met on these samples, only by the estimate below, BATON_LIKELY_RIGHT);",
			"    estimate for customers' messages, not measured on this base: 82% right, "},
		{"under the target, the estimate too", 0.76, 0.79, 0.41, 0,
			"; 76% of the hedged right in a traffic 85% in scope, every wrong held-out question counted whole (target 80%: not met on these samples, BATON_LIKELY_RIGHT);",
			"    estimate for customers' messages, not measured on this base: 79% right, a wrong held-out question that crosses to an entry whose own question crosses back weighed 0.41 of a wrong answer (fitted on dev pool X; "},
		{"under the target, no weight", 0.78, 0.78, 0, 0,
			"; 78% of the hedged right in a traffic 85% in scope, every wrong held-out question counted whole (target 80%: not met on these samples, BATON_LIKELY_RIGHT);", ""},
		{"no weight", 0.83, 0.83, 0, 0,
			"; 83% of the hedged right in a traffic 85% in scope, every wrong held-out question counted whole (target 80%, BATON_LIKELY_RIGHT);", ""},
	} {
		c := base
		c.LikelyCounted, c.LikelyPrecision, c.PairWrong, c.OtherWrong, c.PairWrongFitted = tc.counted, tc.estimated, tc.pair, tc.other, "dev pool X"
		var out bytes.Buffer
		writeQuality(&out, &c)
		got := out.String()
		if !strings.Contains(got, "  answered with a hedge (likely): 39% more of the held-out phrasings"+tc.head) {
			t.Errorf("%s: headline lacks %q:\n%s", tc.name, tc.head, got)
		}
		if tc.est == "" {
			if strings.Contains(got, "estimate") {
				t.Errorf("%s: an estimate without a weight:\n%s", tc.name, got)
			}
		} else if !strings.Contains(got, tc.est) {
			t.Errorf("%s: output lacks the estimate %q:\n%s", tc.name, tc.est, got)
		}
	}
}

// TestCheckBakeryHedgedHeadline: on the bakery dev shop (lexical), whose
// two-way crossings the lexical prior weighs 0.14, `baton check` reports
// the likely tier's share counted whole as its headline and the weighed
// share as a larger estimate after it.
func TestCheckBakeryHedgedHeadline(t *testing.T) {
	var out, errOut bytes.Buffer
	run(t.Context(), []string{"check", "-knowledge", "../../bot/knowledge/testdata/shops/bakery"}, env(nil), nil, &out, &errOut)
	m := regexp.MustCompile(`(?m)^  answered with a hedge \(likely\): \d+% more of the held-out phrasings; (\d+)% of the hedged right in a traffic 85% in scope, every wrong held-out question counted whole \(target 80%, BATON_LIKELY_RIGHT\);.*\n    estimate for customers' messages, not measured on this base: (\d+)% right, .* weighed 0\.14 of a wrong answer \(fitted on banking77's shop-sized dev bases; `).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no counted-whole headline with its estimate after it:\n%s%s", out.String(), errOut.String())
	}
	if head, est := atoi(t, m[1]), atoi(t, m[2]); est <= head {
		t.Errorf("headline %d%%, estimate %d%%: the estimate weighs some wrong answers less, so should be above", head, est)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// copiedEnLexicon copies the shipped prompts to a temporary folder for a
// test to edit, and returns that folder, its lexicon/en.yaml and the
// file's text.
func copiedEnLexicon(t *testing.T) (prompts, file string, src []byte) {
	t.Helper()
	prompts = filepath.Join(t.TempDir(), "prompts")
	if err := os.CopyFS(prompts, os.DirFS("../../prompts")); err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(prompts, "lexicon", "en.yaml")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return prompts, file, src
}
