package bot_test

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/semantic"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// With embeddings on, knowledge matching and the handoff detector's vector
// layer share one embeddings call per customer message: the turn's budget
// reaches both, and whoever embeds the message first leaves the vector for
// the other.
func TestOneEmbeddingsCallPerCustomerMessage(t *testing.T) {
	srv := llmtest.New(t) // bag-of-words vectors
	cfg := openai.DefaultConfig("")
	cfg.BaseURL = srv.URL()
	sem, err := semantic.NewVectors(semantic.OpenAI{Client: openai.NewClientWithConfig(cfg), Model: "fake-embed"},
		semantic.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sem.Close)
	h, problems, err := content.NewHolder(content.Dir("../prompts"), content.Dir("../knowledge"), nil,
		content.WithMatcher(sem.MatcherFunc), content.WithHandoff(handoff.WithEmbeddings(sem)))
	if err != nil {
		t.Fatalf("load contents: %v (%v)", err, problems)
	}
	set := h.Current()
	if _, err := set.KB.Matcher.(*semantic.Matcher).Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := set.Rules.WaitVectors(t.Context()); err != nil {
		t.Fatal(err)
	}
	f := &fixture{
		store: sessiontest.Store(t, session.WithMaxTurns(200)),
		clock: &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)},
		out:   &outbox{},
	}
	f.bot = bot.New(f.store, h, bot.WithClock(f.clock.Now), bot.WithLocation(time.UTC))
	f.bot.Register("test", f.out)

	embedded := 0
	for i, msg := range []string{
		"hello, my card payment failed twice",
		"could one of your employees ring me back about it",
		"and what about returns?",
		"what is the weather like on mars",
		"honestly that answer was no use at all",
		"my parcel is three weeks late and nobody replies",
		"how do I reset my password",
	} {
		before := srv.Calls()
		f.say(t, fmt.Sprint("budget", i), msg) // each the first message of a conversation
		n := srv.Calls() - before
		if n > 1 {
			t.Errorf("%q: %d embeddings calls; at most one per message", msg, n)
		}
		embedded += int(n)
	}
	if embedded == 0 {
		t.Fatal("no message was embedded: the test proves nothing")
	}
}
