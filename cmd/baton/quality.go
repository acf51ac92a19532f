package main

import (
	"fmt"
	"io"

	"github.com/batonhq/baton/bot/knowledge"
)

// maxConfusions is how many confusable pairs `baton check` lists.
const maxConfusions = 8

// writeQuality prints what calibration measured on the knowledge base: how
// many of its own example questions, each asked of the base without it,
// the bot would answer, how many of those answers would be wrong, and the
// entries customers are likely to confuse, with the questions that cross.
// It is advice for ops: which entries need more, and more distinct,
// example questions.
func writeQuality(w io.Writer, c *knowledge.Calibration) {
	fmt.Fprintf(w, "knowledge quality (advice; each example question asked of the base without it):\n")
	if c.Thin {
		fmt.Fprintf(w, "  only %d example questions: too few to measure a %.0f%% wrong-answer rate.\n", c.Held, 100*c.WrongRate)
		fmt.Fprintf(w, "  The bot answers only near-copies of an example question until there are at least 30; add questions.\n")
		return
	}
	fmt.Fprintf(w, "  held-out phrasings answered: %.0f%% of %d (right entry ranked first: %.0f%%)\n", 100*c.Answered, c.Held, 100*c.Top1)
	fmt.Fprintf(w, "  wrong among the answered:    %.1f%% (target %.1f%%, BATON_WRONG_RATE)\n", 100*c.Wrong, 100*c.WrongRate)
	if c.OffTopic > 0 {
		fmt.Fprintf(w, "  off-topic messages answered: %.1f%% of %d (target %.0f%%)\n", 100*c.OffTopicAnswered, c.OffTopic, 100*c.OffTopicRate)
	}
	if c.MaxUnknown > 0 {
		fmt.Fprintf(w, "  not answered confidently: messages with more than %.0f%% of their words unknown to the base (chosen on these samples)\n", 100*c.MaxUnknown)
	}
	if c.Near > 0 {
		fmt.Fprintf(w, "  questions on a missing topic answered: %.1f%% of %d (each asked with its whole entry left out: high when entries overlap)\n", 100*c.NearAnswered, c.Near)
	}
	if c.Hedges() {
		// The headline is what this base's samples show, every wrong
		// held-out question counted whole (LikelyCounted), weighed as a
		// traffic LikelyInScope in scope, not by how many of each were
		// asked: that is the figure to hold against the target. The
		// share the cut was chosen on (LikelyPrecision) weighs a wrong
		// question in a two-way crossing by a ratio fitted on other
		// bases, so it is given apart, as an estimate.
		// A tier may sit under its target on these samples: an earlier
		// stage's hedges are taken whatever the cut (fused bakery, dev:
		// 78% on main already), or only the estimate meets it.
		target := ""
		if c.LikelyCounted < c.LikelyRight {
			target = ": not met on these samples"
			if c.LikelyEstimated() && c.LikelyPrecision >= c.LikelyRight {
				target += ", only by the estimate below"
			}
		}
		fmt.Fprintf(w, "  answered with a hedge (likely): %.0f%% more of the held-out phrasings; %.0f%% of the hedged right in a traffic %.0f%% in scope, every wrong held-out question counted whole (target %.0f%%%s, BATON_LIKELY_RIGHT); off-topic messages hedged %.1f%%, questions on a missing topic %.0f%%\n",
			100*c.LikelyAnswered, 100*c.LikelyCounted, 100*c.LikelyInScope, 100*c.LikelyRight, target, 100*c.OffTopicLikely, 100*c.NearLikely)
		if c.LikelyEstimated() {
			fitted := c.PairWrongFitted
			if fitted == "" {
				fitted = "other bases"
			}
			fmt.Fprintf(w, "    estimate for customers' messages, not measured on this base: %.0f%% right, a wrong held-out question that crosses to an entry whose own question crosses back weighed %.2f of a wrong answer%s (fitted on %s; a shop's own data may differ); the tier's cut is chosen on this estimate\n",
				100*c.LikelyPrecision, c.PairWrong, c.OtherWrongSaid(), fitted)
		}
	}
	if c.Guesses {
		fmt.Fprintf(w, "  asked about with a guess (\"are you asking about …?\"): %.0f%% more of the held-out phrasings; %.0f%% of the guessed samples right (target %.0f%%, BATON_GUESS_RIGHT); off-topic messages guessed %.1f%%, questions on a missing topic %.0f%%\n",
			100*c.GuessAnswered, 100*c.GuessPrecision, 100*c.GuessRight, 100*c.OffTopicGuessed, 100*c.NearGuessed)
	}
	if lines := c.PooledReport(); len(lines) > 0 {
		// Which rule decides: a day-one base's own questions cannot
		// prove a cut its customers' messages reach, so a prior fitted
		// across many bases adds its rule where this base's samples do
		// not contradict it (README "A pooled prior for day-one bases").
		fmt.Fprintf(w, "  decision rules (the figures above include the pooled prior's where kept):\n")
		for _, l := range lines {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
	if len(c.Confusions) == 0 {
		return
	}
	fmt.Fprintf(w, "  entries customers may confuse (give them more, and more distinct, questions):\n")
	for i, cf := range c.Confusions {
		if i == maxConfusions {
			fmt.Fprintf(w, "    ... and %d more pairs\n", len(c.Confusions)-maxConfusions)
			break
		}
		wrong := 0
		for _, x := range cf.Crossings {
			if x.Confident {
				wrong++
			}
		}
		fmt.Fprintf(w, "    %s <-> %s: %d question(s) cross", cf.A, cf.B, len(cf.Crossings))
		if wrong > 0 {
			fmt.Fprintf(w, ", %d would be answered wrongly", wrong)
		}
		fmt.Fprintln(w)
		for j, x := range cf.Crossings {
			if j == 3 {
				break
			}
			fmt.Fprintf(w, "      %q (%s) -> %s\n", x.Question, x.From, x.To)
		}
	}
}

// maxTitleAdvice is how many entries without a title: `baton check` names;
// a base written before titles existed lacks them all.
const maxTitleAdvice = 5

// writeAdvice prints the knowledge base's advice (knowledge.Base.Advice):
// entries some languages lack, and entries without a title:. Advice never
// changes check's exit status, --strict or not: the entries are served.
// show turns a file name of the base into the path ops see.
func writeAdvice(w io.Writer, advice []knowledge.Advice, show func(string) string) {
	if len(advice) == 0 {
		return
	}
	fmt.Fprintln(w, "advice (the entries are served; exit status unchanged):")
	untitled := 0
	for _, a := range advice {
		if a.Kind == knowledge.AdviceTitle {
			untitled++
			if untitled > maxTitleAdvice {
				continue
			}
		}
		a.File = show(a.File)
		fmt.Fprintf(w, "  %s\n", a.String())
	}
	if untitled > maxTitleAdvice {
		fmt.Fprintf(w, "  ... and %d more files without title: (the first question names each)\n", untitled-maxTitleAdvice)
	}
}
