package lang

import "testing"

func TestChoose(t *testing.T) {
	have := func(l string) bool { return l == "en" || l == "zh" || l == "ko" }
	cases := []struct {
		text, hint, prev, want string
	}{
		{"Where is my parcel?", "", "", "en"},
		{"我的包裹在哪里", "", "", "zh"},
		{"배송은 얼마나 걸려요?", "", "", "ko"},
		{"배송은 얼마나 걸려요?", "en-US", "", "ko"},
		{"hello", "ko-KR", "", "en"},
		{"Bonjour", "fr", "", "en"},
		{"ok", "de", "zh", "zh"},
		{"123", "", "ko", "ko"},
		{"👍", "zh-hans", "", "zh"},
		{"👍", "", "", "en"},
		{"退货 iPhone", "", "", "zh"},
		{"환불 refund", "", "en", "ko"},
	}
	for _, c := range cases {
		if got := Choose(c.text, c.hint, c.prev, have); got != c.want {
			t.Errorf("Choose(%q, hint %q, prev %q) = %q, want %q", c.text, c.hint, c.prev, got, c.want)
		}
	}
}

// A conversation keeps its language through messages that say nothing of
// one, whatever the phone's language, and through a name in another
// script; a sentence in another language moves it.
func TestChooseKeepsTheConversationsLanguage(t *testing.T) {
	have := func(l string) bool { return l == "en" || l == "zh" || l == "ko" }
	for _, prev := range []string{"zh", "ko"} {
		for _, hint := range []string{"", "en", "en-US", prev} {
			for _, text := range []string{"ok", "thanks", "OK!", "thx", "👍", "?", "???", "3", "12345", "KS-204817", "Apple Pay", "AirPods Pro 2"} {
				if got := Choose(text, hint, prev, have); got != prev {
					t.Errorf("%s conversation, hint %q: Choose(%q) = %q, want %q", prev, hint, text, got, prev)
				}
			}
			for _, text := range []string{"where is my order?", "can you answer in English please", "how long does shipping take"} {
				if got := Choose(text, hint, prev, have); got != "en" {
					t.Errorf("%s conversation, hint %q: Choose(%q) = %q, want en", prev, hint, text, got)
				}
			}
		}
	}
	for _, hint := range []string{"", "en", "zh-CN", "ko-KR"} {
		for _, text := range []string{"can i pay with 支付宝", "can i pay with 支付宝?", "do you take 카카오페이?", "is 微信支付 accepted at checkout",
			"I want to return my 耳机", "ok", "👍", "thanks!"} {
			if got := Choose(text, hint, "en", have); got != "en" {
				t.Errorf("en conversation, hint %q: Choose(%q) = %q, want en", hint, text, got)
			}
		}
		for _, c := range []struct{ text, want string }{
			{"支付宝可以吗", "zh"}, {"AirPods Pro 能退货吗", "zh"}, {"iPhone 충전기 있어요?", "ko"}, {"KakaoPay 돼요?", "ko"},
			{"我看到邮件 Your Kumo order is on its way 但是没有链接", "zh"}, {"환불 refund", "ko"},
		} {
			if got := Choose(c.text, hint, "en", have); got != c.want {
				t.Errorf("en conversation, hint %q: Choose(%q) = %q, want %s", hint, c.text, got, c.want)
			}
		}
	}
	// A first message still goes by what it is written in, then the phone.
	for _, c := range []struct{ text, hint, want string }{
		{"can i pay with 支付宝", "", "zh"}, {"请问 can I pay with PayPal?", "", "zh"}, {"支付宝", "en", "zh"}, {"ok", "ko-KR", "en"}, {"👍", "ko-KR", "ko"}, {"👍", "", "en"},
	} {
		if got := Choose(c.text, c.hint, "", have); got != c.want {
			t.Errorf("first message, hint %q: Choose(%q) = %q, want %s", c.hint, c.text, got, c.want)
		}
	}
}

func TestBase(t *testing.T) {
	for in, want := range map[string]string{"ko-KR": "ko", "zh_Hans": "zh", "EN": "en", "": ""} {
		if got := Base(in); got != want {
			t.Errorf("Base(%q) = %q, want %q", in, got, want)
		}
	}
}

