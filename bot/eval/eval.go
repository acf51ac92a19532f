// Package eval runs conversation tests written in YAML against a bot, so ops
// and CI can see that it behaves: which entry answered, when it asked to
// rephrase, when and why it handed off, in which language it replied.
//
// A file holds a list of tests:
//
//   - name: shipping question in Korean
//     lang: ko                # the customer's platform language code (optional)
//     desk: false             # no agent desk configured (default: a desk is there)
//     turns:
//   - say: "배송 얼마나 걸려요?"
//     expect:
//     answer: shipping/times   # answered from this entry
//     lang: ko                 # replied in this language
//   - say: "상담원 연결해 주세요"
//     expect: {handoff: explicit}
//
// Expectations: answer (entry id), rephrase (true: asked to rephrase),
// handoff (reason, or "none" for no handoff), not_handoff (a reason the
// turn must not hand off for, where another is as right), kind (the bot turn's kind:
// greeting, thanks, bye, answer, rephrase, handoff, nodesk, ...), lang,
// contains / not_contains (substrings of the reply, case-insensitive),
// silent (true: no reply, as while an agent has the conversation).
package eval

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/lang"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/yamlfile"
)

// Test is one scripted conversation.
type Test struct {
	Name  string `yaml:"name"`
	Lang  string `yaml:"lang"`
	Desk  *bool  `yaml:"desk"`
	Turns []Turn `yaml:"turns"`

	File string `yaml:"-"`
	Line int    `yaml:"-"`
}

// Turn is one customer message and what must follow.
type Turn struct {
	Say string `yaml:"say"`
	// SayFirstOf, on a test's first turn only, instead of say: the first
	// of these messages whose reply meets the turn's expectations on a
	// fresh bot. Which vague message the likely tier hedges moves with
	// every knowledge or calibration edit, so a test about the tier names
	// candidates, not one example.
	SayFirstOf []string `yaml:"say_first_of"`
	Command    string   `yaml:"command"` // instead of say: "start", "help", "human"
	Press      string   `yaml:"press"`   // instead of say: the label of a button on the bot's last reply
	Expect     Expect   `yaml:"expect"`
	Line       int      `yaml:"-"`
}

// Expect is what one turn must produce. Empty fields are not checked.
type Expect struct {
	Answer      string   `yaml:"answer"`
	Rephrase    bool     `yaml:"rephrase"`
	Handoff     string   `yaml:"handoff"`
	NotHandoff  string   `yaml:"not_handoff"` // a reason this turn must not hand off for
	Kind        string   `yaml:"kind"`
	Lang        string   `yaml:"lang"`
	Contains    []string `yaml:"contains"`
	NotContains []string `yaml:"not_contains"`
	Silent      bool     `yaml:"silent"`
	Buttons     []string `yaml:"buttons"` // labels the reply's buttons must include
}

// Load reads the tests of one file. Errors say file:line.
func Load(path string) ([]Test, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read tests: %w", err)
	}
	return Parse(path, data)
}

// Parse reads tests from YAML; name is used in errors.
func Parse(name string, data []byte) ([]Test, error) {
	root, err := yamlfile.Parse(data)
	if err != nil {
		line, msg := yamlfile.Where(err)
		return nil, fmt.Errorf("%s:%d: %s", name, line, msg)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s:1: no tests", name)
	}
	list := root.Content[0]
	if list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s:%d: want a list of tests", name, list.Line)
	}
	var tests []Test
	for _, n := range list.Content {
		if err := checkKeys(n, testKeys); err != nil {
			return nil, fmt.Errorf("%s:%w", name, err)
		}
		var t Test
		if err := yamlfile.Decode(n, &t); err != nil {
			line, msg := yamlfile.Where(err)
			return nil, fmt.Errorf("%s:%d: %s", name, line, msg)
		}
		t.File, t.Line = name, n.Line
		if t.Name == "" {
			return nil, fmt.Errorf("%s:%d: test has no name", name, n.Line)
		}
		if len(t.Turns) == 0 {
			return nil, fmt.Errorf("%s:%d: test %q has no turns", name, n.Line, t.Name)
		}
		turns := child(n, "turns").Content
		for i := range t.Turns {
			t.Turns[i].Line = turns[i].Line
			n := 0
			for _, s := range []string{t.Turns[i].Say, t.Turns[i].Command, t.Turns[i].Press} {
				if s != "" {
					n++
				}
			}
			if len(t.Turns[i].SayFirstOf) > 0 {
				n++
				if i > 0 {
					return nil, fmt.Errorf("%s:%d: say_first_of is only for a test's first turn", name, t.Turns[i].Line)
				}
			}
			if n != 1 {
				return nil, fmt.Errorf("%s:%d: each turn needs exactly one of say, say_first_of, command or press", name, t.Turns[i].Line)
			}
		}
		tests = append(tests, t)
	}
	return tests, nil
}

