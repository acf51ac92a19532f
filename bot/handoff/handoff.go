// Package handoff decides when a person must take over a conversation.
//
// Four triggers, each driven by prompts/handoff.yaml so ops can tune them
// without a release:
//
//   - explicit: the customer asks for a person ("talk to a human", "转人工",
//     "상담원 연결");
//   - complaint: a graded score of anger or complaint (strong words,
//     threats to leave or sue, "third time", "!!!", CAPS), lowered by
//     negation and thanks, fitted on labelled tweets;
//   - confusion: the customer says they do not understand, or the bot was
//     unsure several turns in a row;
//   - loop: the customer asks the same thing again and again (near
//     duplicates, by bot/text's Similarity), or the bot is about to give
//     the same answer yet again to the same need (Input.SameNeed).
//
// Rules match phrases of every language whatever the conversation's
// language, because customers mix them (a Korean customer typing "agent").
// Beside the phrases, a learned layer (learned.go) trained at load on
// labelled examples catches wordings nobody wrote a phrase for (with
// embeddings on, also by the nearest example in meaning: vectors.go), and
// an unreasonable demand is reported (Decision.Demand) for a soft refusal.
//
// Detect runs on every message, so the words are cheap: tens of
// microseconds, most of it the learned layer's features
// (BenchmarkDetectTypical). With embeddings on, a grey-zone English
// message may also wait for one embeddings call (milliseconds over the
// network, bounded by the query timeout), unless knowledge matching
// already computed its vector; none when the lexical match was sure. The phrases are
// compiled into one index (index.go), words are normalised once and cached
// per Rules, and the loop trigger computes bot/text's Similarity from that
// cache (similarity.go). Tests hold each fast path to a slow reference.
package handoff

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/session"
)

// Trigger names, used as Decision.Reason and Decision.Scores keys.
const (
	Explicit  = "explicit"
	Complaint = "complaint"
	Confusion = "confusion"
	Loop      = "loop"
)

// Signals are a language model's hints for this turn. The core maps its
// own type onto this one. Rules win: a signal decides only when no rule
// fired.
type Signals struct {
	WantsHuman bool
	Angry      bool
	Confused   bool
}

// Input is one customer turn as the core sees it after matching.
type Input struct {
	Text    string         // this customer message
	Lang    string         // conversation language (phrases of all languages are tried anyway)
	History []session.Turn // earlier turns, oldest first, without this message
	Misses  int            // consecutive low-confidence turns including this one
	Answer  string         // knowledge entry id the bot is about to answer with ("" if none)
	Signals Signals        // hints from a language model for this turn
	// AfterRefusal: the bot's last reply refused an unreasonable demand,
	// so insisting now is a complaint.
	AfterRefusal bool
	// AfterMiss: the bot's last reply did not answer (it asked to
	// rephrase). "I don't get it" then is not confusion about an answer,
	// as there was none: the message is read as a question, and only the
	// streak of unsure answers (confusion.misses) counts.
	AfterMiss bool
	// SameNeed reports whether an earlier customer message, which got
	// the answer the bot is about to give again (Answer), asked what
	// this one does. Only those count toward the loop: a customer asking
	// about WeChat Pay, then cash on delivery, then Alipay gets the
	// payment answer three times without repeating themselves. nil: all
	// count.
	SameNeed func(earlier string) bool
}

// Decision says whether to hand off, why, and on what evidence.
type Decision struct {
	Handoff  bool
	Reason   string             // Explicit, Complaint, Confusion or Loop; "" when no handoff
	Evidence []string           // one line per trigger that fired, the reason's first
	Scores   map[string]float64 // every trigger's score from 0 to 1, the highest of: the phrases' (explicit, confusion and loop fire at 1, complaint at its threshold), the learned layer's probability, and the cosine of the nearest example when the vector layer fired
	// Demand is the evidence of an unreasonable demand ("90% off or I'm
	// leaving") when there is one; not a handoff by itself: the core
	// refuses softly and offers what policy allows (Rules.Offer).
	Demand string
}

// triggers in the order they win as the reason.
var triggers = [...]string{Explicit, Complaint, Confusion, Loop}

// vetoes are the triggers whose phrases matched only where an unless list
// or a negation took them back, in the order of triggers.
type vetoes [len(triggers)]bool

// fired holds each trigger's evidence line ("" when it did not fire), in
// the order of triggers.
type fired [len(triggers)]string

// Detect runs every trigger on one customer turn. It never panics; a nil
// *Rules (no rules loaded) decides on the model's signals alone.
func (r *Rules) Detect(in Input) Decision { return r.DetectContext(context.Background(), in) }

