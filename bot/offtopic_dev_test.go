package bot

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
	"go.yaml.in/yaml/v3"
)

// offTopicDevFile is the dev set of off-topic messages written for the
// shipped base (see its header): even positions are the tune half, which
// may be copied into prompts/offtopic; odd positions the measure half,
// which must not be.
const offTopicDevFile = "testdata/offtopic_dev.yaml"

type offTopicDevLine struct {
	Kind string `yaml:"kind"`
	Text string `yaml:"text"`
}

func readOffTopicDev(t *testing.T) map[string][]offTopicDevLine {
	t.Helper()
	return readOffTopicFile(t, offTopicDevFile, 60)
}

// offTopicProbeFile is the dev probe of off-topic messages sharing a
// keyword with the shipped base (see its header): never in
// prompts/offtopic, so it measures out of sample what the tune half
// measures in sample.
const offTopicProbeFile = "testdata/offtopic_probe.yaml"

// readOffTopicFile reads a set of off-topic messages per language, at
// least least of each of en, zh and ko.
func readOffTopicFile(t *testing.T, file string, least int) map[string][]offTopicDevLine {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read off-topic set: %v", err)
	}
	var set map[string][]offTopicDevLine
	if err := yaml.Unmarshal(b, &set); err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	for _, lang := range []string{"en", "zh", "ko"} {
		if len(set[lang]) < least {
			t.Fatalf("%s: %d %s messages, want at least %d", file, len(set[lang]), lang, least)
		}
	}
	return set
}

// offTopicTally counts one half of one language.
type offTopicTally struct {
	n, confident, likely, guessed int
	byKind                        map[string][2]int // kind -> {messages, answered confidently}
}

func (c offTopicTally) rate() float64 { return float64(c.confident) / float64(max(c.n, 1)) }

func (c offTopicTally) String() string {
	var kinds []string
	for _, k := range []string{"domain", "shop", "ours", "chat", "keyword"} {
		if v, ok := c.byKind[k]; ok {
			kinds = append(kinds, fmt.Sprintf("%s %d/%d", k, v[1], v[0]))
		}
	}
	return fmt.Sprintf("answered confidently %d/%d = %.3f, hedged (likely) %d, guessed %d (%s)", c.confident, c.n, c.rate(), c.likely, c.guessed, strings.Join(kinds, ", "))
}

// read reads l as the core does and counts it; with -v and show it logs
// what an answered or guessed message got, headed by tag.
func (c *offTopicTally) read(t *testing.T, r reader, tag string, l offTopicDevLine, show bool) {
	t.Helper()
	if c.byKind == nil {
		c.byKind = map[string][2]int{}
	}
	u := r.understand(l.Text, "", false)
	ids := u.answered()
	k := c.byKind[l.Kind]
	c.n++
	k[0]++
	switch {
	case len(ids) > 0:
		c.confident++
		k[1]++
		if show && testing.Verbose() {
			t.Logf("%s: %q answered %v (top %.2f)", tag, l.Text, ids, u.cands[0].Score)
		}
	case len(u.cands) > 0 && u.cands[0].Likely:
		c.likely++
	case len(u.cands) > 0 && u.cands[0].Guess:
		c.guessed++
		if show && testing.Verbose() {
			t.Logf("%s: %q guessed %s (top %.2f)", tag, l.Text, u.cands[0].ID, u.cands[0].Score)
		}
	}
	c.byKind[l.Kind] = k
}

// runOffTopicDev reads every message of the dev set as the core does and
// counts, per language and half (0 tune, 1 measure), those answered
// confidently from an entry. With -v it lists the tune half's answered
// messages only: the measure half is for measuring, not for tuning.
func runOffTopicDev(t *testing.T) map[string][2]offTopicTally {
	t.Helper()
	r := shippedReader(t)
	out := map[string][2]offTopicTally{}
	for lang, lines := range readOffTopicDev(t) {
		var h [2]offTopicTally
		for i, l := range lines {
			h[i%2].read(t, r, "tune "+lang, l, i%2 == 0)
		}
		out[lang] = h
	}
	return out
}