// The keys each level may have: a typo in an expectation must not pass
// silently.
var (
	expectKeys = keys{"answer": nil, "rephrase": nil, "handoff": nil, "not_handoff": nil, "kind": nil, "lang": nil,
		"contains": nil, "not_contains": nil, "silent": nil, "buttons": nil}
	turnKeys = keys{"say": nil, "say_first_of": nil, "command": nil, "press": nil, "expect": &expectKeys}
	testKeys = keys{"name": nil, "lang": nil, "desk": nil, "turns": &turnKeys}
)

// keys maps an allowed key to the keys allowed below it (nil: a value).
type keys map[string]*keys

// checkKeys reports the first unknown key below n, with its line.
func checkKeys(n *yaml.Node, allowed keys) error {
	if n.Kind == yaml.SequenceNode {
		for _, item := range n.Content {
			if err := checkKeys(item, allowed); err != nil {
				return err
			}
		}
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("%d: want a mapping with keys %s", n.Line, allowed)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		sub, ok := allowed[k.Value]
		if !ok {
			return fmt.Errorf("%d: unknown key %q (want one of %s)", k.Line, k.Value, allowed)
		}
		if sub != nil {
			if err := checkKeys(v, *sub); err != nil {
				return err
			}
		}
	}
	return nil
}