// DetectContext is Detect with the turn's context, which bounds and
// budgets the embeddings call the vector layer may need (the core passes
// the context that gives each customer message one call in all).
func (r *Rules) DetectContext(ctx context.Context, in Input) Decision {
	dec := Decision{Scores: make(map[string]float64, len(triggers))}
	var ev fired
	order := [...]int{0, 1, 2, 3} // the triggers' slots, in the order they win as the reason
	if r != nil {
		var veto vetoes
		d := r.analyse(in.Text)
		r.detectExplicit(d, &dec, &ev, &veto)
		askedByPhrase := ev[0] != ""
		r.detectComplaint(d, &dec, &ev, &veto)
		complaintFirst := false // a cue that keeps the complaint the reason (confusion.complaint_first)
		for _, i := range r.complaintFirst {
			complaintFirst = complaintFirst || d.x[i] > 0
		}
		confusedByMisses := r.detectConfusion(d, in, &dec, &ev, &veto)
		r.detectLoop(d, in, &dec, &ev)
		r.detectDemand(d, in, &dec, &ev)
		r.holdLeverage(d, in, &dec, &ev)
		complainedByPhrase := ev[1] != ""
		r.release(d)
		r.detectLearned(ctx, in, &dec, &ev, &veto)
		if ev[0] != "" && !askedByPhrase && complainedByPhrase && dec.Scores[Complaint] >= dec.Scores[Explicit] {
			// A complaint the phrases graded is the reason over a request
			// for a person only the learned layer read, less surely ("I
			// keep getting the runaround from your team": complaint 0.91,
			// explicit 0.68); both stay in the evidence. A surer request
			// ("could I be connected with the complaints team": 0.98
			// against 0.63) stays the reason.
			order[0], order[1] = 1, 0
		}
		if ev[2] != "" && !confusedByMisses && complainedByPhrase && !complaintFirst && dec.Scores[Complaint] < r.overComplaint && dec.Scores[Confusion] > dec.Scores[Complaint] {
			// Right after an answer, the customer saying it did not help
			// ("this answer is useless", 没用) is about that answer: the
			// phrases graded a complaint only from those words (0.51),
			// the confusion is surer (0.68 learned, 1 by a phrase).
			// Real anger grades higher and stays the reason, and so does
			// a fix that did not work ("照你说的试了，还是不行": persist, in
			// confusion.complaint_first); both are in the evidence.
			i, j := slices.Index(order[:], 1), slices.Index(order[:], 2)
			order[i], order[j] = 2, 1
		}
	}
	for _, i := range order {
		if ev[i] == "" {
			continue
		}
		if !dec.Handoff {
			dec.Handoff, dec.Reason = true, triggers[i]
		}
		dec.Evidence = append(dec.Evidence, ev[i])
	}
	for _, s := range []struct {
		on     bool
		reason string
		ev     string
	}{
		{in.Signals.WantsHuman, Explicit, "model: the customer wants a person"},
		{in.Signals.Angry, Complaint, "model: the customer is angry"},
		{in.Signals.Confused, Confusion, "model: the customer is confused"},
	} {
		if !s.on {
			continue
		}
		if !dec.Handoff {
			dec.Handoff, dec.Reason = true, s.reason
		}
		dec.Evidence = append(dec.Evidence, s.ev)
	}
	return dec
}

// analyse analyses s with r's index; release the document after use.
func (r *Rules) analyse(s string) *doc {
	if r.ix == nil {
		return analyse(s)
	}
	return r.ix.analyse(s)
}

func (r *Rules) release(d *doc) {
	if r.ix != nil && d.ix == r.ix {
		r.ix.release(d)
	}
}

func (r *Rules) detectExplicit(d *doc, dec *Decision, ev *fired, veto *vetoes) {
	dec.Scores[Explicit] = 0
	m := mask(d, r.explicitUnless)
	f, ok := find(d, r.explicit, m, &r.neg)
	// What the phrases saw and ruled out ("human hair", "I don't want a
	// person") the learned layer must not rule back in.
	veto[0] = m != nil || (ok && f.negated)
	if !ok || f.negated {
		return
	}
	dec.Scores[Explicit] = 1
	ev[0] = fmt.Sprintf("explicit: %q (%s:%d)", d.span(f.start, f.end), r.file, f.p.line)
}

func (r *Rules) detectComplaint(d *doc, dec *Decision, ev *fired, veto *vetoes) {
	z := r.complaintZ(d)
	score := sigmoid(z)
	dec.Scores[Complaint] = score
	if score >= r.complaint.threshold {
		ev[1] = fmt.Sprintf("complaint: score %.2f ≥ %.2f: %s", score, r.complaint.threshold, strings.Join(r.complaintEvidence(d), ", "))
		return
	}
	// A combo that calms (calm_question) keeps the learned layer from
	// calling the message a complaint: complaintZ left its features in
	// d.x.
	c := &r.complaint
	for k, cb := range c.combos {
		if cb.calms && d.x[len(c.cues)+k] > 0 {
			veto[1] = true
			return
		}
	}
}

