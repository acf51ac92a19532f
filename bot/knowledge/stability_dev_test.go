package knowledge

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/bot/knowledge/suitetest"
)

// withQuestions is a copy of b whose entry id in lang has questions qs
// instead of its own: one example question added or taken out, as ops
// edit a file.
func withQuestions(b *Base, id, lang string, qs []string) *Base {
	c := &Base{entries: make(map[string]map[string]*Entry, len(b.entries)), ids: b.ids}
	for k, v := range b.entries {
		c.entries[k] = v
	}
	tr := make(map[string]*Entry, len(b.entries[id]))
	for l, e := range b.entries[id] {
		tr[l] = e
	}
	e := *tr[lang]
	e.Questions = qs
	tr[lang] = &e
	c.entries[id] = tr
	for _, i := range c.ids {
		for _, l := range c.Langs(i) {
			for _, q := range c.entries[i][l].Questions {
				c.questions = append(c.questions, Question{ID: i, Lang: l, Text: q})
			}
		}
	}
	c.sharedQuestions()
	return c
}

// stabilityBase is one dev base of the stability measurement and its
// dev messages (in scope with their entry, off-topic with none).
type stabilityBase struct {
	name string
	b    *Base
	qs   []labelled
}

// stabilityBases are the dev bases the stability of calibration is
// measured on: the shipped base with the suite's even (dev) lines and the
// off-topic dev set's tune half (even positions), and the dev shops bikes
// and bakery with their queries. Never a held-out line or shop.
func stabilityBases(t *testing.T) []stabilityBase {
	t.Helper()
	shipped, problems := Load(os.DirFS(repoRoot()), "knowledge")
	if len(problems) > 0 {
		t.Fatalf("shipped knowledge: %v", problems)
	}
	var qs []labelled
	for _, lang := range suitetest.Langs {
		for i, l := range suitetest.Read(t, lang) {
			if i%2 == 0 { // the dev half only
				qs = append(qs, labelled{Query: l.Query, ID: l.ID, Lang: lang})
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(repoRoot(), "bot", "testdata", "offtopic_dev.yaml"))
	if err != nil {
		t.Fatalf("off-topic dev set: %v", err)
	}
	var off map[string][]struct{ Text string }
	if err := yaml.Unmarshal(data, &off); err != nil {
		t.Fatalf("off-topic dev set: %v", err)
	}
	for _, lang := range suitetest.Langs {
		for i, l := range off[lang] {
			if i%2 == 0 { // the tune half only: odd positions measure
				qs = append(qs, labelled{Query: l.Text, Lang: lang})
			}
		}
	}
	out := []stabilityBase{{"shipped", shipped, qs}}
	for _, name := range []string{"bikes", "bakery"} {
		pb := devShop(t, name)
		out = append(out, stabilityBase{name, pb.b, pb.qs})
	}
	return out
}

// decision is what a reply does with a message: its tier and, unless
// unsure, the entry it answers, hedges or asks about.
type decision struct {
	tier Tier
	id   string
}

func decide(t *testing.T, m Matcher, q string) (decision, string) {
	ms := m.Match(t.Context(), q, 3)
	if len(ms) == 0 {
		return decision{}, ""
	}
	d := decision{tier: ms[0].Tier()}
	if d.tier != Unsure {
		d.id = ms[0].ID
	}
	return d, ms[0].ID
}

// TestCalibrationStabilityDev measures how far one example question added
// to or taken out of a base moves decisions on messages about other
// entries: for each dev base, trials (fixed seed) each either take a
// random question out or add a random in-scope dev message to its own
// entry; the base is calibrated again and every dev message whose first
// entry is not the edited one (before and after) is read with both. A
// flip is a changed decision (tier, or the entry answered). "ranker"
// counts the flips the new ranking makes under the old calibration: the
// edit's own effect on scores, which no cut can undo. It only logs:
//
//	BATON_MEASURE=1 go test -run TestCalibrationStabilityDev -v ./bot/knowledge/
func TestCalibrationStabilityDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	trials := 30
	if os.Getenv("BATON_MEASURE") == "2" {
		trials = 100
	}
	lex, cfg := shippedLexicon(t), shippedConfig(t)
	var allFlips, allRanker, allTrials int
	for _, sb := range stabilityBases(t) {
		rng := rand.New(rand.NewPCG(9, 6))
		base := NewLexicalMatcher(t.Context(), sb.b, lex, cfg)
		before := make([]decision, len(sb.qs))
		tops := make([]string, len(sb.qs))
		for i, q := range sb.qs {
			before[i], tops[i] = decide(t, base, q.Query)
		}
		var inScope []int
		for i, q := range sb.qs {
			if q.ID != "" {
				if _, ok := sb.b.entries[q.ID][q.Lang]; ok {
					inScope = append(inScope, i)
				}
			}
		}
		var flips, ranker, moved [4]int // by the tier before (Unsure..Confident)
		var total, totalRanker, worst, done int
		for trial := range trials {
			var id, lang, what string
			var edited *Base
			added := -1
			if trial%2 == 0 {
				q := sb.b.Questions()[rng.IntN(len(sb.b.Questions()))]
				if len(sb.b.entries[q.ID][q.Lang].Questions) < 2 {
					continue
				}
				id, lang, what = q.ID, q.Lang, "-"+q.Text
				edited = withoutQuestion(sb.b, id, lang, q.Text)
			} else {
				added = inScope[rng.IntN(len(inScope))]
				q := sb.qs[added]
				id, lang, what = q.ID, q.Lang, "+"+q.Query
				edited = withQuestions(sb.b, id, lang, append(slices.Clone(sb.b.entries[id][lang].Questions), q.Query))
			}
			m := NewLexicalMatcher(t.Context(), edited, lex, cfg)
			old := &Calibrated{Rank: m.Rank, Cal: base.Cal}
			n, nr := 0, 0
			for i, q := range sb.qs {
				if i == added || tops[i] == id {
					continue
				}
				after, top := decide(t, m, q.Query)
				if top == id {
					continue
				}
				rk, _ := decide(t, old, q.Query)
				if after != before[i] {
					n++
					flips[before[i].tier]++
					moved[after.tier]++
				}
				if rk != before[i] {
					nr++
					ranker[before[i].tier]++
				}
			}
			total += n
			totalRanker += nr
			worst = max(worst, n)
			if n > 0 && testing.Verbose() && os.Getenv("BATON_MEASURE") == "2" {
				t.Logf("  %s trial %d %s %s %q: %d flips (%d ranker); confident %s", sb.name, trial, id, lang, what, n, nr, cutString(m.Cal))
			}
			done++
		}
		allTrials += done
		allFlips += total
		allRanker += totalRanker
		t.Logf("%-7s %d messages, %d trials: flips %d (%.2f a trial, worst %d), ranker alone %d (%.2f); from unsure/guess/likely/confident %v, to %v; base cuts: %s",
			sb.name, len(sb.qs), done, total, float64(total)/float64(max(done, 1)), worst, totalRanker, float64(totalRanker)/float64(max(done, 1)), flips, moved, cutString(base.Cal))
	}
	t.Logf("all: %d trials, flips %.2f a trial, ranker alone %.2f", allTrials, float64(allFlips)/float64(max(allTrials, 1)), float64(allRanker)/float64(max(allTrials, 1)))
}

// cutString is the three cuts of c, short.
func cutString(c *Calibration) string {
	return fmt.Sprintf("pooled conf %v (%.2f) likely %v (%.2f/%.2f); conf %.3f (lead %.2f cover %.2f unk %.2f), likely %.3f (lead %.2f cover %.2f), guess %.3f (lead %.2f cover %.2f min %.3f)",
		c.PooledConfident.Kept, c.PooledConfident.MaxUnknown, c.PooledLikely.Kept, c.PooledLikely.MaxUnknown, c.PooledLikely.MaxUnknownCJK, c.Threshold, c.Lead, c.Cover, c.MaxUnknown, c.LikelyThreshold, c.LikelyLead, c.LikelyCover, c.GuessThreshold, c.GuessLead, c.GuessCover, c.GuessMinScore)
}
