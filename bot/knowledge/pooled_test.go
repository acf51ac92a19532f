package knowledge

import (
	"context"
	"math"
	"strings"
	"testing"
)

// pooledRanker ranks like a day-one base: its owner's questions score
// high (a clear band its own cut answers, i%10 in 0..3, and a crowded one
// with a crossing, 4..8), while customers' messages score low with a
// clear relative lead ("LEAD": 0.2 against 0.02, "HALF": 0.2 against
// 0.09), which no own cut placed on the owner's scores reaches. With
// crossings set, the owner's question i%10 == 9 is a low-scoring
// crossing with a big lead: another entry first, 0.2 against 0.01,
// inside the pooled prior's region. A message starting "ZH" is matched
// in Chinese, which no entry of this English base is written in.
// Off-topic messages starting "NEAR" lead like the customers' with 0.3
// of their words unknown to the base.
func pooledRanker(b *Base, crossings bool) Ranker {
	qs := b.Questions()
	other, _ := bandLists(b)
	ids := b.IDs()
	list := func(first, lang string, s1, s2, unknown float64) []Candidate {
		return []Candidate{{ID: first, Lang: lang, Score: s1, Cover: 0.5, Unknown: unknown}, {ID: other(first), Lang: "en", Score: s2, Cover: 0.5}}
	}
	return func(_ context.Context, query string, skip, n int) []Candidate {
		if q, ok := SkippedEntry(skip); ok {
			return list(other(qs[q].ID), "en", 0.5, 0.45, 0) // a missing topic: crowded, any answer wrong
		}
		if skip < 0 {
			lang := "en"
			if strings.HasPrefix(query, "ZH") {
				lang, query = "zh", strings.TrimPrefix(query, "ZH")
			}
			switch {
			case strings.HasPrefix(query, "LEAD"):
				return list(ids[2], lang, 0.2, 0.02, 0)
			case strings.HasPrefix(query, "HALF"):
				return list(ids[2], lang, 0.2, 0.09, 0)
			case strings.HasPrefix(query, "NEAR"):
				return list(ids[3], lang, 0.2, 0.02, 0.3)
			}
			return list(ids[3], lang, 0.05, 0.045, 0.9) // off-topic
		}
		switch skip % 10 {
		case 0, 1, 2, 3:
			return list(qs[skip].ID, "en", 0.6, 0.06, 0)
		case 9:
			if crossings {
				return list(other(qs[skip].ID), "en", 0.2, 0.01, 0)
			}
			return list(qs[skip].ID, "en", 0.5, 0.45, 0)
		case 8:
			return list(other(qs[skip].ID), "en", 0.5, 0.45, 0)
		default:
			return list(qs[skip].ID, "en", 0.5, 0.45, 0)
		}
	}
}

func pooledConfig(t *testing.T) CalibrationConfig {
	cfg := shippedConfig(t)
	cfg.Pooled = LexicalPooledPrior
	return cfg
}

// TestPooledPriorAnswersWhatTheOwnCutCannot: on a day-one base whose own
// cut sits on its owner's high scores, a customer's low-scoring message
// that leads by nearly all its score is answered confidently by the
// pooled prior's rule, and one leading by half its score is hedged; the
// same base without a prior (another ranker's calibration) answers
// neither. `baton check`'s report says which rule decides.
func TestPooledPriorAnswersWhatTheOwnCutCannot(t *testing.T) {
	b, _ := Load(smallShop(), "kb")
	rank := pooledRanker(b, false)
	m := NewCalibrated(t.Context(), b, rank, pooledConfig(t))
	c := m.Cal
	t.Logf("%s", c)
	if c.own(0.2, 0.18, 0.5, 0) {
		t.Fatalf("the own cut answers the customer's low score: the test needs a cut above it: %s", c)
	}
	if !c.PooledConfident.Kept || !c.PooledLikely.Kept {
		t.Fatalf("pooled prior refused on a base whose samples do not contradict it: %s", c)
	}
	if got := m.Match(t.Context(), "LEAD: a customer's message", 3); len(got) == 0 || got[0].Tier() != Confident {
		t.Errorf("a message leading by 0.9 of its score: %+v, want Confident by the pooled rule", got)
	}
	if got := m.Match(t.Context(), "HALF: a customer's message", 3); len(got) == 0 || got[0].Tier() != Likely {
		t.Errorf("a message leading by 0.55 of its score: %+v, want Likely by the pooled rule", got)
	}
	if got := m.Match(t.Context(), "tell me a joke", 3); len(got) == 0 || got[0].Tier() != Unsure {
		t.Errorf("off-topic message %+v, want no tier", got)
	}
	report := strings.Join(c.PooledReport(), "\n")
	if !strings.Contains(report, "confident: this base's own cut and the pooled prior's rule") || !strings.Contains(report, "likely: this base's own cut and the pooled prior's rule") {
		t.Errorf("report does not say the pooled rules decide beside the own cut:\n%s", report)
	}

	own := NewCalibrated(t.Context(), b, rank, shippedConfig(t))
	if got := own.Match(t.Context(), "LEAD", 3); len(got) == 0 || got[0].Tier() == Confident {
		t.Errorf("without a prior a message leading by 0.9 of its low score is %v, want not Confident", got[0].Tier())
	}
	if own.Cal.PooledReport() != nil {
		t.Errorf("a calibration without a prior reports %v", own.Cal.PooledReport())
	}
}

