package knowledge

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/batonhq/baton/bot/text"
)

// devPoolBase is one dev base of the pool the customer correction is
// measured on: the base, its customer messages (in scope with their
// entry, off-topic with none) and its name.
type devPoolBase struct {
	name string
	b    *Base
	qs   []labelled
	has  map[string]bool
}

// devShop loads dev shop name (never a held-out one).
func devShop(t testing.TB, name string) devPoolBase {
	t.Helper()
	dir := filepath.Join("testdata", "shops", name)
	if _, err := os.Stat(filepath.Join(dir, "HELDOUT")); err == nil {
		t.Fatalf("%s is held out", name)
	}
	b, problems := Load(os.DirFS(dir), ".")
	if len(problems) > 0 {
		t.Fatalf("%s: %v", name, problems)
	}
	return devPoolBase{name: name, b: b, qs: readJSONL(t, filepath.Join(dir, "queries.jsonl"))}
}

// banking77Pool is banking77's shop-sized bases, each with the knowledge
// questions 6-10 of every intent (devQueries): its own intents' in scope,
// the others' off-topic.
func banking77Pool(t testing.TB) []devPoolBase {
	bk, _ := loadBanking77(t)
	dq := devQueries(bk)
	var out []devPoolBase
	n := 0
	for _, split := range shopSplits {
		bases, has := shopSplit(bk, split[0], split[1])
		for i, sb := range bases {
			var qs []labelled
			for _, q := range dq {
				if !has[i][q.ID] {
					q.ID = ""
				}
				qs = append(qs, q)
			}
			out = append(out, devPoolBase{name: fmt.Sprintf("b77-%d", n), b: sb, qs: qs})
			n++
		}
	}
	return out
}

// devPoolNames are the pools the customer measurements compare, in the
// order they log: the two tuning shops and banking77's shop-sized bases.
var devPoolNames = []string{"bikes", "bakery", "b77"}

// devPools loads the pools of devPoolNames by name.
func devPools(t testing.TB) map[string][]devPoolBase {
	return map[string][]devPoolBase{
		"bikes":  {devShop(t, "bikes")},
		"bakery": {devShop(t, "bakery")},
		"b77":    banking77Pool(t),
	}
}

// TestCustomerVersusSamplesDev compares, bin by bin of the first
// candidate's lead relative to its score, how often the first is right
// for the base's own held-out questions (leave-one-out) and for its
// customers' messages. It only logs.
func TestCustomerVersusSamplesDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	cfg, lex := shippedConfig(t), shippedLexicon(t)
	pools := devPools(t)
	edges := []float64{0, 0.02, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.01}
	bin := func(s sample) int {
		r := 0.0
		if s.score > 0 {
			r = s.margin / s.score
		}
		for i := len(edges) - 2; i >= 0; i-- {
			if r >= edges[i] {
				return i
			}
		}
		return 0
	}
	for _, name := range devPoolNames {
		type cnt struct{ lr, lw, ln, lo, cr, cw, co int }
		bins := make([]cnt, len(edges)-1)
		for _, pb := range pools[name] {
			l := NewLexical(pb.b, lex)
			samples, _, _ := calibrationSamples(t.Context(), pb.b, l.Rank, cfg, &Calibration{})
			for _, s := range samples {
				if s.score <= 0 {
					continue
				}
				c := &bins[bin(s)]
				switch s.kind {
				case right:
					c.lr++
				case wrong:
					c.lw++
				case near:
					c.ln++
				case off:
					c.lo++
				}
			}
			for _, q := range pb.qs {
				if q.Lang != "en" {
					continue
				}
				cands := l.Rank(t.Context(), q.Query, -1, 2)
				if len(cands) == 0 || cands[0].Score <= 0 {
					continue
				}
				s := top(cands, right)
				c := &bins[bin(s)]
				switch {
				case q.ID == "":
					c.co++
				case cands[0].ID == q.ID:
					c.cr++
				default:
					c.cw++
				}
			}
		}
		for i, c := range bins {
			t.Logf("%-7s lead/score [%.2f,%.2f): LOO right %4d wrong %4d (%.2f) near %4d off %4d | customers right %4d wrong %4d (%.2f) off %4d",
				name, edges[i], edges[i+1], c.lr, c.lw, float64(c.lr)/float64(max(c.lr+c.lw, 1)), c.ln, c.lo, c.cr, c.cw, float64(c.cr)/float64(max(c.cr+c.cw, 1)), c.co)
		}
	}
}

