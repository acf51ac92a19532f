package handoff

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The held-out measurement of the vector layer, run once at the end with
// the numbers chosen on dev data (TestVectorsTuneDev), with the English
// model in ../shared/embed:
//
//	BATON_MEASURE=1 go test ./bot/handoff -run TestVectorsHeldout -v
//
// Three detectors: without embeddings; with them as served when knowledge
// matching did not need the message's vector (the layer asks only in its
// grey zone); and with every message's vector known (matching needed it:
// the most the layer can fire).
func TestVectorsHeldout(t *testing.T) {
	measuring(t)
	dir := sharedDir(t)
	tweets := loadTweets(t, dir)
	banking := loadBanking(t, dir)
	type para struct{ lang, text string }
	var paras []para
	var paraOdd []bool
	for _, lang := range []string{"en", "zh", "ko"} {
		raw, err := os.ReadFile(filepath.Join("..", "knowledge", "testdata", "paraphrases", lang+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			var q struct{ Query, ID string }
			if err := json.Unmarshal([]byte(line), &q); err != nil {
				t.Fatal(err)
			}
			if q.ID != "support/contact-person" {
				paras, paraOdd = append(paras, para{lang, q.Query}), append(paraOdd, i%2 == 1)
			}
		}
	}
	held := map[string][]heldoutCase{}
	var texts []string
	for _, name := range []string{"explicit", "confusion", "complaint", "ordinary"} {
		held[name] = loadHeldout(t, name)
		for _, c := range held[name] {
			texts = append(texts, c.Text)
		}
	}
	for _, tw := range tweets {
		texts = append(texts, tw.text)
	}
	for _, q := range banking {
		texts = append(texts, q.text)
	}
	for _, p := range paras {
		texts = append(texts, p.text)
	}
	var english []string
	for _, s := range texts {
		if vecJudges(s) {
			english = append(english, s)
		}
	}
	lexical := loadShipped(t)
	emb := newMemoEmbeddings(t, english)
	withVec := loadShippedWith(t, emb)

	for _, mode := range []struct {
		name string
		r    *Rules
		hide bool
	}{
		{"without embeddings", lexical, false},
		{"with embeddings, grey zone only", withVec, true},
	} {
		emb.hide, emb.asks = mode.hide, 0
		r := mode.r
		t.Logf("== %s", mode.name)
		for _, s := range []struct{ file, want string }{{"explicit", Explicit}, {"confusion", Confusion}, {"complaint", Complaint}, {"ordinary", ""}} {
			right, n := map[string]int{}, map[string]int{}
			var vec []string
			for _, c := range held[s.file] {
				d := r.Detect(heldoutInput(c))
				n[c.Lang]++
				if (s.want == "" && !d.Handoff) || (s.want != "" && d.Handoff && d.Reason == s.want) {
					right[c.Lang]++
				}
				if d.Handoff && strings.Contains(d.Evidence[0], "(vectors)") {
					vec = append(vec, fmt.Sprintf("%s: %q → %s", c.Lang, c.Text, d.Evidence[0]))
				}
			}
			var langs []string
			total, totalN := 0, 0
			for l := range n {
				langs = append(langs, l)
				total, totalN = total+right[l], totalN+n[l]
			}
			sort.Strings(langs)
			var parts []string
			for _, l := range langs {
				parts = append(parts, fmt.Sprintf("%s %.3f (%d/%d)", l, ratio(right[l], n[l]), right[l], n[l]))
			}
			t.Logf("held-out %-9s %.3f (%d/%d): %s", s.file, ratio(total, totalN), total, totalN, strings.Join(parts, ", "))
			for _, v := range vec {
				t.Logf("    by vectors: %s", v)
			}
		}
		flagged := make([]float64, len(tweets))
		for i, tw := range tweets {
			if r.Detect(Input{Text: tw.text, Lang: "en"}).Handoff {
				flagged[i] = 1
			}
		}
		t.Logf("tweets, odd lines (held out): %v", count(tweets, flagged, 1, odd))
		fh, fhOdd := 0, 0
		for i, q := range banking {
			if r.Detect(Input{Text: q.text, Lang: "en"}).Handoff {
				fh++
				if (i+1)%2 == 1 {
					fhOdd++
				}
			}
		}
		t.Logf("banking77 test.jsonl first messages: %d of %d hand off (%.2f%%), odd lines %d of %d (%.2f%%)",
			fh, len(banking), 100*ratio(fh, len(banking)), fhOdd, len(banking)/2, 100*ratio(fhOdd, len(banking)/2))
		pf, pfOdd, nOdd := 0, 0, 0
		for i, p := range paras {
			if paraOdd[i] {
				nOdd++
			}
			if d := r.Detect(Input{Text: p.text, Lang: p.lang}); d.Handoff {
				pf++
				if paraOdd[i] {
					pfOdd++
				}
				t.Logf("    paraphrase false handoff: %s: %q → %s", p.lang, p.text, d.Evidence[0])
			}
		}
		t.Logf("paraphrase suite: %d of %d hand off (%.2f%%), odd lines %d of %d (%.2f%%)",
			pf, len(paras), 100*ratio(pf, len(paras)), pfOdd, nOdd, 100*ratio(pfOdd, nOdd))
		if mode.r == withVec {
			t.Logf("vectors asked for: %d (of %d English messages above)", emb.asks, len(english))
		}
	}
}