func (k keys) String() string {
	names := make([]string, 0, len(k))
	for name := range k {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func child(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return &yaml.Node{}
}

// Env is a fresh bot for one test.
type Env struct {
	Bot   *bot.Bot
	Store *session.Store
}

// Factory makes a fresh bot; desk says whether an agent desk is configured.
// Its store must keep more turns than a test has (session.WithMaxTurns),
// and each call must start from an empty store: say_first_of tries its
// messages on bots of their own.
type Factory func(ctx context.Context, desk bool) (Env, error)

// Result is the outcome of one test.
type Result struct {
	Test     Test
	Failures []string // empty when the test passed
}

// Passed reports whether every expectation held.
func (r Result) Passed() bool { return len(r.Failures) == 0 }

// Run plays one test on a fresh bot.
func Run(ctx context.Context, t Test, newEnv Factory) Result {
	if len(t.Turns) > 0 && len(t.Turns[0].SayFirstOf) > 0 {
		return runFirstOf(ctx, t, t.Turns[0].SayFirstOf, newEnv)
	}
	res := Result{Test: t}
	env, err := newEnv(ctx, t.Desk == nil || *t.Desk)
	if err != nil {
		res.Failures = append(res.Failures, fmt.Sprintf("setup: %v", err))
		return res
	}
	chat := "eval"
	conv := bot.ConvID("eval", chat)
	var buttons []bot.Button // on the bot's last reply
	for i, turn := range t.Turns {
		ev := bot.Event{Channel: "eval", ChatID: chat, Kind: bot.KindText, Text: turn.Say, Customer: bot.Customer{ID: "1", Name: "Alex", Lang: t.Lang}}
		if turn.Command != "" {
			ev.Kind, ev.Text = bot.KindCommand, strings.TrimPrefix(turn.Command, "/")
		}
		if turn.Press != "" {
			b, ok := findButton(buttons, turn.Press)
			if !ok {
				res.Failures = append(res.Failures, fmt.Sprintf("%s:%d: turn %d: no button %q on the last reply (buttons: %s)", t.File, turn.Line, i+1, turn.Press, labels(buttons)))
				return res
			}
			ev.Kind, ev.Text = b.Kind, b.Value
		}
		before, _, err := env.Store.Get(ctx, conv)
		if err != nil {
			res.Failures = append(res.Failures, fmt.Sprintf("turn %d: %v", i+1, err))
			return res
		}
		msgs, err := env.Bot.Handle(ctx, ev)
		if err != nil {
			res.Failures = append(res.Failures, fmt.Sprintf("turn %d: %v", i+1, err))
			return res
		}
		after, _, err := env.Store.Get(ctx, conv)
		if err != nil || after == nil {
			res.Failures = append(res.Failures, fmt.Sprintf("turn %d: session missing: %v", i+1, err))
			return res
		}
		var texts []string
		buttons = nil
		for _, m := range msgs {
			texts = append(texts, m.Text)
			buttons = append(buttons, m.Buttons...)
		}
		reply := strings.Join(texts, "\n")
		fails := check(turn.Expect, reply, before, after)
		for _, want := range turn.Expect.Buttons {
			if _, ok := findButton(buttons, want); !ok {
				fails = append(fails, fmt.Sprintf("reply lacks a %q button (buttons: %s)", want, labels(buttons)))
			}
		}
		for _, f := range fails {
			res.Failures = append(res.Failures, fmt.Sprintf("%s:%d: turn %d (%q): %s", t.File, turn.Line, i+1, say(turn), f))
		}
	}
	return res
}

// runFirstOf plays t with the first of candidates whose first turn meets
// its expectations, each tried on a fresh bot.
func runFirstOf(ctx context.Context, t Test, candidates []string, newEnv Factory) Result {
	try := func(say string, turns []Turn) Result {
		u := t
		u.Turns = append([]Turn(nil), turns...)
		u.Turns[0].Say, u.Turns[0].SayFirstOf = say, nil
		return Run(ctx, u, newEnv)
	}
	for _, c := range candidates {
		if try(c, t.Turns[:1]).Passed() {
			return try(c, t.Turns)
		}
	}
	return Result{Test: t, Failures: []string{fmt.Sprintf("%s:%d: turn 1: none of the %d say_first_of messages meets its expectations", t.File, t.Turns[0].Line, len(candidates))}}
}

func findButton(bs []bot.Button, label string) (bot.Button, bool) {
	for _, b := range bs {
		if strings.EqualFold(b.Label, label) {
			return b, true
		}
	}
	return bot.Button{}, false
}

func labels(bs []bot.Button) string {
	if len(bs) == 0 {
		return "none"
	}
	ls := make([]string, len(bs))
	for i, b := range bs {
		ls[i] = strconv.Quote(b.Label)
	}
	return strings.Join(ls, ", ")
}

func say(t Turn) string {
	if t.Command != "" {
		return "/" + strings.TrimPrefix(t.Command, "/")
	}
	if t.Press != "" {
		return "pressed " + t.Press
	}
	return t.Say
}

// check compares one turn's outcome with its expectations.
func check(e Expect, reply string, before, after *session.Session) []string {
	var fails []string
	last := lastBotTurn(after, before)
	handoff := "none"
	if after.Handoff != nil && (before == nil || before.Handoff == nil || !after.Handoff.At.Equal(before.Handoff.At)) {
		handoff = after.Handoff.Reason
	}
	got := fmt.Sprintf("got %s", describe(last, handoff, reply))
	if e.Answer != "" && (last.Kind != "answer" || last.Entry != e.Answer) {
		fails = append(fails, fmt.Sprintf("want answer from %s, %s", e.Answer, got))
	}
	if e.Rephrase && last.Kind != "rephrase" {
		fails = append(fails, fmt.Sprintf("want a rephrase request, %s", got))
	}
	if e.Handoff != "" && e.Handoff != handoff {
		fails = append(fails, fmt.Sprintf("want handoff %s, %s", e.Handoff, got))
	}
	if e.NotHandoff != "" && e.NotHandoff == handoff {
		fails = append(fails, fmt.Sprintf("want no %s handoff, %s", e.NotHandoff, got))
	}
	if e.Kind != "" && last.Kind != e.Kind {
		fails = append(fails, fmt.Sprintf("want a %s reply, %s", e.Kind, got))
	}
	if e.Silent && reply != "" {
		fails = append(fails, fmt.Sprintf("want no reply, %s", got))
	}
	if !e.Silent && reply == "" && (e.Answer != "" || e.Rephrase || e.Kind != "" || len(e.Contains) > 0) {
		fails = append(fails, "want a reply, got none")
	}
	if e.Lang != "" {
		if after.Lang != e.Lang {
			fails = append(fails, fmt.Sprintf("want language %s, conversation is in %s", e.Lang, after.Lang))
		} else if l := lang.FromScript(reply); reply != "" && l != e.Lang && !(e.Lang == "en" && l == "") {
			fails = append(fails, fmt.Sprintf("want a reply in %s, it reads as %s: %q", e.Lang, l, clip(reply)))
		}
	}
	low := strings.ToLower(reply)
	for _, c := range e.Contains {
		if !strings.Contains(low, strings.ToLower(c)) {
			fails = append(fails, fmt.Sprintf("reply lacks %q: %q", c, clip(reply)))
		}
	}
	for _, c := range e.NotContains {
		if strings.Contains(low, strings.ToLower(c)) {
			fails = append(fails, fmt.Sprintf("reply has %q: %q", c, clip(reply)))
		}
	}
	return fails
}

// lastBotTurn is the bot's reply to this turn, if it made one. Eval
// stores keep the whole history (see Factory), so the turns past the
// earlier count are this turn's.
func lastBotTurn(after, before *session.Session) session.Turn {
	n := 0
	if before != nil {
		n = len(before.Turns)
	}
	for i := len(after.Turns) - 1; i >= n && i >= 0; i-- {
		if after.Turns[i].Role == "bot" {
			return after.Turns[i]
		}
	}
	return session.Turn{Kind: "none"}
}

func describe(t session.Turn, handoff, reply string) string {
	s := t.Kind
	if t.Entry != "" {
		s += " from " + t.Entry
	}
	if handoff != "none" {
		s += ", handoff " + handoff
	}
	return fmt.Sprintf("%s: %q", s, clip(reply))
}

func clip(s string) string {
	r := []rune(strings.ReplaceAll(s, "\n", " "))
	if len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return string(r)
}

// Desk stands in for an agent desk in eval runs: handoffs go to waiting
// as they would with Slack, and nothing leaves the process.
type Desk struct{}

// Render accepts a handoff event.
func (Desk) Render(context.Context, *session.Session, lifecycle.Event) error { return nil }
