package handoff

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/knowledge/suitetest"
	"github.com/batonhq/baton/bot/session"
)

// TestTweetsDev measures complaint detection on dev data only, with the
// even tweets split in two so that what is tuned on one quarter is
// checked on the other:
//
//   - tune quarter: even lines with line%4 == 0 (1-based, as loadTweets
//     numbers them); BATON_DEV_TWEETS=1 lists its misses and false
//     handoffs (only this quarter's: the check quarter's lines are never
//     printed, so no phrase is written from them);
//   - check quarter: even lines with line%4 == 2, counts only;
//   - banking77's knowledge questions (its dev data, 770) and the shop and
//     off-topic questions, as first messages and after an answer, and the
//     paraphrase suite's dev half (even lines from 0), which must not hand
//     off (BATON_DEV_LIST=1 lists those that do).
//
// The odd tweets, banking77's test.jsonl and the suite's odd lines are not
// read here (held out).
//
//	BATON_MEASURE=1 go test ./bot/handoff -run TestTweetsDev -v
func TestTweetsDev(t *testing.T) {
	measuring(t)
	dir := sharedDir(t)
	r := loadShipped(t)
	tweets := loadTweets(t, dir)
	ords := devOrdinary(t, dir)
	tweetsDev(t, r, tweets, ords, os.Getenv("BATON_DEV_TWEETS") == "1", os.Getenv("BATON_DEV_LIST") == "1")
	// BATON_DEV_SWEEP=0.6,0.7 tries other English complaint thresholds of
	// the learned layer.
	if s := os.Getenv("BATON_DEV_SWEEP"); s != "" {
		shipped := r.learned.threshold[clComplaint]
		for _, v := range strings.Split(s, ",") {
			th, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			r.learned.threshold[clComplaint] = th
			t.Logf("learned complaint threshold %.2f:", th)
			tweetsDev(t, r, tweets, ords, false, false)
		}
		r.learned.threshold[clComplaint] = shipped
	}
}

// devOrd is an ordinary question of a dev set, which must not hand off.
type devOrd struct{ set, lang, text string }

// bankingKBQuestions is banking77's knowledge questions (its kb folder:
// dev data; test.jsonl is held out), set "banking-kb".
func bankingKBQuestions(t *testing.T, dir string) []devOrd {
	t.Helper()
	bkb, probs := knowledge.Load(os.DirFS(filepath.Join(dir, "banking77")), "kb")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	var ords []devOrd
	for _, id := range bkb.IDs() {
		e, _ := bkb.Entry(id, "en")
		for _, q := range e.Questions {
			ords = append(ords, devOrd{"banking-kb", "en", q})
		}
	}
	return ords
}

// devOrdinary is the dev data's ordinary questions: banking77's
// knowledge questions and the suite's dev half (even lines from 0).
func devOrdinary(t *testing.T, dir string) []devOrd {
	ords := bankingKBQuestions(t, dir)
	for _, lang := range suitetest.Langs {
		for i, l := range suitetest.Read(t, lang) {
			if i%2 != 0 || l.ID == "support/contact-person" {
				continue // held out, or a request for a person
			}
			ords = append(ords, devOrd{"suite-dev", lang, l.Query})
		}
	}
	return ords
}

func tweetsDev(t *testing.T, r *Rules, tweets []tweet, ords []devOrd, listTweets, list bool) {
	var tune, check prf
	for _, tw := range tweets {
		if !even(tw) {
			continue // held out
		}
		c := &check
		if tw.line%4 == 0 {
			c = &tune
		}
		d := r.Detect(Input{Text: tw.text, Lang: "en"})
		switch {
		case d.Handoff && tw.complaint:
			c.tp++
		case d.Handoff:
			c.fp++
			if listTweets && c == &tune {
				t.Logf("    tune false %d: %q → %s", tw.line, tw.text, d.Evidence[0])
			}
		case tw.complaint:
			c.fn++
			if listTweets && c == &tune {
				t.Logf("    tune missed %d (complaint %.2f): %q", tw.line, d.Scores[Complaint], tw.text)
			}
		default:
			c.tn++
		}
	}
	t.Logf("tweets, tune quarter (line%%4==0):  %v", tune)
	t.Logf("tweets, check quarter (line%%4==2): %v", check)

	after := []session.Turn{{Role: "customer", Text: "(an earlier question)"}, {Role: "bot", Text: "(an answer)", Kind: "answer"}}
	counts := map[string][2]int{} // per set and position: lines, handoffs
	for _, o := range ords {
		for _, pos := range []string{"first", "after"} {
			in := Input{Text: o.text, Lang: o.lang}
			if pos == "after" {
				in.History = after
			}
			d := r.Detect(in)
			if d.Handoff && list {
				t.Logf("    false handoff %s/%s: %q → %s", o.set, pos, o.text, strings.Join(d.Evidence, " | "))
			}
			n := counts[o.set+" "+pos]
			n[0]++
			if d.Handoff {
				n[1]++
			}
			counts[o.set+" "+pos] = n
		}
	}
	for _, k := range []string{"banking-kb first", "banking-kb after", "suite-dev first", "suite-dev after"} {
		t.Logf("ordinary %-18s %3d of %4d hand off (%.2f%%)", k, counts[k][1], counts[k][0], 100*ratio(counts[k][1], counts[k][0]))
	}
}

// TestBankingFalseHandoffRate counts how many of banking77's 3,080 test
// questions hand off as first messages: the aggregate only (the test set's
// per-query results are held out, so none is printed and nothing is tuned
// on it; TestTweetsDev's knowledge questions are the dev data).
//
//	BATON_MEASURE=1 go test ./bot/handoff -run TestBankingFalseHandoffRate -v
func TestBankingFalseHandoffRate(t *testing.T) {
	measuring(t)
	r := loadShipped(t)
	qs := loadBanking(t, sharedDir(t))
	n := 0
	for _, q := range qs {
		if r.Detect(Input{Text: q.text, Lang: "en"}).Handoff {
			n++
		}
	}
	t.Logf("banking77 test questions: %d of %d hand off (%.2f%%)", n, len(qs), 100*ratio(n, len(qs)))
}
