package persona

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestSmalltalk(t *testing.T) {
	p, _ := loadReal(t)
	cases := []struct{ text, kind, rest string }{
		// English greetings, with and without a question after them.
		{"hi", "greeting", ""},
		{"Hi!", "greeting", ""},
		{"  HELLO  ", "greeting", ""},
		{"hey there 👋", "greeting", ""},
		{"Good morning!", "morning", ""},
		{"good evening!", "evening", ""},
		{"👋", "greeting", ""},
		{"🙏🙏", "thanks", ""},
		{"tell me a joke", "joke", ""},
		{"what's your name?", "name", ""},
		{"are you a bot? where is my order", "bot", "where is my order"},
		{"you're great, thanks Mia", "compliment", "thanks Mia"},
		{"thanks, you're great", "thanks", "you're great"},
		{"how's the weather where you are?", "weather", ""},
		{"hiii", "greeting", ""},
		{"Hi Mia!", "greeting", ""},
		{"hello team", "greeting", ""},
		{"Hi! where is my order?", "greeting", "where is my order?"},
		// "how are you" is small talk of its own, read by the next call.
		{"Hello, how are you? Do you ship to Canada?", "greeting", "how are you? Do you ship to Canada?"},
		{"how are you? Do you ship to Canada?", "howareyou", "Do you ship to Canada?"},
		{"hey 👋 #1234 has not arrived", "greeting", "#1234 has not arrived"},
		{"hi there, I'd like to return my kettle", "greeting", "I'd like to return my kettle"},
		{"Ｈｉ，where is my order", "greeting", "where is my order"},
		// Thanks.
		{"thanks", "thanks", ""},
		{"thanks!!", "thanks", ""},
		{"Thank you!", "thanks", ""},
		{"THANK YOU SO MUCH 🙏", "thanks", ""},
		{"thanksss", "thanks", ""},
		{"ok thanks", "thanks", ""},
		{"Great, thanks for your help!", "thanks", ""},
		{"thanks Mia", "thanks", ""},
		{"thanks, and how do I return it?", "thanks", "and how do I return it?"},
		{"Thank you. Can I pay with PayPal?", "thanks", "Can I pay with PayPal?"},
		// Goodbyes; the strongest phrase wins.
		{"bye", "bye", ""},
		{"Goodbye!", "bye", ""},
		{"that's all", "bye", ""},
		{"That’s all, thanks!", "bye", ""},
		{"no thanks", "bye", ""},
		{"thanks, bye!", "bye", ""},
		{"hi, thanks", "thanks", ""},
		// Not smalltalk: words inside words, or phrases that are not first.
		{"this kettle is broken", "", "this kettle is broken"},
		{"history of my orders", "", "history of my orders"},
		{"Is the Thanksgiving sale still on?", "", "Is the Thanksgiving sale still on?"},
		{"hijack", "", "hijack"},
		{"highest price?", "", "highest price?"},
		{"Do you sell hi-fi speakers?", "", "Do you sell hi-fi speakers?"},
		{"hi fi speakers in stock?", "", "hi fi speakers in stock?"},
		{"where is my order? thanks", "", "where is my order? thanks"},
		{"say hi to the team", "", "say hi to the team"},
		{"goodness, what a price", "", "goodness, what a price"},
		{"okay where is my order", "", "okay where is my order"},
		{"ok", "ack", ""},
		{"ok cool", "ack", ""},
		{"嗯嗯 知道了", "ack", ""},
		{"아 네 알겠어요", "ack", ""},
		{"ok where is my order", "", "ok where is my order"},
		{"", "", ""},
		{"!!! 🙂", "", "!!! 🙂"},
		// Chinese.
		{"你好", "greeting", ""},
		{"您好！", "greeting", ""},
		{"嗨～", "greeting", ""},
		{"你好，我的订单到哪了？", "greeting", "我的订单到哪了？"},
		{"您好 请问运费多少", "greeting", "请问运费多少"},
		{"你好我想退货", "greeting", "我想退货"},
		{"早上好，在吗？", "morning", ""},
		{"你是机器人吧", "bot", ""},
		{"讲个笑话吧", "joke", ""},
		{"혹시 로봇이세요?", "bot", ""},
		{"이름이 뭐예요?", "name", ""},
		{"谢谢", "thanks", ""},
		{"谢谢！！", "thanks", ""},
		{"多谢", "thanks", ""},
		{"好的谢谢", "thanks", ""},
		{"谢谢你的帮助", "thanks", ""},
		{"非常感谢您的耐心", "thanks", ""},
		{"谢谢，那怎么退货呢？", "thanks", "那怎么退货呢？"},
		{"再见", "bye", ""},
		{"好的，拜拜", "bye", ""},
		{"没有了，谢谢", "bye", ""},
		{"你好像发错货了", "", "你好像发错货了"},
		{"嗨皮的商品有吗", "", "嗨皮的商品有吗"},
		{"我想说谢谢", "", "我想说谢谢"},
		{"没有了解清楚", "", "没有了解清楚"},
		{"感谢信可以开吗", "", "感谢信可以开吗"},
		// Korean.
		{"안녕하세요", "greeting", ""},
		{"안녕하세요!!", "greeting", ""},
		{"안녕~", "greeting", ""},
		{"안녕하세요 주문 취소하고 싶어요", "greeting", "주문 취소하고 싶어요"},
		{"감사합니다", "thanks", ""},
		{"감사합니다ㅎㅎ", "thanks", ""},
		{"고마워요!", "thanks", ""},
		{"네 감사합니다", "thanks", ""},
		{"빠른 답변 감사합니다", "thanks", ""},
		{"정말 감사합니다. 환불은 언제 되나요?", "thanks", "환불은 언제 되나요?"},
		{"안녕히 계세요", "bye", ""},
		{"수고하세요~", "bye", ""},
		{"아니요 괜찮아요", "bye", ""},
		{"안녕히 가는 길에 택배를 받았어요", "", "안녕히 가는 길에 택배를 받았어요"},
		{"감사원에 신고할 거예요", "", "감사원에 신고할 거예요"},
		{"하이브리드 제품 있나요?", "", "하이브리드 제품 있나요?"},
		{"네 주문번호는 1234예요", "", "네 주문번호는 1234예요"},
		{"배송 감사합니다", "", "배송 감사합니다"},
	}
	for _, c := range cases {
		kind, rest := p.Smalltalk(c.text)
		if kind != c.kind || rest != c.rest {
			t.Errorf("Smalltalk(%q) = %q, %q; want %q, %q", c.text, kind, rest, c.kind, c.rest)
		}
	}
}

