package main

import (
	"fmt"
	"strconv"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge"
)

// understanding is the one place that decides how customer messages are
// matched to the knowledge base: which Matcher is built for each loaded
// base, and the wrong-answer rate it is calibrated for. serve, chat, eval,
// check and `baton match` all load contents with these options, so what ops
// and benchmarks see is what customers get.
//
// BATON_WRONG_RATE is the highest share of confident answers that may be
// wrong (default 0.02: one in 50); calibration picks each base's decision
// to meet it.
func understanding(env func(string) string) ([]content.Option, error) {
	rate := knowledge.DefaultWrongRate
	if v := env("BATON_WRONG_RATE"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r <= 0 || r >= 1 {
			return nil, fmt.Errorf("BATON_WRONG_RATE=%q: want a share between 0 and 1, such as 0.02", v)
		}
		rate = r
	}
	return []content.Option{content.WithWrongRate(rate), content.WithMatcher(newMatcher(env))}, nil
}

// newMatcher picks the matcher: lexical, calibrated per base.
func newMatcher(env func(string) string) content.MatcherFunc {
	return content.LexicalMatcher
}
