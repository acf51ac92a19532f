package text

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStem(t *testing.T) {
	// Expected stems from Porter's paper and its reference vocabulary.
	cases := map[string]string{
		"caresses": "caress", "ponies": "poni", "ties": "ti", "caress": "caress",
		"cats": "cat", "feed": "feed", "agreed": "agre", "plastered": "plaster",
		"bled": "bled", "motoring": "motor", "sing": "sing", "conflated": "conflat",
		"troubled": "troubl", "sized": "size", "hopping": "hop", "tanned": "tan",
		"falling": "fall", "hissing": "hiss", "fizzed": "fizz", "failing": "fail",
		"filing": "file", "happy": "happi", "sky": "sky", "relational": "relat",
		"conditional": "condit", "rational": "ration", "generalizations": "gener",
		"oscillators": "oscil", "connection": "connect", "connected": "connect",
		"connecting": "connect", "connections": "connect", "adjustment": "adjust",
		"dependent": "depend", "adoption": "adopt", "controlling": "control",
		"rolling": "roll", "probate": "probat", "rate": "rate", "cease": "ceas",
		"refunds": "refund", "refunded": "refund", "arrived": "arriv", "arrival": "arriv",
		"cancelled": "cancel", "canceled": "cancel", "cancelling": "cancel",
		"a": "a", "is": "is", "was": "wa", "as": "as", "café": "café", "3ds": "3ds",
	}
	for in, want := range cases {
		if got := stem(in); got != want {
			t.Errorf("stem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTokenize(t *testing.T) {
	cases := []struct {
		in   string
		want string // space-joined token texts; CJK runs marked with []
	}{
		{"Where's my ORDER??", "where is my order"},
		{"I can't log in", "i can not log in"},
		{"I cant log in", "i can not log in"},
		{"It won’t arrive", "it will not arriv"},
		{"the card's PIN", "the card pin"},
		{"I'm here, you're there", "i am here you ar there"},
		{"Ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ", "full width abc"},
		{"café Crème", "cafe creme"},
		{"cafe\u0301", "cafe"},
		{"top-up 3.50€", "top up 3 50"},
		{"我的订单在哪里？", "[我的订单在哪里]"},
		{"배송 언제 와요", "[배송언제와요]"},
		{"배송 ok 와요", "[배송] ok [와요]"},
		{"order 注文はどこ", "order [注文はどこ]"},
		// Tears and a flat face are mood, not part of the words; chat
		// shorthand in consonants (ㄱㄴ for 가능) stays.
		{"환불 얼마나 걸려요ㅠㅠ", "[환불얼마나걸려요]"},
		{"배송ㅜㅜ 언제", "[배송] [언제]"},
		{"ㅡㅡ", ""},
		{"반품ㄱㄴ", "[반품ㄱㄴ]"},
		{"", ""},
		{"?!... ''' ", ""},
	}
	for _, c := range cases {
		var parts []string
		for _, tok := range Tokenize(c.in) {
			if tok.CJK {
				parts = append(parts, "["+tok.Text+"]")
			} else {
				parts = append(parts, tok.Text)
			}
		}
		if got := strings.Join(parts, " "); got != c.want {
			t.Errorf("Tokenize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTerms(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"Where is my order", []string{"where", "is", "my", "order"}},
		// Long CJK text: bigrams only.
		{"我的订单在哪里", []string{"我的", "的订", "订单", "单在", "在哪", "哪里"}},
		// Short CJK text: unigrams and bigrams.
		{"退货", []string{"退", "货", "退货"}},
		{"货", []string{"货"}},
		// Korean without spaces is cut the same way as with spaces.
		{"배송언제와요", []string{"배송", "송언", "언제", "제와", "와요"}},
		{"refund 退款", []string{"refund", "退", "款", "退款"}},
	}
	for _, c := range cases {
		if got := Terms(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Terms(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSimilarity(t *testing.T) {
	high := [][2]string{
		{"where is my order", "where's my order??"},
		{"Where is my order", "WHERE IS MY ORDER"},
		{"I still haven't received my parcel", "i still have not received my parcel!!"},
		{"我的订单在哪里", "我的订单在哪里？？"},
		{"배송 언제 와요", "배송언제와요"},
	}
	for _, p := range high {
		if s := Similarity(p[0], p[1]); s < 0.8 {
			t.Errorf("Similarity(%q, %q) = %.3f, want >= 0.8", p[0], p[1], s)
		}
	}
	low := [][2]string{
		{"where is my order", "how do I reset my password"},
		{"where is my order", "where is my refund"},
		{"can I pay with PayPal", "do you ship to Canada"},
		{"我的订单在哪里", "怎么退货"},
		{"배송 언제 와요", "환불 받고 싶어요"},
		{"hello", ""},
		{"", ""},
	}
	for _, p := range low {
		if s := Similarity(p[0], p[1]); s > 0.3 {
			t.Errorf("Similarity(%q, %q) = %.3f, want <= 0.3", p[0], p[1], s)
		}
	}
	// Symmetric and bounded.
	a, b := "my parcel has not arrived yet", "parcel arrived damaged"
	if s1, s2 := Similarity(a, b), Similarity(b, a); s1 != s2 || s1 <= 0 || s1 >= 1 {
		t.Errorf("Similarity not symmetric or out of (0,1): %v %v", s1, s2)
	}
	if s := Similarity("refund please", "refund please"); s < 0.999 || s > 1 {
		t.Errorf("identical texts: %v", s)
	}
}

func FuzzTerms(f *testing.F) {
	for _, s := range []string{"Where's my order?", "我的订单在哪里", "배송언제와요", "'''", "a'b'c", "\xff\xfe", "ｘ－ｙ", "n't"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, term := range Terms(s) {
			if term == "" || !utf8.ValidString(term) {
				t.Fatalf("Terms(%q) has bad term %q", s, term)
			}
		}
		if sim := Similarity(s, s+" x"); sim < 0 || sim > 1 {
			t.Fatalf("Similarity out of range: %v", sim)
		}
	})
}

func TestSegmentCJK(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"东西什么时候到", []string{"东西", "什么时候", "到"}},
		{"支付宝能付吗", []string{"支付宝能付", "吗"}},
		{"退货政策", []string{"退货政策"}},
		{"我的订单在哪里", []string{"我", "的", "订单在", "哪里"}},
		{"吗", []string{"吗"}},
		{"", nil},
		{"退\xff吗", []string{"退\xff", "吗"}}, // broken UTF-8 stays where it was
		{"배송언제와요", []string{"배송언제와요"}},     // Korean is left whole: its cuts did not help
		{"周一开门不", []string{"周一开门", "不"}},   // the yes-no question's 不 is a particle
		{"你们休息不", []string{"你们", "休息", "不"}},
		{"去不了", []string{"去不", "了"}}, // before a cut word 不 is a negation
		{"不", []string{"不"}},
		{"能退嘛", []string{"能退", "嘛"}},
	}
	for _, c := range cases {
		got := SegmentCJK(c.in)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("SegmentCJK(%q) = %q, want %q", c.in, got, c.want)
		}
		if strings.Join(got, "") != c.in {
			t.Errorf("SegmentCJK(%q) joined is %q, not the run", c.in, strings.Join(got, ""))
		}
	}
}

func TestJaccardFindsNearCopies(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"How do I start a return?", "how do i start a return", 1},
		{"where is my order", "where is my refund", 0.6},
		{"忘记密码了", "忘记密码了", 1},
		{"", "anything", 0},
		{"👋", "👋", 0}, // no terms: nothing to copy
	} {
		if got := Jaccard(TermSet(c.a), TermSet(c.b)); math.Abs(got-c.want) > 0.005 {
			t.Errorf("Jaccard(%q, %q) = %.3f, want %.3f", c.a, c.b, got, c.want)
		}
	}
}

// TestPhoneShorthandReadsAsTheWords: shorthand customers type on a phone
// is read as the words a shop's example questions use.
func TestPhoneShorthandReadsAsTheWords(t *testing.T) {
	for short, long := range map[string]string{
		"hw much for a tuneup":  "how much for a tuneup",
		"open tmrw?":            "open tomorrow?",
		"my 3 yr old":           "my 3 year old",
		"back in 2 wks":         "back in 2 weeks",
		"wat r the hrs":         "what r the hours",
		"whens the next appt":   "when is the next appointment",
		"whats the diff b4 abt": "what is the difference before about",
	} {
		got, want := Terms(short), Terms(long)
		if !slices.Equal(got, want) {
			t.Errorf("Terms(%q) = %q, want %q as for %q", short, got, want, long)
		}
	}
}

// TestIsFunctionChar: Chinese characters that do grammar (negation,
// modal and aspect words, measure words, adverbs) and numerals are
// function characters; content characters, Korean and Latin ones are not.
func TestIsFunctionChar(t *testing.T) {
	for _, r := range "不没要能过着个还就很给一二五十两几半百千万" {
		if !IsFunctionChar(r) {
			t.Errorf("%q: want a function character", r)
		}
	}
	for _, r := range "退货款钱快递送修车반품환불요까a1" {
		if IsFunctionChar(r) {
			t.Errorf("%q: want a content character", r)
		}
	}
}
