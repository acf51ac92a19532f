package slack

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	goslack "github.com/slack-go/slack"
)

// Escape makes text from outside (customer messages, names, evidence) safe
// in Slack mrkdwn: Slack reads "<" as the start of a mention, a special
// command (<!channel>, <!here>) or a link, and "&" as the start of an
// entity. Escaping these three is what Slack documents; everything else is
// shown as typed.
func Escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unescape reverses Slack's escaping of message text.
func unescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// Namer resolves a Slack user id to a display name; "" when unknown.
type namer func(id string) string

// PlainText turns an agent's Slack message into the plain text a customer
// reads: from its rich_text blocks when it has them (they carry exactly
// what was typed), else from its mrkdwn text.
func plainText(text string, blocks []goslack.Block, name namer) string {
	if s, ok := plainFromBlocks(blocks, name); ok {
		return s
	}
	return plainFromMrkdwn(text, name)
}

// plainFromMrkdwn converts Slack's message text to plain text:
// <@U1> and <@U1|lia> become "@Lia", <#C1|general> "#general",
// <!here> "@here", <url|label> "label (url)", *bold* _italic_ ~strike~
// and `code` lose their markers (only where Slack would format them, so
// snake_case_words and 2*3*4 stay as they are), :emoji: codes become the
// emoji, and &lt; &gt; &amp; become < > &.
func plainFromMrkdwn(s string, name namer) string {
	s = strings.ReplaceAll(s, "\x00", "")
	// Pass 1: control sequences and code become protected pieces, marked
	// in the text by \x00<index>\x00 so formatting removal cannot touch
	// them (a URL may contain _ or *) but still sees something there.
	var pieces []string
	protect := func(p string) string {
		pieces = append(pieces, p)
		return "\x00" + strconv.Itoa(len(pieces)-1) + "\x00"
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "```"):
			end := strings.Index(s[i+3:], "```")
			if end < 0 {
				b.WriteString(s[i:])
				i = len(s)
				continue
			}
			code := s[i+3 : i+3+end]
			code = strings.TrimPrefix(code, "\n")
			code = strings.TrimSuffix(code, "\n")
			b.WriteString(protect(unescape(code)))
			i += 3 + end + 3
		case s[i] == '`':
			end := strings.IndexByte(s[i+1:], '`')
			if end <= 0 || strings.Contains(s[i+1:i+1+end], "\n") {
				b.WriteByte('`')
				i++
				continue
			}
			b.WriteString(protect(unescape(s[i+1 : i+1+end])))
			i += end + 2
		case s[i] == '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				b.WriteString(s[i:])
				i = len(s)
				continue
			}
			b.WriteString(protect(controlSequence(s[i+1:i+end], name)))
			i += end + 1
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			b.WriteRune(r)
			i += size
		}
	}
	out := b.String()
	// Pass 2: formatting markers, emoji codes, entities.
	for _, m := range []byte{'*', '_', '~'} {
		out = stripMarkers(out, m)
	}
	out = replaceEmoji(out)
	out = unescape(out)
	// Pass 3: put the protected pieces back.
	if len(pieces) > 0 {
		var r strings.Builder
		for {
			start := strings.IndexByte(out, 0)
			if start < 0 {
				break
			}
			end := strings.IndexByte(out[start+1:], 0)
			if end < 0 {
				break
			}
			idx, err := strconv.Atoi(out[start+1 : start+1+end])
			r.WriteString(out[:start])
			if err == nil && idx >= 0 && idx < len(pieces) {
				r.WriteString(pieces[idx])
			}
			out = out[start+1+end+1:]
		}
		r.WriteString(out)
		out = r.String()
	}
	return strings.TrimSpace(out)
}

// controlSequence renders the inside of <...>.
func controlSequence(inner string, name namer) string {
	target, label, hasLabel := strings.Cut(inner, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		if hasLabel && label != "" {
			return "@" + strings.TrimPrefix(unescape(label), "@")
		}
		if n := name(strings.TrimPrefix(target, "@")); n != "" {
			return "@" + n
		}
		return "@someone"
	case strings.HasPrefix(target, "#"):
		if hasLabel && label != "" {
			return "#" + strings.TrimPrefix(unescape(label), "#")
		}
		return "#channel"
	case strings.HasPrefix(target, "!"):
		cmd := strings.TrimPrefix(target, "!")
		if hasLabel && label != "" {
			return unescape(label)
		}
		switch {
		case cmd == "here", cmd == "channel", cmd == "everyone":
			return "@" + cmd
		case strings.HasPrefix(cmd, "subteam^"):
			return "@team"
		case strings.HasPrefix(cmd, "date^"):
			return "" // a date without its fallback text cannot be shown
		}
		return ""
	}
	url := unescape(target)
	if !hasLabel {
		return strings.TrimPrefix(url, "mailto:")
	}
	label = unescape(label)
	if label == "" || sameLink(url, label) {
		return strings.TrimPrefix(url, "mailto:")
	}
	return label + " (" + url + ")"
}