// TestPooledPriorRefusedWhereTheBaseContradictsIt: when the base's own
// questions land wrongly inside the confident rule's region (low scores,
// big leads, another entry first), the base refuses the rule and keeps
// its own cut alone; the report says why.
func TestPooledPriorRefusedWhereTheBaseContradictsIt(t *testing.T) {
	b, _ := Load(smallShop(), "kb")
	m := NewCalibrated(t.Context(), b, pooledRanker(b, true), pooledConfig(t))
	c := m.Cal
	t.Logf("%s", c)
	if c.PooledConfident.Kept || c.PooledConfident.Wrong == 0 {
		t.Fatalf("confident rule %v on a base whose own questions cross inside its region, want refused for its wrong answers", c.PooledConfident)
	}
	if got := m.Match(t.Context(), "LEAD", 3); len(got) == 0 || got[0].Tier() == Confident {
		t.Errorf("refused prior still answers: %+v", got)
	}
	if report := strings.Join(c.PooledReport(), "\n"); !strings.Contains(report, "confident: this base's own cut only") || !strings.Contains(report, "wrong") {
		t.Errorf("report does not say the confident rule was refused for wrong answers:\n%s", report)
	}
}

// TestPooledPriorOnlyInTheBaseLanguage: the confident rule does not
// answer a message matched in a language few of the base's entries are
// written in (there the first leads whoever it is); the likely rule still
// hedges it.
func TestPooledPriorOnlyInTheBaseLanguage(t *testing.T) {
	b, _ := Load(smallShop(), "kb")
	m := NewCalibrated(t.Context(), b, pooledRanker(b, false), pooledConfig(t))
	got := m.Match(t.Context(), "ZHLEAD", 3)
	if len(got) == 0 || got[0].Tier() != Likely {
		t.Errorf("a message matched in a language no entry has, leading by 0.9 of its score: %+v, want Likely, not Confident", got)
	}
}

// TestPooledPriorTightensItsUnknownCap: where off-topic messages that
// lead like customers' carry a third of their words unknown to the base,
// more of them than the off-topic budget, the likely rule is kept with a
// stricter cap on the words unknown that leaves them out, and they are
// not hedged.
func TestPooledPriorTightensItsUnknownCap(t *testing.T) {
	b, _ := Load(smallShop(), "kb")
	cfg := pooledConfig(t)
	cfg.OffTopic = nil
	for i := range 40 {
		m := "some chit-chat"
		if i%10 == 0 {
			m = "NEAR chit-chat sharing a strong word with an entry"
		}
		cfg.OffTopic = append(cfg.OffTopic, m)
	}
	m := NewCalibrated(t.Context(), b, pooledRanker(b, false), cfg)
	c := m.Cal
	t.Logf("%s", c)
	if !c.PooledLikely.Kept || c.PooledLikely.MaxUnknown >= 0.3 || math.Abs(c.PooledLikely.MaxUnknown-0.25) > 1e-9 {
		t.Fatalf("likely rule %v, want kept with words unknown <= 0.25", c.PooledLikely)
	}
	if got := m.Match(t.Context(), "NEAR", 3); len(got) == 0 || got[0].Tier() != Unsure {
		t.Errorf("off-topic message like the budget's excess: %+v, want no tier", got)
	}
	if got := m.Match(t.Context(), "HALF", 3); len(got) == 0 || got[0].Tier() != Likely {
		t.Errorf("customer's message with nothing unknown: %+v, want Likely", got)
	}
}