// TestLikelyLeadDev calibrates the tune shops with the pooled likely
// rule's lead moved, and logs what each base's own samples said of it
// and what its customers got. It only logs.
func TestLikelyLeadDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	lex := shippedLexicon(t)
	for _, name := range []string{"bikes", "bakery"} {
		pb := devShop(t, name)
		for _, lead := range []float64{0.3, 0.35, 0.4, 0.45, 0.5} {
			p := *LexicalPooledPrior
			p.Likely.Lead = lead
			cfg := shippedConfig(t)
			cfg.Pooled = &p
			m := NewLexicalMatcher(t.Context(), pb.b, lex, cfg)
			var d dayOneTally
			for _, q := range pb.qs {
				if q.Lang == "en" {
					d.add(m.Match(t.Context(), q.Query, 3), q.ID, q.ID != "")
				}
			}
			t.Logf("%s lead %.2f: %v; pooled likely %v; tier right %.2f hedged %.2f off %.3f near %.3f", name, lead, d, m.Cal.PooledLikely, m.Cal.LikelyPrecision, m.Cal.LikelyAnswered, m.Cal.OffTopicLikely, m.Cal.NearLikely)
		}
	}
}

// TestLeadingCrossingsDev lists the tune shops' held-out questions that
// ranked another entry first while leading it by at least 0.3 of the
// score. It only logs.
func TestLeadingCrossingsDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	for _, name := range []string{"bikes", "bakery"} {
		pb := devShop(t, name)
		m := shippedMatcher(t, pb.b)
		for _, c := range m.Cal.Confusions {
			for _, x := range c.Crossings {
				if x.s.score > 0 && x.s.margin >= 0.3*x.s.score {
					t.Logf("%s %.3f rel %.2f cover %.2f unk %.2f: %q (%s) -> %s", name, x.s.score, x.s.margin/x.s.score, x.s.cover, x.s.unknown, x.Question, x.From, x.To)
				}
			}
		}
	}
}

// TestLengthVersusSamplesDev compares held-out questions and customers'
// messages whose first leads by at least 0.3 of its score, by how many
// tokens the message has. It only logs.
func TestLengthVersusSamplesDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	lex := shippedLexicon(t)
	pools := devPools(t)
	lenBin := func(s string) int {
		n := len(text.Tokenize(s))
		switch {
		case n <= 4:
			return 0
		case n <= 6:
			return 1
		case n <= 9:
			return 2
		}
		return 3
	}
	names := []string{"<=4", "5-6", "7-9", ">=10"}
	for _, name := range devPoolNames {
		var lr, lw, cr, cw [4]int
		for _, pb := range pools[name] {
			l := NewLexical(pb.b, lex)
			for i, q := range pb.b.Questions() {
				if first, ok := leadingFirst(t, l, q.Text, i); ok {
					countFirst(first == q.ID, &lr[lenBin(q.Text)], &lw[lenBin(q.Text)])
				}
			}
			for _, q := range pb.qs {
				if first, ok := leadingFirst(t, l, q.Query, -1); ok && q.ID != "" {
					countFirst(first == q.ID, &cr[lenBin(q.Query)], &cw[lenBin(q.Query)])
				}
			}
		}
		for k := range 4 {
			t.Logf("%-7s tokens %-4s: LOO right %4d wrong %4d (%.2f) | customers right %4d wrong %4d (%.2f)", name, names[k],
				lr[k], lw[k], float64(lr[k])/float64(max(lr[k]+lw[k], 1)), cr[k], cw[k], float64(cr[k])/float64(max(cr[k]+cw[k], 1)))
		}
	}
}