// sameLink reports whether a link's label is just its URL written
// differently (Slack shows example.com for <http://example.com|example.com>).
func sameLink(url, label string) bool {
	norm := func(s string) string {
		for _, p := range []string{"mailto:", "tel:", "https://", "http://", "www."} {
			s = strings.TrimPrefix(s, p)
		}
		return strings.TrimSuffix(s, "/")
	}
	return norm(url) == norm(label)
}

// stripMarkers removes pairs of formatting markers m around text, where
// Slack would render them: the opening marker starts the text or follows a
// space or punctuation, the closing one ends the text or precedes one, the
// content neither starts nor ends with a space and stays on one line.
func stripMarkers(s string, m byte) string {
	if strings.IndexByte(s, m) < 0 {
		return s
	}
	rs := []rune(s)
	mr := rune(m)
	boundary := func(r rune) bool {
		return unicode.IsSpace(r) || (unicode.IsPunct(r) && r != mr) || unicode.IsSymbol(r)
	}
	var out []rune
	for i := 0; i < len(rs); i++ {
		if rs[i] != mr || (i > 0 && !boundary(rs[i-1])) || i+1 >= len(rs) || unicode.IsSpace(rs[i+1]) || rs[i+1] == mr {
			out = append(out, rs[i])
			continue
		}
		// Find the closing marker on the same line.
		j := -1
		for k := i + 1; k < len(rs) && rs[k] != '\n'; k++ {
			if rs[k] == mr && !unicode.IsSpace(rs[k-1]) && (k+1 == len(rs) || boundary(rs[k+1])) {
				j = k
				break
			}
		}
		if j < 0 {
			out = append(out, rs[i])
			continue
		}
		out = append(out, rs[i+1:j]...)
		i = j
	}
	return string(out)
}

// replaceEmoji turns :shortcodes: Slack sends into Unicode emoji for the
// common ones; skin-tone modifiers are dropped, unknown codes kept.
func replaceEmoji(s string) string {
	if strings.Count(s, ":") < 2 {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], ':')
		if j < 0 {
			break
		}
		code := s[i+1 : i+1+j]
		if e, ok := emoji[code]; ok {
			b.WriteString(s[:i])
			b.WriteString(e)
			s = s[i+1+j+1:]
			continue
		}
		if strings.HasPrefix(code, "skin-tone-") && len(code) <= len("skin-tone-6") {
			b.WriteString(s[:i])
			s = s[i+1+j+1:]
			continue
		}
		b.WriteString(s[:i+1])
		s = s[i+1:]
	}
	b.WriteString(s)
	return b.String()
}

// emoji maps the shortcodes agents use most to Unicode. Rich-text messages
// carry the Unicode themselves; this is for plain mrkdwn text.
var emoji = map[string]string{
	"smile": "😄", "smiley": "😃", "grinning": "😀", "grin": "😁", "laughing": "😆", "joy": "😂",
	"slightly_smiling_face": "🙂", "wink": "😉", "blush": "😊", "innocent": "😇", "heart_eyes": "😍",
	"sweat_smile": "😅", "upside_down_face": "🙃", "thinking_face": "🤔", "hugging_face": "🤗", "hugs": "🤗",
	"sunglasses": "😎", "neutral_face": "😐", "confused": "😕", "disappointed": "😞", "worried": "😟",
	"cry": "😢", "sob": "😭", "pensive": "😔", "relieved": "😌", "scream": "😱", "flushed": "😳",
	"heart": "❤️", "hearts": "♥️", "blue_heart": "💙", "green_heart": "💚", "yellow_heart": "💛", "purple_heart": "💜",
	"+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎", "ok_hand": "👌", "wave": "👋",
	"clap": "👏", "raised_hands": "🙌", "pray": "🙏", "muscle": "💪", "point_right": "👉", "point_left": "👈",
	"point_up": "☝️", "point_down": "👇", "handshake": "🤝", "crossed_fingers": "🤞", "v": "✌️",
	"tada": "🎉", "sparkles": "✨", "star": "⭐", "star2": "🌟", "fire": "🔥", "rocket": "🚀", "100": "💯",
	"white_check_mark": "✅", "heavy_check_mark": "✔️", "x": "❌", "warning": "⚠️", "no_entry": "⛔",
	"question": "❓", "exclamation": "❗", "information_source": "ℹ️", "bulb": "💡", "eyes": "👀",
	"package": "📦", "truck": "🚚", "credit_card": "💳", "moneybag": "💰", "gift": "🎁", "shopping_trolley": "🛒",
	"email": "📧", "envelope": "✉️", "phone": "☎️", "telephone_receiver": "📞", "iphone": "📱",
	"calendar": "📅", "date": "📅", "clock1": "🕐", "hourglass": "⌛", "hourglass_flowing_sand": "⏳", "alarm_clock": "⏰",
	"memo": "📝", "pencil": "📝", "lock": "🔒", "unlock": "🔓", "key": "🔑", "link": "🔗", "mag": "🔍",
	"coffee": "☕", "sunny": "☀️", "rainbow": "🌈", "snowflake": "❄️", "zap": "⚡",
	"arrow_right": "➡️", "arrow_left": "⬅️", "arrow_up": "⬆️", "arrow_down": "⬇️", "leftwards_arrow_with_hook": "↩️",
	"ok": "🆗", "sos": "🆘", "new": "🆕", "free": "🆓", "sweat": "😓", "smirk": "😏", "kissing_heart": "😘",
}

