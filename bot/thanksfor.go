package bot

import (
	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/semantic"
)

// thanksForNothing hands off a thanks that says the opposite ("thanks for
// nothing", "谢谢你什么也没帮上", "고맙긴 한데 하나도 도움이 안 됐어요"):
// small talk takes the thanks off before the handoff detector reads the
// rest, and "for nothing" alone is no complaint, so the whole message is
// read first, as `baton detect` reads it (QA walk 2026-12-06 09:05, item
// 1). When the rest alone hands off and is no closing ("thanks but it
// still doesn't work"), the usual path reads it and decides, with the
// answer a calm complaint is told; a rest the closing reading would take
// as thanks ("什么也没帮上" after 谢谢你) is handed off here. The handoff tells no
// answer again (the customer just said it did not help): one apology, a
// person, and the conversation so far on the card.
func (t *turn) thanksForNothing(whole, rest string) bool {
	in := t.detectInput(whole)
	d := t.set.Rules.DetectContext(t.ctx, in)
	if !d.Handoff || d.Reason != handoff.Complaint {
		return false
	}
	in.Text = rest
	if alone := t.set.Rules.DetectContext(t.ctx, in); alone.Handoff {
		if k, _ := t.set.Persona.Closing(rest, "thanks"); k == "" {
			return false
		}
	}
	t.handoff(d)
	return true
}

// troubleFollows reports whether rest, what follows small talk, tells of
// a problem or reads as a complaint or a request for a person by the
// handoff rules: no cheerful small-talk reply goes before it.
func (t *turn) troubleFollows(rest string) bool {
	if reportsProblem(rest) {
		return true
	}
	in := t.detectInput(rest)
	// Vectors already known only, as the core's other early check: the
	// message's one embeddings call is the matcher's, on the whole text.
	d := t.set.Rules.DetectContext(semantic.KnownVectorsOnly(t.ctx), in)
	// The score at which a cheerful line would jar is data
	// (complaint.leans_unhappy in prompts/handoff.yaml): well under the
	// handoff's own threshold, since dropping the cheerful line costs
	// nothing when it is wrong.
	return d.Handoff || d.Scores[handoff.Complaint] >= t.set.Rules.LeansUnhappy()
}
