package bot

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/knowledge/suitetest"
)

func shippedMatch(t *testing.T) matchFunc {
	t.Helper()
	return shippedReader(t).match
}

// shippedReader reads messages as the core does on the shipped content.
func shippedReader(t *testing.T) reader {
	t.Helper()
	set := shippedSet(t)
	return reader{
		match: func(text string) []knowledge.Match {
			out, _ := swappedSubject(set.KB.Base, set.Lexicon, text, set.KB.Match(context.Background(), text, 5))
			return out
		},
		without: lexicalWithout(context.Background(), set.KB.Matcher, 5),
	}
}

// answered lists the entries a reply answers from an understanding.
func (u understanding) answered() []string {
	if len(u.parts) > 0 {
		var ids []string
		for _, p := range u.parts {
			ids = append(ids, p[0].ID)
		}
		return ids
	}
	if confident(u.cands) {
		return []string{u.cands[0].ID}
	}
	return nil
}

// TestParaphraseSuiteThroughTheCore runs the paraphrase suite through the
// core's reading of a message (understand: the matcher, plus questions
// found inside long or multi-part messages). A line counts as right when
// every entry answered is right for it.
func TestParaphraseSuiteThroughTheCore(t *testing.T) {
	r := shippedReader(t)
	// Goals 0.85 answered and 0.02 wrong. Per-base calibration (2026-12-03, replacing the confidence model
	// fitted on this base) answered en 0.70, zh 0.70, ko 0.80 with up to
	// 0.037 wrong over both halves. With customer-style example questions,
	// the lexicon's customer-service synonyms and Chinese segmentation
	// (2026-12-03) the held-out half reaches en 0.92, zh 0.89, ko 0.92,
	// at most 0.043 wrong over both halves (the
	// wrong-answer goal, 0.02, is not met). Floors are on the held-out
	// half, one line (1/37) below that, so a change of the calibrated
	// decision that moves a single line does not fail CI.
	// calib (2026-12-03): the calibrated decision also weighing the words
	// an entry covers answers held-out zh 0.84 (one line fewer), at most
	// 0.030 wrong over both halves; zh's floor follows.
	// Held-out leak removed (2026-12-03): 27 example questions that were
	// copies or near copies of held-out lines left the base (see
	// knowledge's TestParaphraseHeldOutNotInKnowledge); the honest held-out
	// half then reaches en 0.86 (32/37), zh 0.81 (30/37), ko 0.86 (32/37),
	// at most 0.032 wrong over both halves. The floors follow, one line below.
	// 2026-12-04 (21:01 UTC, after 29 fresh knowledge questions, the zh
	// colloquial lexicon and en digits, tuned on dev): held-out en 0.84
	// (31/37, one line fewer), zh 0.84 (31/37, one more), ko 0.86; at most
	// 0.015 wrong over both halves. Floors one line below that (en lowered).
	floor := map[string]float64{"en": 0.81, "zh": 0.81, "ko": 0.83}
	const maxWrong = 0.05
	for _, lang := range suitetest.Langs {
		dev, held := suitetest.RunHalves(t, lang, func(q string) ([]string, string) {
			u := r.understand(q, "", false)
			note := fmt.Sprintf("parts %v", splitQuestions(q))
			if len(u.cands) > 0 {
				note = fmt.Sprintf("top %s %.2f, %s", u.cands[0].ID, u.cands[0].Score, note)
			}
			return u.answered(), note
		})
		if held.Answered() < floor[lang] {
			// The number only with BATON_SUITE_HELDOUT set: see suitetest.ShowHeldOut.
			t.Errorf("%s: held-out answered below the floor %.2f (%s=1 prints it)", lang, floor[lang], suitetest.HeldOutEnv)
		}
		if s := dev.Add(held); s.WrongRate() > maxWrong {
			t.Errorf("%s: more than %.3f of confident answers wrong over both halves (%s=1 prints the rate)", lang, maxWrong, suitetest.HeldOutEnv)
		}
	}
}

