package handoff

import (
	"strings"
	"testing"
	"testing/fstest"
)

// datasetFS is learnedFS(tinyExamples) with learned.dataset set to ds.yaml
// holding ds.
func datasetFS(ds string) fstest.MapFS {
	fsys := learnedFS(tinyExamples)
	fsys["p/handoff.yaml"].Data = []byte(strings.Replace(string(fsys["p/handoff.yaml"].Data), "  examples: ex.yaml\n", "  examples: ex.yaml\n  dataset: ds.yaml\n", 1))
	fsys["p/ds.yaml"] = &fstest.MapFile{Data: []byte(ds)}
	return fsys
}

const tinyDataset = `complaint:
  en:
    - the modem keeps dropping every evening, fed up
    - modem dropping again tonight for a week now
    - third evening the modem drops, sort it out
none:
  en:
    - loving the new modem, so fast
    - any plans to stock the blue one
`

// The learned layer learns from learned.dataset's real messages as from
// the examples, and its evidence names the dataset's line.
func TestLearnedDatasetTrains(t *testing.T) {
	const msg = "my modem is dropping every evening"
	plain, probs := LoadRules(learnedFS(tinyExamples), "p/handoff.yaml")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if d := plain.Detect(Input{Text: msg}); d.Handoff {
		t.Fatalf("without the dataset %q hands off: %+v", msg, d)
	}
	r, probs := LoadRules(datasetFS(tinyDataset), "p/handoff.yaml")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	d := r.Detect(Input{Text: msg})
	if !d.Handoff || d.Reason != Complaint {
		t.Fatalf("with the dataset %q: %+v, want a complaint", msg, d)
	}
	if ev := d.Evidence[0]; !strings.Contains(ev, "complaint (learned)") || !strings.Contains(ev, "(ds.yaml:3, similarity") {
		t.Errorf("evidence %q does not name the dataset's closest line (ds.yaml:3)", ev)
	}
	// The examples file's own lines are still named by it.
	if d := r.Detect(Input{Text: "could a person from your team speak to me"}); !d.Handoff || !strings.Contains(d.Evidence[0], "(ex.yaml:2, similarity") {
		t.Errorf("explicit request: %+v, want its closest example at ex.yaml:2", d)
	}
}

// What may identify a person, or repeats an example, is reported at its
// line; the rest of the file still trains.
func TestLearnedDatasetProblems(t *testing.T) {
	ds := `complaint:
  en:
    - thanks @janedoe, the modem keeps dropping every evening
    - modem dropping again, see http://t.co/abc
    - mail me at jo.smith@example.com about the modem
    - call me on 214-583-2188 about the modem
    - my account 12345678 was charged twice for the modem
    - terrible quality
    - the modem keeps dropping every evening, fed up
    - paid $300.00 for a modem that drops every evening
none:
  en: [loving the new modem, so fast, tried enquiries@ and the web form]
`
	r, probs := LoadRules(datasetFS(ds), "p/handoff.yaml")
	if r == nil {
		t.Fatal("a bad dataset must not take the rules down")
	}
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	want := []string{
		"p/ds.yaml:3: " + `"thanks @janedoe, the modem keeps dropping every evening" holds an @handle or a link`,
		"p/ds.yaml:4: " + `"modem dropping again, see http://t.co/abc" holds an @handle or a link`,
		"p/ds.yaml:5: " + `"mail me at jo.smith@example.com about the modem" holds an e-mail address`,
		"p/ds.yaml:6: " + `"call me on 214-583-2188 about the modem" holds a long number`,
		"p/ds.yaml:7: " + `"my account 12345678 was charged twice for the modem" holds a long number`,
		"p/ds.yaml:8: " + `"terrible quality" is already an example of complaint (ex.yaml:4)`,
	}
	if len(got) != len(want) {
		t.Fatalf("problems:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want it to start %q", i, got[i], want[i])
		}
	}
	n := 0
	for _, e := range r.learned.m.examples {
		if e.dataset {
			n++
		}
	}
	if n != 5 { // lines 9 and 10, and the three none messages
		t.Errorf("%d dataset lines trained on, want 5", n)
	}

	fsys := datasetFS(tinyDataset)
	delete(fsys, "p/ds.yaml")
	if _, probs := LoadRules(fsys, "p/handoff.yaml"); len(probs) != 1 || !strings.Contains(probs[0].String(), "learned.dataset: cannot read p/ds.yaml") {
		t.Errorf("missing dataset file: %v", probs)
	}
}

func TestPersonalData(t *testing.T) {
	for s, want := range map[string]string{
		"the modem drops":                "",
		"paid $300.00 for it":            "",
		"tried enquiries@ and web form":  "",
		"order 1234 came late":           "",
		"in 2017 and 2018":               "",
		"@acme why":                      "an @handle or a link",
		"see www.example.com/x":          "an @handle or a link",
		"write to a.b@c.org":             "an e-mail address",
		"ring (020) 7946 0018":           "a long number",
		"+44 20 7946":                    "a long number",
		"tracking 1Z999AA10123456784 ok": "a long number",
	} {
		if got := personalData(s); got != want {
			t.Errorf("personalData(%q) = %q, want %q", s, got, want)
		}
	}
}

// The vector layer embeds the hand-written examples, not the dataset's
// messages: one embeddings batch at load stays the examples'.
func TestVectorLayerSkipsDataset(t *testing.T) {
	f := newVecFixture(t)
	fsys := vecFS("0.1")
	fsys["p/handoff.yaml"].Data = []byte(strings.Replace(string(fsys["p/handoff.yaml"].Data), "  examples: ex.yaml\n", "  examples: ex.yaml\n  dataset: ds.yaml\n", 1))
	fsys["p/ds.yaml"] = &fstest.MapFile{Data: []byte(tinyDataset)}
	r, probs := LoadRules(fsys, "p/handoff.yaml", WithEmbeddings(f.v))
	if len(probs) > 0 || r == nil {
		t.Fatalf("load: %v", probs)
	}
	if err := r.WaitVectors(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := f.embedded("I am very unhappy"); n != 1 {
		t.Errorf("an example was embedded %d times, want 1", n)
	}
	if n := f.embedded("modem dropping again tonight for a week now"); n != 0 {
		t.Errorf("a dataset line was embedded %d times, want 0", n)
	}
}