// detectConfusion reports whether confusion fired by the streak of
// unsure answers alone (confusion.misses), not by the customer's words.
func (r *Rules) detectConfusion(d *doc, in Input, dec *Decision, ev *fired, veto *vetoes) (byMisses bool) {
	dec.Scores[Confusion] = 0
	if r.misses > 0 && in.Misses > 0 {
		dec.Scores[Confusion] = min(1, float64(in.Misses)/float64(r.misses))
	}
	if (!r.afterBot || botSpoke(in.History)) && !in.AfterMiss {
		m := mask(d, r.confusionUnless)
		f, ok := find(d, r.confusion, m, &r.neg)
		veto[2] = m != nil || (ok && f.negated)
		if ok && !f.negated {
			dec.Scores[Confusion] = 1
			ev[2] = fmt.Sprintf("confusion: %q (%s:%d)", d.span(f.start, f.end), r.file, f.p.line)
			return false
		}
	}
	if r.misses > 0 && in.Misses >= r.misses {
		ev[2] = fmt.Sprintf("confusion: %d unsure answers in a row (limit %d)", in.Misses, r.misses)
		return true
	}
	return false
}

// detectLearned adds what the learned layer finds to the triggers the
// phrases did not fire. Its probability becomes the trigger's score when it
// is higher.
//
// Then, when nothing fired, the vector layer (vectors.go) may, for the
// kinds the phrases did not rule out.
func (r *Rules) detectLearned(ctx context.Context, in Input, dec *Decision, ev *fired, veto *vetoes) {
	lr := &r.learned
	v, ok := lr.judge(in.Text)
	if !ok && lr.vec == nil {
		return
	}
	var allowed [nClasses]bool
	defer func() { r.detectVectors(ctx, in, v.p, allowed, dec, ev) }()
	for _, k := range [...]struct {
		class, slot int
	}{{clExplicit, 0}, {clComplaint, 1}, {clConfusion, 2}} {
		if k.class == clConfusion && ((r.afterBot && !botSpoke(in.History)) || in.AfterMiss) {
			continue // a first message, or one after a miss, is a question for the bot
		}
		if veto[k.slot] {
			continue
		}
		if k.class == clComplaint && dec.Demand != "" && !in.AfterRefusal {
			// A first demand ("a huge discount or I shop elsewhere") gets
			// a soft refusal; the phrases' graded score still hands off
			// real anger, and insisting after the refusal does too.
			continue
		}
		allowed[k.class] = true
		if !ok {
			continue // no word the layer knows: only the vectors may judge
		}
		name := classes[k.class]
		if k.class != clComplaint { // complaint keeps its own graded score
			dec.Scores[name] = max(dec.Scores[name], v.p[k.class])
		}
		if ev[k.slot] == "" && lr.fires(v, k.class) {
			ev[k.slot] = lr.explain(v, k.class)
		}
	}
}

// botSpoke reports whether the bot has said anything in hist.
func botSpoke(hist []session.Turn) bool {
	for _, t := range hist {
		if t.Role == "bot" {
			return true
		}
	}
	return false
}

func (r *Rules) detectLoop(d *doc, in Input, dec *Decision, ev *fired) {
	lr := &r.loop
	hist := in.History
	if len(hist) > lr.window {
		hist = hist[len(hist)-lr.window:]
	}
	var lines []string
	score := 0.0

	// The customer asking the same thing again.
	if d.size >= lr.minSize && strings.TrimSpace(in.Text) != "" {
		var ixTurns [8]int // the similar turns (more only in long windows)
		same := ixTurns[:0]
		var simBuf [8]float64
		sims := simBuf[:0]
		var msg []term
		var nm float64
		for i, t := range hist {
			if t.Role != "customer" {
				continue
			}
			if msg == nil {
				msg, nm = d.messageVector(in.Text)
			}
			hv, hn := d.historyVector(r.ix, t.Text)
			if sim := cosine(msg, hv, nm, hn); sim >= lr.similarity {
				same, sims = append(same, i), append(sims, sim)
			}
		}
		n := len(same) + 1
		score = min(1, float64(n)/float64(lr.count))
		if n >= lr.count {
			parts := make([]string, len(same))
			for k, i := range same {
				parts[k] = fmt.Sprintf("%q (similarity %.2f)", clip(hist[i].Text), sims[k])
			}
			lines = append(lines, fmt.Sprintf("loop: asked %d times: %s, now %q", n, strings.Join(parts, ", "), clip(in.Text)))
		}
	}

	// The bot about to give the same answer again, to the customer
	// asking for the same thing again (in.SameNeed).
	if in.Answer != "" {
		n := 1
		asked := "" // the customer message the bot turn replied to
		for _, t := range hist {
			if t.Role == "customer" {
				asked = t.Text
				continue
			}
			if t.Role == "bot" && t.Entry == in.Answer && (in.SameNeed == nil || in.SameNeed(asked)) {
				n++
			}
		}
		score = max(score, min(1, float64(n)/float64(lr.count)))
		if n >= lr.count {
			lines = append(lines, fmt.Sprintf("loop: answer %q would be given for the %s time", in.Answer, ordinal(n)))
		}
	}
	dec.Scores[Loop] = score
	if len(lines) > 0 {
		ev[3] = strings.Join(lines, "; ")
	}
}

// clip shortens a customer message for evidence.
func clip(s string) string {
	const max = 80
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	rs := []rune(s)
	return string(rs[:max-1]) + "…"
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}
