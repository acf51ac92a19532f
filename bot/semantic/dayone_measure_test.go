package semantic

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/knowledge/suitetest"
	"github.com/batonhq/baton/bot/text"
)

// dayOneBase is one dev base of the day-one measurements: a banking77
// shop-sized base (its in-scope queries are its intents' knowledge
// questions 6-10, the other banks' are off-topic) or a dev shop (its own
// customer queries). Held-out shops are never loaded.
type dayOneBase struct {
	name string
	kb   *knowledge.Base
	qs   []suitetest.Line
}

// dayOneDev loads the dev bases of the day-one measurements: banking77's
// 18 shop-sized bases asked knowledge questions 6-10, and every dev shop
// (no HELDOUT file) asked its queries, with the embedder of every text
// they need (BATON_EMBED_CACHE keeps it between runs). With
// BATON_DAYONE_EVEN set, banking77's bases are asked its even test lines
// (customers' own messages, its dev half) instead of questions 6-10.
func dayOneDev(t *testing.T) ([]dayOneBase, *memoEmbedder, *text.Lexicon, knowledge.CalibrationConfig) {
	t.Helper()
	b, test, dev, lex, cfg := banking77Fixture(t)
	if os.Getenv("BATON_DAYONE_EVEN") != "" {
		// Customers' own messages: banking77's even test lines (its dev
		// half; the odd lines are held out and never read here).
		dev = evenLines(test)
	}
	texts := generalisationTexts(b, cfg, dev)
	var bases []dayOneBase
	for _, split := range [][2]int{{3, 3}, {3, 4}, {3, 5}, {4, 3}, {4, 4}, {4, 5}} {
		sbs, has := shopSplit(t, b, split[0], split[1])
		for i, sb := range sbs {
			var qs []suitetest.Line
			for _, q := range dev {
				l := suitetest.Line{Query: q.Query, Lang: "en"}
				if has[i][q.ID] {
					l.ID = q.ID
				}
				qs = append(qs, l)
			}
			bases = append(bases, dayOneBase{name: fmt.Sprintf("banking77-%dx%d-%d", split[0], split[1], i), kb: sb, qs: qs})
		}
	}
	for _, shop := range suitetest.Shops(t) {
		if shop.HeldOut {
			continue // never loaded: the lead's check
		}
		if _, err := os.Stat(filepath.Join(shop.Dir, "HELDOUT")); err == nil {
			t.Fatalf("%s is held out", shop.Name)
		}
		kb, probs := knowledge.Load(os.DirFS(shop.Knowledge), ".")
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		qs := suitetest.ReadFile(t, shop.Queries)
		texts = append(texts, questions(kb).qText...)
		texts = append(texts, questions(kb).aText...)
		for _, l := range qs {
			texts = append(texts, l.Query)
		}
		bases = append(bases, dayOneBase{name: shop.Name, kb: kb, qs: qs})
	}
	emb := newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, texts)
	return bases, emb, lex, cfg
}