// Every phrase ops list is recognised on its own, with punctuation and in
// upper case: a typo in smalltalk.yaml that makes a phrase unmatchable shows
// up here.
func TestEverySmalltalkPhraseMatchesItself(t *testing.T) {
	p, _ := loadReal(t)
	n := 0
	for _, list := range p.small.byFirst {
		for _, ph := range list {
			if ph.kind == "filler" || ph.kind == "except" || ph.kind == "but" || ph.kind == "alternative" ||
				ph.kind == "intro" || ph.kind == "intro_capital" || ph.kind == "not_name" || ph.kind == "name_end" || ph.kind == "correction" {
				// Parts of an introduction, never small talk alone
				// (TestIntroduction).
				continue
			}
			n++
			text := joinNorm(ph.toks)
			if slices.ContainsFunc(ph.toks, func(tk token) bool { return tk.han }) {
				text = strings.ReplaceAll(text, " ", "")
			}
			for _, v := range []string{text, strings.ToUpper(text) + "!!", "… " + text + " 😊"} {
				if ph.kind == "decline" {
					// "no" is small talk only after "anything else?",
					// which the core knows: Declines, not Smalltalk.
					if !p.Declines(v) {
						t.Errorf("Declines(%q) = false, want true", v)
					}
					continue
				}
				if ph.kind == "affirm" || ph.kind == "confirm" || ph.kind == "waiting" || ph.kind == "withdraw" || ph.kind == "unsure" || ph.kind == "wrong" || ph.kind == "sigh" || ph.kind == "interjection" || ph.kind == "dismay" {
					// Read only at one place of a conversation, which
					// the core knows: Only.
					if !p.Only(v, ph.kind) {
						t.Errorf("Only(%q, %q) = false, want true", v, ph.kind)
					}
					continue
				}
				if ph.kind == "why" {
					// "why?" is read only right after an answer, which
					// the core knows: Why.
					if rest, _, ok := p.Why(v); !ok || strings.Trim(rest, "…😊! ") != "" {
						t.Errorf("Why(%q) = %q, %v; want a why alone", v, rest, ok)
					}
					continue
				}
				if ph.kind == "understood" {
					// Said in an acknowledgement: Says.
					if !p.Says(Cut(v), ph.kind) {
						t.Errorf("Says(%q, understood) = false, want true", v)
					}
					continue
				}
				if ph.kind == "no_person" {
					// A person declined asks nothing: alone an
					// acknowledgement, beside a question cut out.
					if kind, rest := p.Smalltalk(v); kind != "ack" || rest != "" {
						t.Errorf("Smalltalk(%q) = %q, %q; want ack", v, kind, rest)
					}
					if got := p.WithoutLaughs(v + " where is my order"); strings.Trim(got, "…😊! ") != "where is my order" {
						t.Errorf("WithoutLaughs(%q + a question) = %q, want the question alone", v, got)
					}
					continue
				}
				if strings.HasPrefix(ph.kind, "rating") {
					// A rating in words is read only after the rating
					// prompt, which the core knows: RatingWords.
					if n, ok := p.RatingWords(v); !ok || "rating"+strconv.Itoa(n) != ph.kind {
						t.Errorf("RatingWords(%q) = %d, %v; want %s", v, n, ok, ph.kind)
					}
					continue
				}
				if kind, rest := p.Smalltalk(v); kind != ph.kind || rest != "" {
					t.Errorf("Smalltalk(%q) = %q, %q; want %q", v, kind, rest, ph.kind)
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d phrases in the shipped smalltalk.yaml", n)
	}
}

func TestTokenize(t *testing.T) {
	toks := tokenize("Hi-fi, that’s 你好ok!!")
	var got []string
	for _, tk := range toks {
		got = append(got, tk.norm)
	}
	want := []string{"hifi", "thats", "你", "好", "ok"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("tokens %q, want %q", got, want)
	}
	if toks[3].gap || toks[4].gap || !toks[2].gap {
		t.Errorf("gaps wrong: %+v", toks)
	}
	if s := "Hi-fi, that’s 你好ok!!"; s[toks[1].start:toks[1].end] != "that’s" {
		t.Errorf("offsets wrong: %q", s[toks[1].start:toks[1].end])
	}
}

// Smalltalk reads words through bot/text, like the knowledge matcher and
// the lexicon: what TestSmalltalk already covers reads the same, and these
// read better than with smalltalk's own word splitting before (which only
// lower-cased and folded full-width ASCII, and glued "AI예요" into one word).
func TestSmalltalkReadsWordsLikeTheRestOfBaton(t *testing.T) {
	p, _ := loadReal(t)
	for _, c := range []struct{ text, kind, rest string }{
		// Unchanged.
		{"Ｔｈａｎｋ ｙｏｕ！", "thanks", ""},
		{"ㅋㅋ 감사합니다", "thanks", ""},
		{"안녕하세요! 배송 언제 와요?", "greeting", "배송 언제 와요?"},
		{"你好，我的订单到哪了", "greeting", "我的订单到哪了"},
		{"Do you sell hi-fi speakers?", "", "Do you sell hi-fi speakers?"},
		{"thaaanks", "thanks", ""},
		{"AI예요?", "bot", ""},
		{"ＡＩ인가요", "bot", ""},
		{"你是ＡＩ吗", "bot", ""},
		// Better: accents are folded, and a Latin word next to Hangul may
		// be spaced or not (Korean spacing is loose).
		{"Hélló!", "greeting", ""},
		{"AI 예요?", "bot", ""},
	} {
		kind, rest := p.Smalltalk(c.text)
		if kind != c.kind || rest != c.rest {
			t.Errorf("Smalltalk(%q) = %q, %q; want %q, %q", c.text, kind, rest, c.kind, c.rest)
		}
	}
}

// A "no" is recognised as declining only when the message is nothing
// more: "no it still doesn't work" is a problem, not a closing.
func TestDeclines(t *testing.T) {
	p, _ := loadReal(t)
	for _, c := range []struct {
		text string
		want bool
	}{
		{"no", true}, {"nope thanks", true}, {"no thank you, bye", true}, {"没有", true}, {"没有了", true}, {"没有别的了", true}, {"없어요", true}, {"아니요 없어요", true},
		{"no it still doesn't work", false}, {"没有收到", false}, {"없어요 주문이", false}, {"thanks", false}, {"", false},
	} {
		if got := p.Declines(c.text); got != c.want {
			t.Errorf("Declines(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
