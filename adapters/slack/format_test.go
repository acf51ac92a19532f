package slack

import (
	"encoding/json"
	"testing"

	goslack "github.com/slack-go/slack"
)

func TestEscape(t *testing.T) {
	cases := map[string]string{
		"hello":                          "hello",
		"<!channel> look":                "&lt;!channel&gt; look",
		"<!here|here>":                   "&lt;!here|here&gt;",
		"<https://evil.example|my bank>": "&lt;https://evil.example|my bank&gt;",
		"<@U123>":                        "&lt;@U123&gt;",
		"Tom & Jerry > cats":             "Tom &amp; Jerry &gt; cats",
		"already &amp; escaped":          "already &amp;amp; escaped",
		"한국어 <b>":                        "한국어 &lt;b&gt;",
	}
	for in, want := range cases {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
		if got := unescape(Escape(in)); got != in {
			t.Errorf("unescape(Escape(%q)) = %q", in, got)
		}
	}
}

func TestPlainFromMrkdwn(t *testing.T) {
	names := func(id string) string {
		return map[string]string{"U1": "Lia", "U2": "Min-jun"}[id]
	}
	cases := []struct{ name, in, want string }{
		{"plain", "Your order ships today.", "Your order ships today."},
		{"entities back to characters", "2 &lt; 3 &amp;&amp; 5 &gt; 4", "2 < 3 && 5 > 4"},
		{"literal entity text typed by the agent", "write &amp;lt; for <", "write &lt; for <"},
		{"bold italic strike", "*Good news*: it's _on the way_, ~late~ early", "Good news: it's on the way, late early"},
		{"markers inside words stay", "snake_case_name and 2*3*4 and a~b~c", "snake_case_name and 2*3*4 and a~b~c"},
		{"lone markers stay", "5 * 3 = 15, price_ ok, *", "5 * 3 = 15, price_ ok, *"},
		{"bold punctuation around", "(*really*) *yes*!", "(really) yes!"},
		{"inline code", "type `/start` again", "type /start again"},
		{"code keeps markers", "run `a_b_c *x*`", "run a_b_c *x*"},
		{"code block", "```\nline *1*\nline &lt;2&gt;\n```", "line *1*\nline <2>"},
		{"link with label", "see <https://shop.example/faq?a=1&amp;b=2|our FAQ>", "see our FAQ (https://shop.example/faq?a=1&b=2)"},
		{"link label same as url", "<https://shop.example|shop.example>", "https://shop.example"},
		{"bare link", "<https://shop.example/x_y_z>", "https://shop.example/x_y_z"},
		{"link with underscores inside bold", "*<https://a.example/_x_|here>*", "here (https://a.example/_x_)"},
		{"mailto", "<mailto:help@shop.example|help@shop.example>", "help@shop.example"},
		{"user mention resolved", "ask <@U1> or <@U2>", "ask @Lia or @Min-jun"},
		{"user mention with label", "<@U9|sam>", "@sam"},
		{"unknown user", "<@U9>", "@someone"},
		{"channel", "see <#C1|general>", "see #general"},
		{"specials", "<!here> <!channel> <!everyone>", "@here @channel @everyone"},
		{"subteam", "<!subteam^S1|@support>", "@support"},
		{"date fallback", "<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014"},
		{"emoji", "thanks :slightly_smiling_face: :+1::skin-tone-3:", "thanks 🙂 👍"},
		{"unknown emoji kept", "a :custom_shop_logo: b", "a :custom_shop_logo: b"},
		{"times are not emoji", "open 9:00 to 18:00", "open 9:00 to 18:00"},
		{"unicode intact", "배송은 *내일* 도착합니다 🚚", "배송은 내일 도착합니다 🚚"},
		{"multi line", "line one\n*line two*", "line one\nline two"},
		{"unterminated", "a <b and `c", "a <b and `c"},
		{"nul stripped", "a\x00b", "ab"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := plainFromMrkdwn(c.in, names); got != c.want {
				t.Errorf("plainFromMrkdwn(%q) =\n%q\nwant\n%q", c.in, got, c.want)
			}
		})
	}
}

// Rich text blocks carry exactly what the agent typed; they win over the
// mrkdwn text.
func TestPlainFromRichText(t *testing.T) {
	raw := `[{"type":"rich_text","block_id":"b1","elements":[
	  {"type":"rich_text_section","elements":[
	    {"type":"text","text":"Hi "},{"type":"user","user_id":"U1"},
	    {"type":"text","text":", *this* is <literal> & fine "},
	    {"type":"emoji","name":"wave","unicode":"1f44b"},
	    {"type":"text","text":"\nSee "},
	    {"type":"link","url":"https://shop.example/returns","text":"returns"},
	    {"type":"text","text":" or "},{"type":"link","url":"https://shop.example"},
	    {"type":"text","text":" bold ","style":{"bold":true}},
	    {"type":"broadcast","range":"here"}
	  ]},
	  {"type":"rich_text_list","style":"ordered","indent":0,"elements":[
	    {"type":"rich_text_section","elements":[{"type":"text","text":"first"}]},
	    {"type":"rich_text_section","elements":[{"type":"text","text":"second"}]}
	  ]},
	  {"type":"rich_text_quote","elements":[{"type":"text","text":"quoted"}]},
	  {"type":"rich_text_preformatted","elements":[{"type":"text","text":"code_x *y*"}]}
	]}]`
	var blocks goslack.Blocks
	if err := json.Unmarshal([]byte(raw), &blocks); err != nil {
		t.Fatal(err)
	}
	got := plainText("ignored when blocks exist", blocks.BlockSet, func(id string) string {
		if id == "U1" {
			return "Lia"
		}
		return ""
	})
	want := "Hi @Lia, *this* is <literal> & fine 👋\nSee returns (https://shop.example/returns) or https://shop.example bold @here\n" +
		"1. first\n2. second\n> quoted\ncode_x *y*"
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	// Without rich text, the mrkdwn text is used.
	if got := plainText("*hi* &amp; bye", nil, func(string) string { return "" }); got != "hi & bye" {
		t.Errorf("fallback = %q", got)
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		in   string
		kind int
		cmd  string
	}{
		{"note: customer is a VIP", msgNote, ""},
		{"NOTE: loud", msgNote, ""},
		{"  // check the order first", msgNote, ""},
		{"!claim", msgCommand, "!claim"},
		{"!Resolve", msgCommand, "!resolve"},
		{"!bot", msgCommand, "!bot"},
		{"!return", msgCommand, "!bot"},
		{"!resolve thanks all", msgCommand, "!resolve"},
		{"!clam", msgUnknownCommand, "!clam"},
		{"!!! urgent, please check", msgReply, ""},
		{"! hello", msgReply, ""},
		{"notes are attached", msgReply, ""},
		{"Hello, I can help: what is your order number?", msgReply, ""},
		{"https://example.com//x", msgReply, ""},
	}
	for _, c := range cases {
		kind, cmd := classify(c.in)
		if kind != c.kind || cmd != c.cmd {
			t.Errorf("classify(%q) = %d %q, want %d %q", c.in, kind, cmd, c.kind, c.cmd)
		}
	}
}

func BenchmarkPlainFromMrkdwn(b *testing.B) {
	in := "Hi <@U1>, *your order* is on the way :truck: — track it at <https://shop.example/t?id=1&amp;x=2|this page>. `ABC_123` ships _today_."
	names := func(string) string { return "Lia" }
	for b.Loop() {
		plainFromMrkdwn(in, names)
	}
}