// scriptRanker is inner with two prefixes a query may carry: "CJK:"
// marks the list read in Chinese or Korean characters (Candidate.CJK),
// and "UNK:" then sets its first's share unknown to the base to 0.3.
func scriptRanker(inner Ranker) Ranker {
	return func(ctx context.Context, query string, skip, n int) []Candidate {
		q, cjk := strings.CutPrefix(query, "CJK:")
		q, unk := strings.CutPrefix(q, "UNK:")
		cands := inner(ctx, q, skip, n)
		for i := range cands {
			cands[i].CJK = cjk
		}
		if unk && len(cands) > 0 {
			cands[0].Unknown = 0.3
		}
		return cands
	}
}

// TestPooledPriorTightensEachScriptsCap: the likely rule's cap on the
// words unknown to the base is tightened for the messages whose
// off-topic ones exceed the budget, and only for them: English off-topic
// messages a third unknown leave a Chinese customer's message as unknown
// hedged (its share counts characters, on a scale of its own), and
// Chinese ones leave the English message hedged.
func TestPooledPriorTightensEachScriptsCap(t *testing.T) {
	b, _ := Load(smallShop(), "kb")
	for _, c := range []struct {
		name, near        string // the off-topic messages that lead like customers'
		latin, cjk        float64
		hedged, notHedged string
	}{
		{"English off-topic", "NEAR chit-chat", 0.25, 0.35, "CJK:UNK:HALF", "UNK:HALF"},
		{"Chinese off-topic", "CJK:NEAR chit-chat", 0.35, 0.25, "UNK:HALF", "CJK:UNK:HALF"},
	} {
		cfg := pooledConfig(t)
		cfg.OffTopic = nil
		for i := range 40 {
			m := "some chit-chat"
			if i%10 == 0 {
				m = c.near
			}
			cfg.OffTopic = append(cfg.OffTopic, m)
		}
		m := NewCalibrated(t.Context(), b, scriptRanker(pooledRanker(b, false)), cfg)
		pl := m.Cal.PooledLikely
		if !pl.Kept || math.Abs(pl.MaxUnknown-c.latin) > 1e-9 || math.Abs(pl.MaxUnknownCJK-c.cjk) > 1e-9 {
			t.Errorf("%s: likely rule %v (in Chinese or Korean characters %.2f), want kept with words unknown <= %.2f, in characters <= %.2f", c.name, pl, pl.MaxUnknownCJK, c.latin, c.cjk)
			continue
		}
		if got := m.Match(t.Context(), c.hedged, 3); len(got) == 0 || got[0].Tier() != Likely {
			t.Errorf("%s: %q %+v, want Likely", c.name, c.hedged, got)
		}
		if got := m.Match(t.Context(), c.notHedged, 3); len(got) == 0 || got[0].Tier() != Unsure {
			t.Errorf("%s: %q %+v, want no tier", c.name, c.notHedged, got)
		}
		if r := strings.Join(m.Cal.PooledReport(), "\n"); !strings.Contains(r, "in Chinese or Korean characters") {
			t.Errorf("%s: the report does not give the two caps:\n%s", c.name, r)
		}
	}
}

// TestPooledWrongOK checks the keep rule of the confident pooled rule at
// the 2% target: one wrong answer needs 25 added questions, two 75, and
// none is never refused on this count.
func TestPooledWrongOK(t *testing.T) {
	for _, tc := range []struct {
		held, wrong int
		want        bool
	}{
		{0, 0, true}, {3, 0, true}, {12, 1, false}, {24, 1, false}, {25, 1, true},
		{45, 2, false}, {74, 2, false}, {75, 2, true},
	} {
		if got := pooledWrongOK(tc.held, tc.wrong, 0.02); got != tc.want {
			t.Errorf("pooledWrongOK(%d held, %d wrong) = %v, want %v", tc.held, tc.wrong, got, tc.want)
		}
	}
}