func TestSplitQuestions(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"how much is shipping to Germany and do I pay customs?", []string{"how much is shipping to Germany", "do I pay customs"}},
		{"Hi! Where is my order? Also, can I pay with PayPal", []string{"Hi", "Where is my order", "can I pay with PayPal"}},
		{"寄到德国运费多少 要交关税吗", []string{"寄到德国运费多少", "要交关税吗"}},
		{"能用支付宝吗？还有优惠码怎么用", []string{"能用支付宝吗", "优惠码怎么用"}},
		{"독일로 보내면 배송비 얼마고 관세도 내야해요?", []string{"독일로 보내면 배송비 얼마고", "관세도 내야해요"}},
		{"카카오페이 돼요 그리고 반품은 어떻게 해요", []string{"카카오페이 돼요", "반품은 어떻게 해요"}},
		{"반품 보내고 나면 환불받기까지 며칠 걸려요?", []string{"반품 보내고 나면 환불받기까지 며칠 걸려요"}},
		{"주문 취소하고 싶어요", []string{"주문 취소하고 싶어요"}},
		{"where is my order", []string{"where is my order"}},
		{"Where is my order ＡＮＤ can I pay with PayPal", []string{"Where is my order", "can I pay with PayPal"}},
		{"?? a", nil},
		{"배송비랑 관세 얼마예요?", []string{"배송비", "관세 얼마예요"}},
		{"运费和关税多少", []string{"运费", "关税多少"}},
		{"能用Apple Pay吗 还有优惠码怎么用", []string{"能用Apple Pay吗", "优惠码怎么用"}},
		{"비번 까먹었어요 그리고 주문 취소도 하고 싶어요", []string{"비번 까먹었어요", "주문 취소도 하고 싶어요"}},
	} {
		var got []string
		for _, p := range splitQuestions(c.in) {
			got = append(got, p.text)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("splitQuestions(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIsFollowUp(t *testing.T) {
	for in, want := range map[string]bool{
		"and to Korea?":      true,
		"what about PayPal?": true,
		"How about express":  true,
		"那支付宝呢？":             true,
		"寄到韩国呢":              true,
		"한국은요?":              true,
		"카카오페이도 돼요?":         true,
		"ＷＨＡＴ ＡＢＯＵＴ PayPal？": true, // full-width, as some phone keyboards type it
		"WHAT ABOUT PAYPAL":  true,
		"where is my order":  false,
		"我的快递到哪了":            false,
		"배송언제와요":             false,
		"and I want to tell you a very long story about my order that went wrong": false,
		// Referring back with a pronoun, or asking with a question word
		// nearly alone, right after an answer.
		"how long is it valid for?": true,
		"does it expire?":           true,
		"is that free?":             true,
		"can I return this one":     true,
		"how long?":                 true,
		"When?":                     true,
		"它能用多久":                     true,
		"这个能退吗":                     true,
		"要多久？":                      true,
		"그거 언제까지 써요?":               true,
		"이거 환불돼요?":                  true,
		"얼마나 걸려요?":                  true,
		"i ordered a phone case two weeks ago and it never came": false, // too long to lean on the last answer
		"can I pay with PayPal":                                  false,
		"运费多少":                                                   false, // names its subject
		"礼品卡有效期多久":                                               false,
		"상품권 유효기간 얼마나 돼요?":                                       false,
	} {
		if got := isFollowUp(in); got != want {
			t.Errorf("isFollowUp(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestPieceAsksWithoutAQuestionMark(t *testing.T) {
	for in, want := range map[string]bool{
		"how much is shipping": true,
		"ＨＯＷ much is shipping": true,
		"Could you cancel it":  true,
		"I want to cancel":     true,
		"运费多少":                 true,
		"我要退货":                 true,
		"想换个颜色":                true,
		"笔记本要更大功率的":            false, // a need inside a story, not a request
		// A connective before the request still leaves it a request.
		"然后我想退货":                  true,
		"那个耳机我要退货":                true,
		"那个我想换个颜色":                true,
		"然后想退货":                   true,
		"我要的是黑色的":                 false, // what I ordered, not a request
		"배송비 얼마":                  true,
		"my order arrived broken": false,
		"thanks":                  false,
	} {
		if got := (piece{text: in}).question(); got != want {
			t.Errorf("piece %q question() = %v, want %v", in, got, want)
		}
	}
}

// fakeMatch answers from a table: text -> best entry and its score
// (confident at 0.65 and above); anything else matches nothing sure.
func fakeMatch(table map[string]knowledge.Match) matchFunc {
	return func(text string) []knowledge.Match {
		if m, ok := table[text]; ok {
			m.Confident = m.Score >= 0.65
			return []knowledge.Match{m, {ID: "other", Score: 0.01}}
		}
		return []knowledge.Match{{ID: "other", Score: 0.01}}
	}
}

func TestUnderstandTwoQuestions(t *testing.T) {
	whole := "how much is shipping to Germany and do I pay customs?"
	match := func(text string) []knowledge.Match {
		switch text {
		case whole:
			return []knowledge.Match{{ID: "costs", Score: 0.9, Confident: true}, {ID: "customs", Score: 0.6}}
		case "how much is shipping to Germany":
			return []knowledge.Match{{ID: "costs", Score: 0.95, Confident: true}}
		case "do I pay customs":
			return []knowledge.Match{{ID: "customs", Score: 0.97, Confident: true}}
		}
		return nil
	}
	u := understand(match, whole, "", false)
	if got := u.answered(); !slices.Equal(got, []string{"costs", "customs"}) {
		t.Fatalf("answered %v, want costs then customs", got)
	}
	if len(u.cands) < 2 || u.cands[0].ID != "costs" || !u.cands[0].Confident || u.cands[1].ID != "customs" || u.cands[1].Confident {
		t.Errorf("candidates %+v: want each part's entry first, only the first confident", u.cands)
	}
}

func TestUnderstandStoryAnswersTheQuestionNotTheStory(t *testing.T) {
	story := "I bought the 65W charger, I still have the box, can I return it?"
	match := fakeMatch(map[string]knowledge.Match{
		story:                      {ID: "returns/policy", Score: 0.4},
		"I bought the 65W charger": {ID: "charger", Score: 0.9},
		"can I return it":          {ID: "returns/policy", Score: 0.8},
	})
	if got := understand(match, story, "", false).answered(); !slices.Equal(got, []string{"returns/policy"}) {
		t.Errorf("answered %v, want only the question's entry", got)
	}
	// The story alone is never answered, even when one sentence matches.
	statement := "I bought the 65W charger, I still have the box"
	match = fakeMatch(map[string]knowledge.Match{
		statement:                  {ID: "charger", Score: 0.4},
		"I bought the 65W charger": {ID: "charger", Score: 0.9},
	})
	if got := understand(match, statement, "", false).answered(); got != nil {
		t.Errorf("a story without a question answered %v", got)
	}
}

func TestUnderstandFollowUp(t *testing.T) {
	topic := "how much is shipping to Germany"
	match := fakeMatch(map[string]knowledge.Match{
		topic:                     {ID: "costs", Score: 0.9},
		topic + "\nand to Korea?": {ID: "costs", Score: 0.5},
		"and returns?":            {ID: "returns", Score: 0.6},
		topic + "\nand returns?":  {ID: "costs", Score: 0.7},
	})
	u := understand(match, "and to Korea?", topic, true)
	if got := u.answered(); !slices.Equal(got, []string{"costs"}) || u.text != topic+"\nand to Korea?" {
		t.Errorf("follow-up: answered %v from %q, want costs from the joined question", got, u.text)
	}
	if got := understand(match, "and to Korea?", topic, false).answered(); got != nil {
		t.Errorf("follow-up when the last reply was no answer: answered %v", got)
	}
	if got := understand(match, "and returns?", topic, true).answered(); got != nil {
		t.Errorf("a follow-up that points to another entry was read with the old topic: answered %v", got)
	}
}

func TestOwnWords(t *testing.T) {
	for _, c := range []struct {
		in, own string
		measure bool
	}{
		{"how long is it valid for?", "is valid for", true},
		{"when?", "", false},
		{"how long?", "", true},
		{"它能用多久", "能用", true},
		{"那个什么时候", "", false},
		{"그거 언제까지 써요?", "써요", false},
		{"얼마나 걸려요?", "걸려요", true},
	} {
		if own, measure := ownWords(c.in); own != c.own || measure != c.measure {
			t.Errorf("ownWords(%q) = %q, %v, want %q, %v", c.in, own, measure, c.own, c.measure)
		}
	}
}

// TestFollowUpsDoNotGlueNewQuestions asks every line of the paraphrase
// suite's dev half right after an answer from each entry of the shipped
// base, and counts the lines read as continuing that answer although they
// are about something else and would not be answered from it on their own:
// a new question must not be glued to the last topic.
func TestFollowUpsDoNotGlueNewQuestions(t *testing.T) {
	set := shippedSet(t)
	for _, lang := range suitetest.Langs {
		r := reader{
			match: func(text string) []knowledge.Match {
				out, _ := swappedSubject(set.KB.Base, set.Lexicon, text, set.KB.Match(context.Background(), text, 5))
				return out
			},
			without: lexicalWithout(context.Background(), set.KB.Matcher, 5),
			mentions: func(id, words string) bool {
				e, ok := set.KB.Entry(id, lang)
				if !ok {
					return false
				}
				at, _ := cutPassage(e.Answer, set.Lexicon).best(termSet(words, set.Lexicon), unitFreq(set.KB.Base, e.Lang, set.Lexicon))
				return at >= 0
			},
			namesOther: func(id, words string) bool { return namesOtherThan(set.KB.Base, set.Lexicon, id, lang, words) },
			subject:    func(id, words string) bool { return subjectOf(set.KB.Base, set.Lexicon, id, lang, words) },
		}
		var asked, glued int
		for i, l := range suitetest.Read(t, lang) {
			if i%2 != 0 {
				continue // the held-out half is not looked at
			}
			alone := r.understand(l.Query, "", false).answered()
			for _, id := range set.KB.IDs() {
				e, ok := set.KB.Entry(id, lang)
				if !ok || len(e.Questions) == 0 || id == l.ID || slices.Contains(l.Also, id) || slices.Contains(alone, id) {
					continue
				}
				asked++
				r.last = id
				if got := r.understand(l.Query, e.Questions[0], true).answered(); slices.Contains(got, id) {
					glued++
					t.Logf("%s: %q after %s read as its follow-up", lang, l.Query, id)
				}
			}
		}
		t.Logf("%s: %d of %d dev lines asked after another entry's answer were glued to it", lang, glued, asked)
		if float64(glued) > 0.01*float64(asked) {
			t.Errorf("%s: %d of %d dev lines glued to the last topic, above 1%%", lang, glued, asked)
		}
	}
}