// plainFromBlocks renders rich_text blocks; ok is false when there are none.
func plainFromBlocks(blocks []goslack.Block, name namer) (string, bool) {
	var b strings.Builder
	found := false
	for _, blk := range blocks {
		rt, ok := blk.(*goslack.RichTextBlock)
		if !ok {
			continue
		}
		found = true
		for _, el := range rt.Elements {
			renderRichElement(&b, el, name)
		}
	}
	if !found {
		return "", false
	}
	s := strings.TrimSpace(b.String())
	return s, s != ""
}

func renderRichElement(b *strings.Builder, el goslack.RichTextElement, name namer) {
	switch e := el.(type) {
	case *goslack.RichTextSection:
		renderInline(b, e.Elements, name)
	case *goslack.RichTextList:
		ensureNewline(b)
		for i, item := range e.Elements {
			b.WriteString(strings.Repeat("  ", e.Indent))
			if e.Style == goslack.RTEListOrdered {
				b.WriteString(strconv.Itoa(e.Offset+i+1) + ". ")
			} else {
				b.WriteString("• ")
			}
			var inner strings.Builder
			renderRichElement(&inner, item, name)
			b.WriteString(strings.TrimSpace(inner.String()))
			b.WriteString("\n")
		}
	case *goslack.RichTextQuote:
		ensureNewline(b)
		var inner strings.Builder
		renderInline(&inner, e.Elements, name)
		for _, line := range strings.Split(strings.TrimRight(inner.String(), "\n"), "\n") {
			b.WriteString("> " + line + "\n")
		}
	case *goslack.RichTextPreformatted:
		ensureNewline(b)
		renderInline(b, e.Elements, name)
		ensureNewline(b)
	}
}

func ensureNewline(b *strings.Builder) {
	if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") {
		b.WriteString("\n")
	}
}

func renderInline(b *strings.Builder, els []goslack.RichTextSectionElement, name namer) {
	for _, el := range els {
		switch e := el.(type) {
		case *goslack.RichTextSectionTextElement:
			b.WriteString(e.Text)
		case *goslack.RichTextSectionLinkElement:
			if e.Text == "" || sameLink(e.URL, e.Text) {
				b.WriteString(strings.TrimPrefix(e.URL, "mailto:"))
			} else {
				b.WriteString(e.Text + " (" + e.URL + ")")
			}
		case *goslack.RichTextSectionUserElement:
			if n := name(e.UserID); n != "" {
				b.WriteString("@" + n)
			} else {
				b.WriteString("@someone")
			}
		case *goslack.RichTextSectionChannelElement:
			b.WriteString("#channel")
		case *goslack.RichTextSectionUserGroupElement:
			b.WriteString("@team")
		case *goslack.RichTextSectionBroadcastElement:
			b.WriteString("@" + e.Range)
		case *goslack.RichTextSectionEmojiElement:
			if u := emojiFromHex(e.Unicode); u != "" {
				b.WriteString(u)
			} else if u, ok := emoji[e.Name]; ok {
				b.WriteString(u)
			} else {
				b.WriteString(":" + e.Name + ":")
			}
		case *goslack.RichTextSectionDateElement:
			if e.Fallback != nil {
				b.WriteString(*e.Fallback)
			}
		case *goslack.RichTextSectionTeamElement:
			b.WriteString("our team")
		}
	}
}

// emojiFromHex turns Slack's "1f44d" or "1f468-200d-1f4bb" into the emoji.
func emojiFromHex(h string) string {
	if h == "" {
		return ""
	}
	var b strings.Builder
	for _, part := range strings.Split(h, "-") {
		n, err := strconv.ParseUint(part, 16, 32)
		if err != nil || !utf8.ValidRune(rune(n)) {
			return ""
		}
		b.WriteRune(rune(n))
	}
	return b.String()
}