// TestFusedDayOneDumpDev writes, for every dev base of dayOneDev, every
// calibration sample (questions left out, with their entry left out, the
// off-topic set) and every query with the fused evidence the pooled rule
// reads, to the file BATON_DAYONE_DUMP (tab-separated), for choosing the
// rule on dev data (BATON_DAYONE_BEFORE=1: without the pooled prior, as
// the rules were chosen), with each row's own entry and fused first (the
// two-way crossings can be counted from them). The check shop (florist)
// is left out. It only writes:
//
//	BATON_MEASURE=1 BATON_EMBED_CACHE=/tmp/dayone.gob BATON_DAYONE_DUMP=/tmp/dayone.tsv go test -run TestFusedDayOneDumpDev -v -timeout 30m ./bot/semantic/
func TestFusedDayOneDumpDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" || os.Getenv("BATON_DAYONE_DUMP") == "" {
		t.Skip("a dev dump: set BATON_MEASURE=1 and BATON_DAYONE_DUMP=file to run it")
	}
	bases, emb, lex, cfg := dayOneDev(t)
	fh, err := os.Create(os.Getenv("BATON_DAYONE_DUMP"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	w := bufio.NewWriter(fh)
	defer w.Flush()
	fmt.Fprintln(w, "base\tset\tlang\tkind\tsure\ttier\tscore\tmargin\tgap\tvecgap\tcos\tagree\tcover\tunknown\thedged\tguessed\ttie\ttop3\twords\tcentgap\tansgap\tlexagree\tvecagree\tcent\tans\tlexscore\tlexmargin\twant\tfirst\tpooled")
	ctx := t.Context()
	query := func(_ context.Context, s string) ([]float32, error) { return emb.vecs[s], nil }
	for _, db := range bases {
		if db.name == "florist" {
			continue // the check shop: its counts only, never its rows (NOTES)
		}
		lm := knowledge.NewLexicalMatcher(ctx, db.kb, lex, cfg)
		ix, _, err := build(ctx, db.kb, cfg.OffTopic, emb, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := defaultFuse
		if os.Getenv("BATON_DAYONE_BEFORE") != "" {
			p.pooled = nil // the design before the pooled prior
		}
		f := newFusedWith(ctx, p, lm, ix, cfg, query, nil)
		row := func(set, lang, kind, want string, q string, skip int, vec []float32, tier knowledge.Tier, top3 bool) {
			lexC := f.lexical.Rank(ctx, q, skip, lexicalTop)
			sure := f.lexical.Cal.Confident(lexC)
			var cands []knowledge.Candidate
			var sig signals
			if !sure && vec != nil {
				cands, sig = f.fused(lexC, vec, skip, 2)
				f.pooledMark(cands, sig)
			}
			if set == "cal" {
				tier = f.cal.Tier(cands)
				if sure {
					tier = knowledge.Confident
				}
			}
			var c knowledge.Candidate
			margin := 0.0
			if len(cands) > 0 {
				c = cands[0]
				margin = c.Score
				if len(cands) > 1 {
					margin -= cands[1].Score
				}
			}
			x := dumpExtra(ix, f.p, lexC, vec, skip)
			first := c.ID
			if sure {
				first = lexC[0].ID
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%v\t%s\t%.5f\t%.5f\t%.5f\t%.5f\t%.5f\t%v\t%.4f\t%.4f\t%v\t%v\t%v\t%v\t%d\t%.5f\t%.5f\t%v\t%v\t%.5f\t%.5f\t%.5f\t%.5f\t%s\t%s\t%d\n",
				db.name, set, lang, kind, sure, tier, c.Score, margin, sig.gap, sig.vecGap, sig.cos, sig.agree, c.Cover, c.Unknown, c.Hedged, c.Guessed, c.Tie, top3,
				len(text.Words(q)), x.centGap, x.ansGap, x.lexAgree, x.vecAgree, x.cent, x.ans, x.lexScore, x.lexMargin, want, first, c.Pooled)
		}
		for i, q := range db.kb.Questions() {
			if ix.blindTo(q.Text) {
				continue
			}
			// The held-out question's kind is settled by its top: row
			// asks again, so the kind is read from the fused list here.
			lexC := f.lexical.Rank(ctx, q.Text, i, lexicalTop)
			kind := "wrong"
			if f.lexical.Cal.Confident(lexC) {
				if lexC[0].ID == q.ID {
					kind = "right"
				}
			} else if ev := ix.rankWith(f.p, lexC, ix.vecs[i], i, 1); len(ev) > 0 && ix.ids[ev[0].entry] == q.ID {
				kind = "right"
			}
			row("cal", q.Lang, kind, q.ID, q.Text, i, ix.vecs[i], 0, false)
			row("cal", q.Lang, "near", q.ID, q.Text, knowledge.LeaveEntryOut(i), ix.vecs[i], 0, false)
		}
		for _, m := range cfg.OffTopic {
			if ix.blindTo(m) {
				continue
			}
			row("cal", "", "off", "", m, -1, ix.offVec[m], 0, false)
		}
		for _, l := range db.qs {
			got := f.Match(ctx, l.Query, 3)
			kind := "off"
			if l.ID != "" {
				kind = "wrong"
				if len(got) > 0 && l.Right(got[0].ID) {
					kind = "right"
				}
			}
			top3 := slices.ContainsFunc(got, func(m knowledge.Match) bool { return l.Right(m.ID) })
			tier := knowledge.Unsure
			if len(got) > 0 {
				tier = got[0].Tier()
			}
			var vec []float32
			if !ix.blindTo(l.Query) {
				vec = emb.vecs[l.Query]
			}
			row("query", l.Lang, kind, l.ID, l.Query, -1, vec, tier, top3)
		}
		t.Logf("%s: fused calibration %s", db.name, f.cal)
	}
}

// dayOneTally is what a fused design does with one group's queries.
type dayOneTally struct {
	inScope, conf, confRight, hedged, hedgedRight, guessed, guessedRight, unsure int
	top1, top3                                                                   int
	off, offConf, offHedged, offGuessed                                          int
}

func (d *dayOneTally) add(l suitetest.Line, got []knowledge.Match) {
	tier := knowledge.Unsure
	if len(got) > 0 {
		tier = got[0].Tier()
	}
	if l.ID == "" {
		d.off++
		switch tier {
		case knowledge.Confident:
			d.offConf++
		case knowledge.Likely:
			d.offHedged++
		case knowledge.Guess:
			d.offGuessed++
		}
		return
	}
	d.inScope++
	right := len(got) > 0 && l.Right(got[0].ID)
	if right {
		d.top1++
	}
	if slices.ContainsFunc(got, func(m knowledge.Match) bool { return l.Right(m.ID) }) {
		d.top3++
	}
	r := 0
	if right {
		r = 1
	}
	switch tier {
	case knowledge.Confident:
		d.conf++
		d.confRight += r
	case knowledge.Likely:
		d.hedged++
		d.hedgedRight += r
	case knowledge.Guess:
		d.guessed++
		d.guessedRight += r
	default:
		d.unsure++
	}
}

func (d dayOneTally) String() string {
	return fmt.Sprintf("in scope %d: confident %d (%d right, wrong %.3f), hedged %d (%d right), guessed %d (%d right), unsure %d; right answer confident or hedged %.3f; top-1 %d, top-3 %d; off-topic %d: confident %d (%.3f), hedged %d (%.3f), guessed %d",
		d.inScope, d.conf, d.confRight, float64(d.conf-d.confRight)/float64(max(d.conf, 1)), d.hedged, d.hedgedRight, d.guessed, d.guessedRight, d.unsure,
		float64(d.confRight+d.hedgedRight)/float64(max(d.inScope, 1)), d.top1, d.top3, d.off, d.offConf, float64(d.offConf)/float64(max(d.off, 1)),
		d.offHedged, float64(d.offHedged)/float64(max(d.off, 1)), d.offGuessed)
}

// TestFusedDayOneDev measures the pooled prior of fusion (pooledFuse) on
// the dev bases of dayOneDev with the real English model, at the matcher
// (no core around it), before (without it) and after: per dev shop and
// language, and banking77's shop-sized bases pooled (other banks'
// questions as off-topic). Held-out shops are never loaded. It only logs:
//
//	BATON_MEASURE=1 BATON_EMBED_CACHE=/tmp/dayone.gob go test -run 'TestFusedDayOneDev$' -v -timeout 30m ./bot/semantic/
func TestFusedDayOneDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a dev measurement that only logs: set BATON_MEASURE=1 to run it")
	}
	bases, emb, lex, cfg := dayOneDev(t)
	ctx := t.Context()
	query := func(_ context.Context, s string) ([]float32, error) { return emb.vecs[s], nil }
	for _, v := range []struct {
		name string
		p    fuseParams
	}{
		{"before (no lead hedge)", fuseWith(func(p *fuseParams) { p.lead = nil })},
		{"after (lead hedge)", defaultFuse},
		{"missing-topic budget on the total", fuseWith(func(p *fuseParams) { p.nearNet = false })},
		{"no hubness", fuseWith(func(p *fuseParams) { p.hubW = 0 })},
	} {
		if only := os.Getenv("BATON_VARIANT"); only != "" && !strings.Contains(v.name, only) {
			continue
		}
		by := map[string]*dayOneTally{}
		var groups []string
		kept := map[string]int{}
		for _, db := range bases {
			lm := knowledge.NewLexicalMatcher(ctx, db.kb, lex, cfg)
			ix, _, err := build(ctx, db.kb, cfg.OffTopic, emb, nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			f := newFusedWith(ctx, v.p, lm, ix, cfg, query, nil)
			kept[fmt.Sprintf("{%v %v %v}", f.cal.PooledConfident.Kept, f.cal.PooledLikely.Kept, f.lead.kept)]++
			for _, l := range db.qs {
				g := db.name + " " + l.Lang
				if len(db.name) > 9 && db.name[:9] == "banking77" {
					g = "banking77 shop-sized bases"
				}
				if by[g] == nil {
					by[g] = &dayOneTally{}
					groups = append(groups, g)
				}
				by[g].add(l, f.Match(ctx, l.Query, 3))
			}
			if db.name == "bikes" || db.name == "bakery" {
				t.Logf("%s: %s: fused calibration %s; %s", v.name, db.name, f.cal, f.LeadReport())
			}
		}
		t.Logf("%s: pooled rules and lead hedge kept (confident, likely, lead) by base: %v", v.name, kept)
		for _, g := range groups {
			t.Logf("%s: %s: %s", v.name, g, by[g])
		}
	}
}

// dumpRow are the extra columns of TestFusedDayOneDumpDev: how the fused
// first stands on each side of the evidence.
type dumpRow struct {
	centGap, ansGap, cent, ans, lexScore, lexMargin float64
	lexAgree, vecAgree                              bool
}

func dumpExtra(ix *Index, p fuseParams, lex []knowledge.Candidate, vec []float32, skip int) dumpRow {
	var d dumpRow
	if len(lex) > 0 {
		d.lexScore = lex[0].Score
		d.lexMargin = lex[0].Score
		if len(lex) > 1 {
			d.lexMargin -= lex[1].Score
		}
	}
	if vec == nil {
		return d
	}
	ev := ix.evidenceWith(p, lex, vec, skip)
	if len(ev) == 0 {
		return d
	}
	first := 0
	for i := range ev {
		if ev[i].fused > ev[first].fused {
			first = i
		}
	}
	f := ev[first]
	d.cent, d.ans = f.cent, f.ans
	d.centGap, d.ansGap = 2, 2
	d.vecAgree = true
	for i, x := range ev {
		if i == first {
			continue
		}
		d.centGap = min(d.centGap, f.cent-x.cent)
		d.ansGap = min(d.ansGap, f.ans-x.ans)
		if x.best >= f.best {
			d.vecAgree = false
		}
	}
	d.lexAgree = len(lex) > 0 && ix.ids[f.entry] == lex[0].ID
	return d
}