// TestLangVersusSamplesDev is TestLengthVersusSamplesDev by language,
// on the tune shops. It only logs.
func TestLangVersusSamplesDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	lex := shippedLexicon(t)
	for _, name := range []string{"bikes", "bakery"} {
		pb := devShop(t, name)
		l := NewLexical(pb.b, lex)
		type c4 struct{ lr, lw, cr, cw, ln, lall int }
		by := map[string]*c4{}
		get := func(k string) *c4 {
			if by[k] == nil {
				by[k] = &c4{}
			}
			return by[k]
		}
		for i, q := range pb.b.Questions() {
			c := get(q.Lang)
			c.lall++
			if first, ok := leadingFirst(t, l, q.Text, i); ok {
				countFirst(first == q.ID, &c.lr, &c.lw)
			}
		}
		for _, q := range pb.qs {
			if first, ok := leadingFirst(t, l, q.Query, -1); ok && q.ID != "" {
				c := get(q.Lang)
				countFirst(first == q.ID, &c.cr, &c.cw)
			}
		}
		for _, lang := range []string{"en", "zh", "ko"} {
			c := get(lang)
			t.Logf("%-7s %s: questions %d; lead >= 0.3 of the score: LOO right %3d wrong %3d (%.2f) | customers right %3d wrong %3d (%.2f)", name, lang, c.lall,
				c.lr, c.lw, float64(c.lr)/float64(max(c.lr+c.lw, 1)), c.cr, c.cw, float64(c.cr)/float64(max(c.cr+c.cw, 1)))
		}
	}
}

// TestMutualCrossingsDev counts held-out questions whose first (another
// entry) leads by at least 0.3 of its score, split by whether the pair
// crosses both ways among the base's held-out questions, beside the
// customers' wrong firsts in such pairs. It only logs.
func TestMutualCrossingsDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	lex := shippedLexicon(t)
	pools := devPools(t)
	for _, name := range devPoolNames {
		var lr, lwMutual, lwOne, cr, cwMutual, cwOne int
		for _, pb := range pools[name] {
			l := NewLexical(pb.b, lex)
			cross := map[[2]string]bool{}
			type rec struct {
				from, to string
				lead     bool
			}
			var recs []rec
			for i, q := range pb.b.Questions() {
				cands := l.Rank(t.Context(), q.Text, i, 2)
				if len(cands) == 0 || cands[0].Score <= 0 {
					continue
				}
				if cands[0].ID != q.ID {
					cross[[2]string{q.ID, cands[0].ID}] = true
				}
				s := top(cands, right)
				recs = append(recs, rec{q.ID, cands[0].ID, s.margin >= 0.3*s.score})
			}
			for _, r := range recs {
				if !r.lead {
					continue
				}
				switch {
				case r.from == r.to:
					lr++
				case cross[[2]string{r.to, r.from}]:
					lwMutual++
				default:
					lwOne++
				}
			}
			for _, q := range pb.qs {
				first, ok := leadingFirst(t, l, q.Query, -1)
				if !ok || q.ID == "" {
					continue
				}
				switch {
				case first == q.ID:
					cr++
				case cross[[2]string{first, q.ID}] && cross[[2]string{q.ID, first}]:
					cwMutual++
				default:
					cwOne++
				}
			}
		}
		t.Logf("%-7s lead >= 0.3: LOO right %d, wrong in a two-way pair %d, other wrong %d | customers right %d, wrong in a two-way pair %d, other wrong %d", name, lr, lwMutual, lwOne, cr, cwMutual, cwOne)
	}
}

// leadingFirst ranks text with l (skip: the question left out, -1 for
// none) and gives the first candidate when it leads the second by at least
// 0.3 of its score, the band the dev measurements above compare.
func leadingFirst(t *testing.T, l *Lexical, text string, skip int) (string, bool) {
	cands := l.Rank(t.Context(), text, skip, 2)
	if len(cands) == 0 || cands[0].Score <= 0 {
		return "", false
	}
	if s := top(cands, right); s.margin < 0.3*s.score {
		return "", false
	}
	return cands[0].ID, true
}

// countFirst counts one more right or wrong first.
func countFirst(ok bool, right, wrong *int) {
	if ok {
		*right++
	} else {
		*wrong++
	}
}