// TestOffTopicDevThroughTheCore: off-topic messages written the way
// customers write them (testdata/offtopic_dev.yaml) answered confidently
// from an entry stay under a bound. The bound is on the measure half,
// which no tuning saw and calibration never asks. Measured 2026-12-06
// 00:12 UTC through the core on main (5f1a841): en 6/37, zh 8/36, ko 6/36
// of the measure half answered (tune half 7/37, 8/36, 2/36). That is far
// above the 5% calibration allows on prompts/offtopic: that set is
// chit-chat and other domains, and its 5% goes to messages sharing one
// strong word with one entry, which lead by far; customers' off-topic
// messages do that much more often. The bounds sit one message above
// today's, as a guard against it getting worse; lower them as the
// decision improves (README, "Off-topic messages written as customers
// write"). 2026-12-06 03:40 UTC, with Candidate.Unknown capped by
// calibration and the tune half (less kind ours and six banking lines)
// in prompts/offtopic: en 4/37, zh 5/36, ko 3/36 (main e3b0940 at 02:56:
// 6, 5, 5); bounds one above.
func TestOffTopicDevThroughTheCore(t *testing.T) {
	res := runOffTopicDev(t)
	most := map[string]int{"en": 5, "zh": 6, "ko": 4}
	for _, lang := range []string{"en", "zh", "ko"} {
		h := res[lang]
		t.Logf("%s tune:    %v", lang, h[0])
		t.Logf("%s measure: %v", lang, h[1])
		if h[1].confident > most[lang] {
			t.Errorf("%s: %d of %d off-topic messages of the measure half answered confidently from an entry, want at most %d", lang, h[1].confident, h[1].n, most[lang])
		}
	}
}

// TestOffTopicDevTuneHalfGuesses: off-topic messages written the way
// customers write them are seldom met with a guess ("are you asking
// about …?"). Only the tune half is read and printed here (the measure
// half is the lead's, through TestOffTopicDevThroughTheCore). Measured
// 2026-12-06 10:00 UTC on the shipped base: en 2/37, zh 4/36, ko 1/36
// (other shops' and other trades' questions sharing a word with an
// entry: "do you sell laptops", "信用卡还款失败了怎么办"; none of the chit-chat);
// the bounds sit one above.
func TestOffTopicDevTuneHalfGuesses(t *testing.T) {
	res := runOffTopicDev(t)
	most := map[string]int{"en": 3, "zh": 5, "ko": 2}
	for _, lang := range []string{"en", "zh", "ko"} {
		h := res[lang][0]
		t.Logf("%s tune: guessed %d/%d", lang, h.guessed, h.n)
		if h.guessed > most[lang] {
			t.Errorf("%s: %d of %d off-topic messages of the tune half guessed, want at most %d", lang, h.guessed, h.n, most[lang])
		}
	}
}

// TestOffTopicDevMeasureHalfNotInCalibration: the measure half of the dev
// set measures how calibration generalises only while calibration never
// asks it: none of its messages may be in prompts/offtopic (the tune
// half may).
func TestOffTopicDevMeasureHalfNotInCalibration(t *testing.T) {
	notInCalibration(t, readOffTopicDev(t), func(i int) bool { return i%2 == 1 }, "measure-half", "only even positions may be copied there")
}

// TestOffTopicProbeNotInCalibration: the probe measures out of sample
// only while calibration never asks it.
func TestOffTopicProbeNotInCalibration(t *testing.T) {
	notInCalibration(t, readOffTopicFile(t, offTopicProbeFile, 15), func(int) bool { return true }, "probe", "the probe is dev data for measuring, not calibration data")
}

// notInCalibration fails t for every message of set at a position kept
// says must stay out of prompts/offtopic and is there.
func notInCalibration(t *testing.T, set map[string][]offTopicDevLine, kept func(i int) bool, what, why string) {
	t.Helper()
	off, problems := knowledge.LoadOffTopic(os.DirFS(".."), "prompts/offtopic")
	if len(problems) > 0 {
		t.Fatalf("prompts/offtopic: %v", problems)
	}
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	calib := map[string]bool{}
	for _, m := range off {
		calib[norm(m)] = true
	}
	for lang, lines := range set {
		for i, l := range lines {
			if kept(i) && calib[norm(l.Text)] {
				t.Errorf("%s %s message %q is in prompts/offtopic: take it out (%s)", lang, what, l.Text, why)
			}
		}
	}
}

// TestOffTopicProbeDev: off-topic messages that share a keyword with an
// entry (testdata/offtopic_probe.yaml, dev data never in the calibration
// set) answered confidently from an entry stay under a bound. Measured
// 2026-12-06 19:10 UTC on main (e6d1284): en 6/18, zh 2/18, ko 4/18
// (22%, where the tune half, in the calibration set, reads 8/109 and the
// calibration 4.7% of its set; README, "Off-topic messages written as
// customers write"). The bounds sit one above, as a guard against it
// getting worse; lower them as the decision improves.
func TestOffTopicProbeDev(t *testing.T) {
	r := shippedReader(t)
	most := map[string]int{"en": 7, "zh": 3, "ko": 5}
	for lang, lines := range readOffTopicFile(t, offTopicProbeFile, 15) {
		var c offTopicTally
		for _, l := range lines {
			c.read(t, r, "probe "+lang, l, true)
		}
		t.Logf("%s probe: %v", lang, c)
		if c.confident > most[lang] {
			t.Errorf("%s: %d of %d probe messages answered confidently from an entry, want at most %d", lang, c.confident, c.n, most[lang])
		}
	}
}
