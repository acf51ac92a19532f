package slack

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/store"
)

// keepFor is how long thread mappings and markers live: long enough for
// any follow-up in an old thread, short enough not to pile up forever.
const keepFor = 30 * 24 * time.Hour

func stamp(t time.Time) string { return strconv.FormatInt(t.UnixNano(), 10) }

func hashText(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}

// cardRef is where a conversation's current card is.
type cardRef struct {
	channel, ts string
	at          time.Time // the handoff it shows
	n           int       // its transfers when posted: a transfer posts a new card for the new team
	// twins are other cards of the same handoff (ts -> channel): a post
	// that timed out on our side after Slack showed it, then a second
	// post. Their threads reach the customer too.
	twins map[string]string
	// retired are twins whose thread Slack refused for good (ts ->
	// channel): nothing is posted there any more, but a press on their
	// buttons is still on one of the handoff's cards (retireTwin).
	retired map[string]string
	// gone: Slack refused the card's own thread for good (cardGone); the
	// card is being posted again, or, when lost is set too, could not be.
	gone, lost bool
}

// shows reports whether the card is the one for the handoff as it stands.
func (c cardRef) shows(h *session.Handoff) bool { return c.at.Equal(h.At) && c.n == len(h.Transfers) }

// has reports whether ts is the card's, or a twin's, thread.
func (c cardRef) has(ts string) bool {
	if ts == c.ts {
		return true
	}
	if _, ok := c.twins[ts]; ok {
		return true
	}
	_, ok := c.retired[ts]
	return ok
}

// card returns the conversation's current card.
func (d *Desk) card(ctx context.Context, conv string) (cardRef, bool, error) {
	m, err := d.rdb.HGetAll(ctx, d.keys.Card(conv)).Result()
	if err != nil {
		return cardRef{}, false, fmt.Errorf("reading card of %s: %w", logmask.Conv(conv), err)
	}
	if m["ts"] == "" {
		return cardRef{}, false, nil
	}
	ref := cardRef{channel: m["channel"], ts: m["ts"]}
	if n, err := strconv.ParseInt(m["at"], 10, 64); err == nil {
		ref.at = time.Unix(0, n)
	}
	ref.n, _ = strconv.Atoi(m["n"])
	_, ref.gone = m["off:"+ref.ts]
	_, ref.lost = m["lost"]
	for f, ch := range m {
		ts, ok := strings.CutPrefix(f, "alt:")
		if !ok {
			continue
		}
		if _, off := m["off:"+ts]; off {
			if ref.retired == nil {
				ref.retired = map[string]string{}
			}
			ref.retired[ts] = ch
			continue
		}
		if ref.twins == nil {
			ref.twins = map[string]string{}
		}
		ref.twins[ts] = ch
	}
	return ref, true, nil
}

// savedAs is what saveCard made of a card.
type savedAs int

const (
	savedCard  savedAs = iota // the conversation's card
	savedTwin                 // a twin of the card, of the same handoff
	savedStale                // older than the card: only its thread is mapped
)

// saveCard records a posted (or found) card both ways: conversation ->
// card, and thread -> conversation (what an agent's reply is routed by),
// and ends its post's in-doubt mark. When the conversation has another
// card for the same handoff already, that one stays the card and this one
// is kept as its twin: agents' replies in either thread reach the
// customer. A card older than the one recorded (a late save racing a
// transfer's new card) does not replace it: a reply in its thread is told
// where the conversation went on.
func (d *Desk) saveCard(ctx context.Context, conv string, ref cardRef) (savedAs, error) {
	n, err := store.SlackSaveCard.Run(ctx, d.rdb,
		[]string{d.keys.Card(conv), d.keys.Thread(ref.channel, ref.ts), d.keys.CardPost(conv), d.keys.CardFail(conv), d.keys.CardsFailed()},
		ref.channel, ref.ts, stamp(ref.at), ref.n, conv, keepFor.Milliseconds()).Int()
	if err != nil {
		return savedCard, fmt.Errorf("saving card of %s: %w", logmask.Conv(conv), err)
	}
	switch n {
	case 0:
		return savedTwin, nil
	case 2:
		return savedStale, nil
	}
	return savedCard, nil
}

