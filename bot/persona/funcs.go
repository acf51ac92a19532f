package persona

import (
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
)

// locale is what {{timeOfDay}} and {{weekday}} say in one language.
// persona.yaml may override or add languages (time_of_day, weekdays).
type locale struct {
	times    [3]string // morning, afternoon, evening
	weekdays [7]string // Sunday first, like time.Weekday
}

var defaultLocales = map[string]locale{
	"en": {
		times:    [3]string{"morning", "afternoon", "evening"},
		weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	},
	"zh": {
		times:    [3]string{"早上", "下午", "晚上"},
		weekdays: [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"},
	},
	"ko": {
		times:    [3]string{"아침", "오후", "저녁"},
		weekdays: [7]string{"일요일", "월요일", "화요일", "수요일", "목요일", "금요일", "토요일"},
	},
}

// dayParts name the parts of the day, in the order of locale.times; the
// smalltalk kinds of greetings that name one ("good evening") are the same
// words.
var dayParts = [3]string{"morning", "afternoon", "evening"}

// partOfDay: 05:00-11:59 morning, 12:00-17:59 afternoon, else evening
// (late at night "good evening" still reads right; "good night" is a
// goodbye).
func partOfDay(t time.Time) int {
	switch h := t.Hour(); {
	case h >= 5 && h < 12:
		return 0
	case h >= 12 && h < 18:
		return 1
	}
	return 2
}

func (p *Persona) locale(lang string) locale {
	if l, ok := p.words[lang]; ok {
		return l
	}
	if l, ok := defaultLocales[lang]; ok {
		return l
	}
	if l, ok := p.words["en"]; ok {
		return l
	}
	return defaultLocales["en"]
}

// funcs are the template functions, bound to one language and one Data.
// At parse time they are bound to zero values: parsing only needs the names.
func (p *Persona) funcs(lang string, data Data) template.FuncMap {
	loc := p.locale(lang)
	return template.FuncMap{
		"timeOfDay": func() string {
			// The customer's own "good evening" wins over our clock.
			if i := slices.Index(dayParts[:], data.TimeOfDay); i >= 0 {
				return loc.times[i]
			}
			return loc.times[partOfDay(data.Now)]
		},
		"weekday": func() string { return loc.weekdays[data.Now.Weekday()] },
		"intro":   func() string { return p.introText(lang, data) },
		"shop":    func() string { return p.shop },
		"email":   func() string { return p.contactIn(lang, 0) },
		"phone":   func() string { return p.contactIn(lang, 1) },
		"hours":   func() string { return p.Hours(lang) },
		"join":    func(list []string, sep string) string { return strings.Join(list, sep) },
		"bullets": bullets,
	}
}

// dataFuncs are the functions of funcs whose result depends on the data
// of the call (the others depend on the language and the persona only).
var dataFuncs = []string{"timeOfDay", "weekday", "intro"}

// staticText is what t renders to, trimmed as render trims it, when t is
// text alone (no action, comment or anything else that could change or
// fail the output).
func staticText(t *template.Template) (string, bool) {
	if t.Tree == nil || t.Tree.Root == nil {
		return "", false
	}
	var b strings.Builder
	for _, n := range t.Tree.Root.Nodes {
		tn, ok := n.(*parse.TextNode)
		if !ok {
			return "", false
		}
		b.Write(tn.Text)
	}
	if b.Len() > maxOutput { // Execute fails those: keep its error
		return "", false
	}
	return strings.TrimSpace(b.String()), true
}

// fixedFuncs are the functions of funcs whose result is the persona's own
// for the language of the file (its shop name, contacts and hours, all
// read before any message is parsed): a call of one renders the same on
// every turn.
var fixedFuncs = []string{"shop", "email", "phone", "hours"}

// fixedText reports whether t is text and calls of fixedFuncs alone ("…
// reach our team at {{email}} or {{phone}} ({{hours}})"), so it renders
// the same whatever the data: such a message (the _nodesk wordings said
// on every answered repeat without a desk) is rendered once at load, not
// executed through reflection on every turn.
func fixedText(t *template.Template) bool {
	if t.Tree == nil || t.Tree.Root == nil {
		return false
	}
	for _, n := range t.Tree.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
		case *parse.ActionNode:
			if n.Pipe == nil || len(n.Pipe.Decl) > 0 || len(n.Pipe.Cmds) != 1 || len(n.Pipe.Cmds[0].Args) != 1 {
				return false
			}
			id, ok := n.Pipe.Cmds[0].Args[0].(*parse.IdentifierNode)
			if !ok || !slices.Contains(fixedFuncs, id.Ident) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// usesData reports whether t calls one of dataFuncs (or another template,
// which might). It walks the parse tree each time (a message's tree has a
// few dozen nodes): remembering it per template would keep every template
// of every reloaded persona alive.
func usesData(t *template.Template) bool {
	return t.Tree == nil || nodeUsesData(t.Tree.Root)
}

func nodeUsesData(n parse.Node) bool {
	switch n := n.(type) {
	case nil:
		return false
	case *parse.ListNode:
		if n == nil {
			return false
		}
		return slices.ContainsFunc(n.Nodes, nodeUsesData)
	case *parse.ActionNode:
		return nodeUsesData(n.Pipe)
	case *parse.PipeNode:
		if n == nil {
			return false
		}
		for _, c := range n.Cmds {
			if nodeUsesData(c) {
				return true
			}
		}
		return false
	case *parse.CommandNode:
		return slices.ContainsFunc(n.Args, nodeUsesData)
	case *parse.ChainNode:
		return nodeUsesData(n.Node)
	case *parse.IdentifierNode:
		return slices.Contains(dataFuncs, n.Ident)
	case *parse.IfNode:
		return nodeUsesData(n.Pipe) || nodeUsesData(n.List) || nodeUsesData(n.ElseList)
	case *parse.RangeNode:
		return nodeUsesData(n.Pipe) || nodeUsesData(n.List) || nodeUsesData(n.ElseList)
	case *parse.WithNode:
		return nodeUsesData(n.Pipe) || nodeUsesData(n.List) || nodeUsesData(n.ElseList)
	case *parse.TextNode, *parse.FieldNode, *parse.VariableNode, *parse.DotNode, *parse.StringNode,
		*parse.NumberNode, *parse.BoolNode, *parse.NilNode, *parse.CommentNode, *parse.BreakNode,
		*parse.ContinueNode:
		return false
	}
	return true // a template call or a node this list does not know: clone to be safe
}

// bullets renders a list as lines starting with "• ", each on a new line,
// so "one of these?{{bullets .Topics}}" puts the list under the question.
func bullets(list []string) string {
	var b strings.Builder
	for _, s := range list {
		b.WriteString("\n• ")
		b.WriteString(s)
	}
	return b.String()
}
