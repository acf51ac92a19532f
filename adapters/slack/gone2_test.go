package slack

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/slack/slacktest"
)

var errGoneForTest = errors.New("message_not_found")

// goneCard opens a card for a new handoff on f, deletes it in Slack and
// returns its record.
func goneCard(t *testing.T, f *fixture, chatID string) (string, cardRef) {
	t.Helper()
	s := f.handedOff(t, chatID, "Jane")
	old := f.open(t, s)
	if !f.srv.DeleteMessage(old.TS) {
		t.Fatal("the card is not in the fake Slack")
	}
	ref, ok, err := f.desk.card(t.Context(), s.ID)
	if err != nil || !ok {
		t.Fatalf("card record: %v %v", ok, err)
	}
	return s.ID, ref
}

// A replica whose clock runs an hour ahead meets the gone thread while
// another replica is posting the card again: it waits for that card and
// posts none. Before, the claim was a deadline in the claimer's clock
// compared with the caller's, so the second replica saw it expired and
// posted a second card.
func TestCardPostedAgainOnceWhateverTheReplicasClocks(t *testing.T) {
	a := newFixture(t, fixtureOpt{})
	b := newFixture(t, fixtureOpt{db: a.db, store: a.store, srv: a.srv,
		opts: []Option{WithClock(func() time.Time { return time.Now().Add(time.Hour) })}})
	conv, ref := goneCard(t, a, "92")

	release := a.srv.Hold("chat.postMessage")
	defer release()
	aErr := make(chan error, 1)
	go func() {
		_, err := a.desk.cardGone(t.Context(), conv, ref, errGoneForTest)
		aErr <- err
	}()
	a.srv.WaitFor(t, "the first replica's post of the card again", func() bool { return a.srv.Held("chat.postMessage") == 1 })

	var bErr error
	bDone := make(chan struct{})
	go func() {
		_, bErr = b.desk.cardGone(t.Context(), conv, ref, errGoneForTest)
		close(bDone)
	}()
	posting := make(chan bool, 1)
	go func() {
		posting <- a.srv.Until(slacktest.DefaultTimeout, func() bool { return a.srv.Held("chat.postMessage") == 2 })
	}()
	select {
	case <-bDone:
	case <-posting:
	}
	release()
	<-bDone
	if err := <-aErr; err != nil {
		t.Fatalf("the first replica's post again: %v", err)
	}
	if n := a.cards("Jane"); n != 1 {
		t.Fatalf("%d cards up in Slack, want 1", n)
	}
	if !errors.Is(bErr, errCardReposting) {
		t.Errorf("the second replica got %v, want errCardReposting (wait for the card)", bErr)
	}
}

// A post of the card again whose answer Slack did not give (a 5xx after
// it put the card up) leaves the card up: the next try adopts it and
// posts no second card. Before, the next try posted again.
func TestCardPostedAgainWithoutAnswerIsAdopted(t *testing.T) {
	f := newFixture(t, fixtureOpt{})
	conv, ref := goneCard(t, f, "93")
	f.srv.FailNext("chat.postMessage", slacktest.Failure{Status: 500, Done: true})
	if _, err := f.desk.cardGone(t.Context(), conv, ref, errGoneForTest); err == nil {
		t.Fatal("the post that got a 500 succeeded")
	}
	if n := f.cards("Jane"); n != 1 {
		t.Fatalf("%d cards up after the first try, want the one Slack put up", n)
	}
	got, err := f.desk.cardGone(t.Context(), conv, ref, errGoneForTest)
	if err != nil {
		t.Fatalf("the next try: %v", err)
	}
	if n := f.cards("Jane"); n != 1 {
		t.Fatalf("%d cards up in Slack, want 1", n)
	}
	if _, ok := f.srv.Message(got.ts); !ok || got.ts == ref.ts {
		t.Errorf("the card is %s, want the one Slack put up", got.ts)
	}
	if now, ok, err := f.desk.card(t.Context(), conv); err != nil || !ok || now.ts != got.ts || now.gone {
		t.Errorf("card record %+v %v %v, want the adopted card %s", now, ok, err, got.ts)
	}
}

// A card record that vanishes (expired, deleted by hand) while its thread
// is found gone or while the card is posted again ends the post: not
// retried (a retried head job holds every post queued behind it), with an
// error that reads. Before, it was retried forever, once with the error
// "reading the card: %!w(<nil>)".
func TestCardRecordGoneMidRepostIsTerminal(t *testing.T) {
	f := newFixture(t, fixtureOpt{})
	conv, ref := goneCard(t, f, "94")
	release := f.srv.Hold("chat.postMessage")
	defer release()
	done := make(chan error, 1)
	go func() {
		_, err := f.desk.cardGone(t.Context(), conv, ref, errGoneForTest)
		done <- err
	}()
	f.srv.WaitFor(t, "the post of the card again", func() bool { return f.srv.Held("chat.postMessage") == 1 })
	if err := f.db.Client.Del(t.Context(), f.desk.keys.Card(conv)).Err(); err != nil {
		t.Fatal(err)
	}
	release()
	for i, err := range []error{<-done, second(f.desk.cardGone(t.Context(), conv, ref, errGoneForTest))} {
		if err == nil {
			t.Fatalf("try %d: no error with the card record gone", i)
		}
		if _, retry := retryable(err); retry || strings.Contains(err.Error(), "%!") {
			t.Errorf("try %d: %q retried %v, want a terminal error that reads", i, err, retry)
		}
	}
}

func second[A, B any](_ A, b B) B { return b }