// A word or two asking for English is English, whatever the conversation
// and the phone (review 2026-12-05: "English please" in a Korean
// conversation got a Korean reply); what carries no language still keeps
// the conversation's.
func TestChooseShortRequestForEnglish(t *testing.T) {
	have := func(l string) bool { return l == "en" || l == "zh" || l == "ko" }
	for _, prev := range []string{"zh", "ko"} {
		for _, hint := range []string{"", "en", "en-US", prev} {
			for _, text := range []string{"English please", "Speak English!", "in English", "english", "ENGLISH?", "help me", "i need help", "please help", "english pls", "thank you, english please"} {
				if got := Choose(text, hint, prev, have); got != "en" {
					t.Errorf("%s conversation, hint %q: Choose(%q) = %q, want en", prev, hint, text, got)
				}
			}
			// Courtesy words alone are not a request for English (issue
			// 2026-12-06: "please" in a Korean conversation got English).
			for _, text := range []string{"ok", "okay", "thanks", "thx", "yes", "no", "👍", "?", "3", "KS-204817", "9400111899223", "Galaxy A54", "Apple Pay",
				"please", "Please!", "pls", "plz", "thank you", "Thank you!", "thank u", "ty", "ok thank you", "sorry", "thanks please"} {
				if got := Choose(text, hint, prev, have); got != prev {
					t.Errorf("%s conversation, hint %q: Choose(%q) = %q, want %s", prev, hint, text, got, prev)
				}
			}
		}
	}
}

// A short English message around one Chinese or Korean name stays English
// in an English conversation (review 2026-12-05: "I'm 김민수" got Korean);
// a first message still goes by its script, and a Chinese or Korean word
// that is not a name still moves the conversation.
func TestChooseNameInShortEnglish(t *testing.T) {
	have := func(l string) bool { return l == "en" || l == "zh" || l == "ko" }
	for _, hint := range []string{"", "en", "zh-CN", "ko-KR"} {
		for _, c := range []struct{ text, want string }{
			{"I'm 김민수", "en"}, {"Thanks 王伟", "en"}, {"thanks, 王伟!", "en"}, {"hi, this is 李娜", "en"}, {"my name is 박지훈", "en"},
			{"ok 好的", "zh"}, {"thanks 谢谢", "zh"}, {"환불 refund", "ko"}, {"KakaoPay 돼요?", "ko"}, {"支付宝可以吗", "zh"},
			{"I'm 김민수 배송 언제 와요", "ko"},
		} {
			if got := Choose(c.text, hint, "en", have); got != c.want {
				t.Errorf("en conversation, hint %q: Choose(%q) = %q, want %s", hint, c.text, got, c.want)
			}
		}
		for _, c := range []struct{ text, want string }{{"I'm 김민수", "ko"}, {"Thanks 王伟", "zh"}} {
			if got := Choose(c.text, hint, "", have); got != c.want {
				t.Errorf("first message, hint %q: Choose(%q) = %q, want %s", hint, c.text, got, c.want)
			}
		}
	}
}

// A first message that is only a code (an order or tracking number) from a
// Chinese or Korean phone is answered in the phone's language: it says
// nothing of one. A word of Latin letters is still English (walk3
// 2026-12-07).
func TestChooseFirstMessageOfCodesOnlyKeepsThePhonesLanguage(t *testing.T) {
	have := func(l string) bool { return l == "en" || l == "zh" || l == "ko" }
	for _, c := range []struct{ text, hint, want string }{
		{"KS-204817", "ko-KR", "ko"}, {"KS-204817", "zh-CN", "zh"}, {"#A1234", "ko", "ko"}, {"ks204817 SF1234567890", "zh", "zh"},
		{"KS-204817", "en-US", "en"}, {"KS-204817", "", "en"}, {"Galaxy A54", "ko-KR", "en"}, {"order KS-204817", "ko-KR", "en"}, {"ok", "ko-KR", "en"},
	} {
		if got := Choose(c.text, c.hint, "", have); got != c.want {
			t.Errorf("first message, hint %q: Choose(%q) = %q, want %s", c.hint, c.text, got, c.want)
		}
	}
}
