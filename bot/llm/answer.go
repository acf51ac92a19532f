package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/semantic"
)

// Answer answers one customer turn through the model, falling back to the
// offline answerer on any failure: the customer never gets silence or an
// error. The error return only carries the fallback's own error.
func (a *Answerer) Answer(ctx context.Context, q bot.Question) (bot.Answer, error) {
	ans, outcome, err := a.ask(ctx, q)
	a.m.calls.WithLabelValues(kindAnswer, outcome).Inc()
	if outcome == outcomeOK {
		return ans, nil
	}
	// Never log customer text: the reason and the error class only.
	a.log.Warn("llm: answering offline instead", "outcome", outcome, "model", a.cfg.Model, "error", semantic.DescribeError(err))
	return a.fallback.Answer(ctx, q)
}

// ask does the model's part of a turn and says how it went.
func (a *Answerer) ask(ctx context.Context, q bot.Question) (bot.Answer, string, error) {
	kb, p := a.kb(), a.persona()
	if kb == nil || p == nil {
		return bot.Answer{}, outcomeFallbackError, errors.New("no knowledge base or persona loaded")
	}
	ranked := a.retrieve(ctx, q, kb)
	pr, err := a.build(q, kb, p, ranked)
	if err != nil {
		return bot.Answer{}, outcomeFallbackError, err
	}
	req := a.request(pr.system, pr.user, answerSchemaName, answerSchema, a.budget.AnswerTokens)

	callCtx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	start := time.Now()
	resp, err := a.client.CreateChatCompletion(callCtx, req)
	a.m.latency.WithLabelValues(kindAnswer).Observe(time.Since(start).Seconds())
	if err != nil {
		return bot.Answer{}, classify(err, callCtx), err
	}
	prompt := resp.Usage.PromptTokens
	if prompt == 0 {
		prompt = pr.estimate
	}
	a.m.usage(kindAnswer, prompt, resp.Usage.CompletionTokens)
	if len(resp.Choices) == 0 {
		return bot.Answer{}, outcomeFallbackInvalid, fmt.Errorf("%w: no choices", errInvalid)
	}
	raw, err := payload(resp.Choices[0].Message, resp.Choices[0].FinishReason)
	if err != nil {
		return bot.Answer{}, outcomeFallbackInvalid, err
	}
	r, err := parseReply(raw, pr.ids)
	if err != nil {
		return bot.Answer{}, outcomeFallbackInvalid, err
	}
	if why := a.check(r.Answer, pr, p, q.Text); why != "" {
		a.m.guard.WithLabelValues(why).Inc()
		return bot.Answer{}, outcomeFallbackGuard, fmt.Errorf("output guard: %s", why)
	}
	if err := checkLength(r.Answer, a.budget.AnswerRunes); err != nil {
		return bot.Answer{}, outcomeFallbackInvalid, err
	}
	if !r.Covered {
		a.m.uncovered.Inc()
	}
	return bot.Answer{
		Text:      r.Answer,
		Entry:     r.EntryID,
		Confident: r.Covered,
		Signals:   bot.Signals{WantsHuman: r.WantsHuman, Angry: r.Angry, Confused: r.Confused},
	}, outcomeOK, nil
}

// retrieve ranks entry ids for q, best first: the candidates of the
// matcher the core uses (serve's one: fused with vector evidence when
// semantic matching is on, so an entry the words alone rank fourth still
// reaches the model), or the knowledge base's own when the core gave none.
func (a *Answerer) retrieve(ctx context.Context, q bot.Question, kb Knowledge) []string {
	cands := q.Candidates
	if len(cands) == 0 {
		cands = kb.Match(ctx, q.Text, a.budget.Entries*2)
	}
	var ids []string
	for _, c := range cands {
		if !slices.Contains(ids, c.ID) {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// classify maps a failed call to its outcome.
func classify(err error, callCtx context.Context) string {
	status := statusOf(err)
	switch {
	case status == http.StatusTooManyRequests:
		return outcomeFallback429
	case status >= 500:
		return outcomeFallback5xx
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(callCtx.Err(), context.DeadlineExceeded):
		return outcomeFallbackTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return outcomeFallbackTimeout
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, io.ErrUnexpectedEOF) {
		return outcomeFallbackInvalid // a 200 whose body is not a completion
	}
	return outcomeFallbackError
}

func statusOf(err error) int {
	var ae *openai.APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatusCode
	}
	var re *openai.RequestError
	if errors.As(err, &re) {
		return re.HTTPStatusCode
	}
	return 0
}