// threadConv returns the conversation whose card is the thread root ts.
func (d *Desk) threadConv(ctx context.Context, channel, ts string) (string, bool, error) {
	conv, err := d.rdb.Get(ctx, d.keys.Thread(channel, ts)).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading thread %s: %w", ts, err)
	}
	return conv, true, nil
}

// saveSummary keeps a card's AI summary, so later card updates show it too.
func (d *Desk) saveSummary(ctx context.Context, ref cardRef, summary, suggested string) error {
	k := d.keys.Summary(ref.channel, ref.ts)
	pipe := d.rdb.TxPipeline()
	pipe.HSet(ctx, k, "summary", summary, "suggested", suggested)
	pipe.Expire(ctx, k, keepFor)
	_, err := pipe.Exec(ctx)
	return err
}

func (d *Desk) summary(ctx context.Context, ref cardRef) (string, string) {
	m, err := d.rdb.HGetAll(ctx, d.keys.Summary(ref.channel, ref.ts)).Result()
	if err != nil {
		return "", ""
	}
	return m["summary"], m["suggested"]
}

// postingFor bounds how long a card post counts as in flight: its call
// timeout and the write of its thread mapping, with a margin.
func (d *Desk) postingFor() time.Duration { return d.callTimeout + 5*time.Second }

// startPosting records a card post in flight until the returned func is
// called. When the record fails (Redis failing) it returns the error and
// the card is not posted: posted unrecorded, an agent reply that came
// before the card's thread was mapped would find no post to wait for and
// be lost, and with Redis failing the mapping's own write would likely
// fail too, so the outbox's retry would post the card a second time. The
// outbox retries the whole job instead.
//
// The post is also marked in doubt for the conversation (mark names the
// handoff and its transfers) until saveCard maps its thread: a post whose
// answer never came (a timeout on our side, a replica killed) may have
// put the card up, and the next post of the same card looks for it first.
func (d *Desk) startPosting(ctx context.Context, conv, mark string) (done func(), err error) {
	token := rand.Text()
	now := d.now()
	k := d.keys.Posting()
	pipe := d.rdb.TxPipeline()
	pipe.Set(ctx, d.keys.CardPost(conv), mark, cardDoubtTTL)
	pipe.ZRemRangeByScore(ctx, k, "-inf", strconv.FormatInt(now.UnixMilli(), 10))
	pipe.ZAdd(ctx, k, redis.Z{Score: float64(now.Add(d.postingFor()).UnixMilli()), Member: token})
	pipe.PExpire(ctx, k, d.postingFor())
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("marking a card post in flight: %w", err)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := d.rdb.ZRem(ctx, k, token).Err(); err != nil {
			d.log.Warn("slack desk: unmarking a card post in flight", "err", err)
		}
	}, nil
}

// cardDoubtTTL is how long a card post without an answer is looked for
// before posting it again: longer than any outbox backoff, and the
// history lookup is bounded by the handoff's time anyway.
const cardDoubtTTL = 24 * time.Hour

// cardMark names the card of a handoff (when it opened, its transfers).
func cardMark(at time.Time, n int) string { return stamp(at) + "." + strconv.Itoa(n) }

// cardsPosting reports whether a card post (by any replica) is in flight:
// a thread not mapped yet may be its card's.
func (d *Desk) cardsPosting(ctx context.Context) (bool, error) {
	n, err := d.rdb.ZCount(ctx, d.keys.Posting(), strconv.FormatInt(d.now().UnixMilli(), 10), "+inf").Result()
	if err != nil {
		return false, fmt.Errorf("reading card posts in flight: %w", err)
	}
	return n > 0, nil
}
