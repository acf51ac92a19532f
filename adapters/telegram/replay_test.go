package telegram

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	baton "github.com/batonhq/baton"
	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// shippedCore is the core with the shipped prompts and knowledge on st.
func shippedCore(t testing.TB, st *session.Store, opts ...bot.Option) *bot.Bot {
	t.Helper()
	prompts, err := content.Resolve("", "prompts", baton.Files, "prompts")
	if err != nil {
		t.Fatal(err)
	}
	knowledge, err := content.Resolve("", "knowledge", baton.Files, "knowledge")
	if err != nil {
		t.Fatal(err)
	}
	holder, _, err := content.NewHolder(prompts, knowledge, discard())
	if err != nil {
		t.Fatal(err)
	}
	return bot.New(st, holder, opts...)
}

// diesAfterSave is a Handler that lets the core handle the first event of
// text stuck, and then hangs without returning its replies, as a replica
// killed after the core saved the turn and before the replies went out;
// saved is closed then. Everything else is the core's.
func diesAfterSave(core *bot.Bot, stuck string) (Handler, chan struct{}) {
	saved := make(chan struct{})
	var once sync.Once
	return HandlerFunc(func(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
		msgs, err := core.Handle(ctx, ev)
		if ev.Text != stuck {
			return msgs, err
		}
		dies := false
		once.Do(func() { dies = true })
		if !dies {
			return msgs, err
		}
		close(saved)
		<-ctx.Done()
		return nil, ctx.Err()
	}), saved
}

// crash stops hs as a killed process would leave it: no more polling or
// heartbeats, nothing released, its handler never returning on its own;
// and frees the chat's lease at once instead of after three missed
// heartbeats (see TestCrashedReplicaUpdatesTakenOver).
func crash(t *testing.T, hs *harness, chat int64) {
	t.Helper()
	hs.a.accepting.Store(false)
	hs.a.loopsStop()
	hs.a.loops.Wait()
	hs.a.beatStop()
	<-hs.a.beatDone
	if err := hs.db.Client.Del(context.Background(), hs.a.keys.ChatLease(chat)).Err(); err != nil {
		t.Fatal(err)
	}
}

// A replica dies after the core saved a customer's turn and before its
// reply went out. The replica that takes the chat over meets the update
// again and sends the saved turn's reply (the answer the history shows),
// once: the question is not answered a second time as a new message (it
// was counted and kept in the history once), and the next message is
// answered as usual.
func TestTakenOverUpdateSendsTheSavedTurnsReply(t *testing.T) {
	srv := telegramtest.New(t)
	db := sessiontest.DB(t)
	st := session.New(db)
	core := shippedCore(t, st)
	question := "How long does shipping take?"
	h, saved := diesAfterSave(core, question)
	zombie := newHarness(t, h, setup{srv: srv, db: db, opts: []Option{WithReplicaID("zombie")}}).start()
	u := telegramtest.Customer(2300)
	srv.Push(u.Text(question))
	waitClosed(t, saved, "the turn saved by the replica that dies")
	crash(t, zombie, u.ID)
	if n := len(srv.Sent(u.ID)); n != 0 {
		t.Fatalf("%d replies went out before the crash, want none", n)
	}

	heir := newHarness(t, shippedCore(t, st), setup{srv: srv, db: db, opts: []Option{WithReplicaID("heir")}}).start()
	srv.WaitSent(t, u.ID, 1)
	srv.Push(u.Text("What payment methods do you accept?"))
	srv.Wait(t, "the payment answer", func([]telegramtest.Call) bool {
		return strings.Contains(strings.Join(srv.Sent(u.ID), "\n"), "You can pay with")
	})
	heir.waitDrained()
	sent := srv.Sent(u.ID)
	all := strings.Join(sent, "\n")
	if strings.Count(all, "International express: 3-5") != 1 || strings.Count(all, "You can pay with") != 1 {
		t.Fatalf("the customer read (want the shipping answer, then the payment answer, once each):\n%s", all)
	}
	s, ok, err := st.Get(context.Background(), bot.ConvID(Channel, "2300"))
	if err != nil || !ok {
		t.Fatalf("session: %v %v", ok, err)
	}
	asked := 0
	var answer string
	for _, tr := range s.Turns {
		if tr.Role == "customer" && tr.Text == question {
			asked++
		}
		if tr.Role == "bot" && answer == "" {
			answer = strings.TrimSuffix(tr.Text, "…")
		}
	}
	if s.Messages != 2 || asked != 1 {
		t.Errorf("%d customer messages, the first question %d times in the history; want 2 and 1", s.Messages, asked)
	}
	if !strings.HasPrefix(sent[0], answer) {
		t.Errorf("the reply sent after the take-over is not the saved turn's:\n sent %q\n kept %q", sent[0], answer)
	}

	expired, cancel := context.WithCancel(context.Background())
	cancel()
	_ = zombie.a.Shutdown(expired)
	if got := srv.Sent(u.ID); len(got) != len(sent) {
		t.Errorf("replies after the zombie stopped: %q", got)
	}
}

// openDesk is a desk that takes every handoff and shows nothing.
type openDesk struct{}

func (openDesk) Render(context.Context, *session.Session, lifecycle.Event) error { return nil }

// An agent's long reply, split in two by the Sender, whose second part
// Telegram keeps failing: the customer read who joined and the first
// part. The agent sends the same reply again: only the second part goes
// out. Real Telegram client, fake Bot API, real Redis.
func TestAgentReplyResumesAfterItsFirstPart(t *testing.T) {
	srv := telegramtest.New(t)
	db := sessiontest.DB(t)
	core := shippedCore(t, session.New(db), bot.WithDesk(openDesk{}))
	hs := newHarness(t, core, setup{srv: srv, db: db}).start()
	core.Register(Channel, hs.a)
	u := telegramtest.Customer(2400)
	srv.Push(u.Text("/human"))
	srv.WaitSent(t, u.ID, 1)
	hs.waitDrained()
	before := len(srv.Sent(u.ID))

	var b strings.Builder
	for i := 0; b.Len() < 6000; i++ {
		fmt.Fprintf(&b, "Step %d of what I did for your order. ", i)
	}
	reply := strings.TrimSpace(b.String())
	parts := split(reply, MaxMessageLen)
	if len(parts) != 2 {
		t.Fatalf("%d parts, want 2", len(parts))
	}
	faults := []telegramtest.Fault{{Code: telegramtest.Pass}, {Code: telegramtest.Pass}}
	for range maxAttempts {
		faults = append(faults, telegramtest.Fault{Code: 502})
	}
	srv.Fail("sendMessage", faults...) // who joined, part 1, then part 2 fails every attempt
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	conv := bot.ConvID(Channel, "2400")
	lia := bot.Agent{ID: "U1", Name: "Lia Park"}
	err := core.AgentMessage(ctx, conv, lia, reply)
	var partly *bot.PartlySentError
	if !errors.As(err, &partly) {
		t.Fatalf("AgentMessage with part 2 failing: %v; want a partly sent error", err)
	}
	if err := core.AgentMessage(ctx, conv, lia, reply); err != nil {
		t.Fatal(err)
	}
	got := srv.Sent(u.ID)[before:]
	if len(got) != 3 || !strings.Contains(got[0], "Lia") || got[1] != parts[0] || got[2] != parts[1] {
		t.Errorf("the customer read %d messages %.60q; want who joined, then the reply's two parts, once each", len(got), got)
	}
}
