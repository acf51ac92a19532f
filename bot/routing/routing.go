// Package routing chooses the team a handoff goes to, from rules ops keep
// in prompts/routing.yaml: by the conversation's language, the handoff's
// reason and the tags of the knowledge entries the bot answered from. Each
// team may have its own desk channel. Agents transfer a conversation to
// any team the file names.
package routing

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/yamlfile"
)

// File is where the rules live inside prompts/.
const File = "routing.yaml"

// Reasons a rule may name (the handoff detector's reasons).
var Reasons = []string{"explicit", "complaint", "confusion", "loop"}

// Team is one team of agents.
type Team struct {
	ID      string
	Names   map[string]string // language -> how the customer hears of it
	Channel string            // desk channel id; "" = the desk's default
}

// Rule sends matching handoffs to a team. Empty lists match anything; a
// rule matches when every list it has matches.
type Rule struct {
	Team    string
	Langs   []string
	Reasons []string
	Tags    []string
	Line    int
}

// Table is the loaded rules. A nil *Table routes every handoff to the
// default team ("") and knows no teams.
type Table struct {
	Default string
	Teams   map[string]Team
	Rules   []Rule
}

// Route returns the team for a handoff in lang for reason, when the
// conversation touched entries with tags.
func (t *Table) Route(lang, reason string, tags []string) string {
	if t == nil {
		return ""
	}
	for _, r := range t.Rules {
		if len(r.Langs) > 0 && !slices.Contains(r.Langs, lang) {
			continue
		}
		if len(r.Reasons) > 0 && !slices.Contains(r.Reasons, reason) {
			continue
		}
		if len(r.Tags) > 0 && !slices.ContainsFunc(r.Tags, func(tag string) bool { return slices.Contains(tags, tag) }) {
			continue
		}
		return r.Team
	}
	return t.Default
}

// Known reports whether team is one an agent may transfer to.
func (t *Table) Known(team string) bool {
	if t == nil {
		return false
	}
	_, ok := t.Teams[team]
	return ok
}

// Label is how the customer hears of team in lang ("" when unnamed).
func (t *Table) Label(team, lang string) string {
	if t == nil {
		return ""
	}
	tm, ok := t.Teams[team]
	if !ok {
		return ""
	}
	if n := tm.Names[lang]; n != "" {
		return n
	}
	return tm.Names["en"]
}

// Channel is the desk channel of team ("" = the desk's default).
func (t *Table) Channel(team string) string {
	if t == nil {
		return ""
	}
	return t.Teams[team].Channel
}

// IDs lists the teams, sorted.
func (t *Table) IDs() []string {
	if t == nil {
		return nil
	}
	ids := make([]string, 0, len(t.Teams))
	for id := range t.Teams {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

var (
	teamIDRe  = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
	channelRe = regexp.MustCompile(`^[A-Z0-9]{2,}$`)
)

// Load reads prompts/routing.yaml. A missing file is no problem: every
// handoff goes to the default team.
func Load(fsys fs.FS, name string) (*Table, []knowledge.Problem) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, nil
	}
	p := &parser{file: name}
	root, err := yamlfile.Parse(data)
	if err != nil {
		line, msg := yamlfile.Where(err)
		return nil, []knowledge.Problem{{File: name, Line: line, Msg: "not valid YAML: " + msg}}
	}
	if len(root.Content) == 0 {
		return nil, nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		p.errf(doc, "expected a mapping with default, teams and rules")
		return nil, p.probs
	}
	t := &Table{Teams: map[string]Team{}}
	var defNode, rulesNode *yaml.Node
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		switch k.Value {
		case "default":
			defNode = v
			t.Default = v.Value
		case "teams":
			p.teams(t, v)
		case "rules":
			rulesNode = v
		default:
			p.errf(k, "unknown key %q (want default, teams or rules)", k.Value)
		}
	}
	if defNode != nil && !t.Known(t.Default) {
		p.errf(defNode, "default team %q is not in teams:", t.Default)
	}
	if rulesNode != nil {
		p.rules(t, rulesNode)
	}
	if len(p.probs) > 0 {
		return nil, p.probs
	}
	return t, nil
}

type parser struct {
	file  string
	probs []knowledge.Problem
}

func (p *parser) errf(n *yaml.Node, format string, args ...any) {
	p.probs = append(p.probs, knowledge.Problem{File: p.file, Line: n.Line, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) teams(t *Table, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.errf(n, "teams: expected a mapping of team ids")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !teamIDRe.MatchString(k.Value) {
			p.errf(k, "team id %q: use lower-case letters, digits, - and _ (like payments)", k.Value)
			continue
		}
		tm := Team{ID: k.Value, Names: map[string]string{}}
		if v.Kind != yaml.MappingNode {
			p.errf(v, "team %s: expected name: and channel:", k.Value)
			continue
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			kk, vv := v.Content[j], v.Content[j+1]
			switch kk.Value {
			case "name":
				if vv.Kind != yaml.MappingNode {
					p.errf(vv, "team %s: name: expected one line per language, like en: payments team", k.Value)
					continue
				}
				for m := 0; m+1 < len(vv.Content); m += 2 {
					tm.Names[vv.Content[m].Value] = strings.TrimSpace(vv.Content[m+1].Value)
				}
			case "channel":
				if vv.Value != "" && !channelRe.MatchString(vv.Value) {
					p.errf(vv, "team %s: channel %q is not a channel id (like C0123456789, from the channel's details)", k.Value, vv.Value)
					continue
				}
				tm.Channel = vv.Value
			default:
				p.errf(kk, "team %s: unknown key %q (want name or channel)", k.Value, kk.Value)
			}
		}
		t.Teams[k.Value] = tm
	}
}

func (p *parser) rules(t *Table, n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.errf(n, "rules: expected a list")
		return
	}
	for _, rn := range n.Content {
		if rn.Kind != yaml.MappingNode {
			p.errf(rn, "a rule: expected team: and langs:, reasons: or tags:")
			continue
		}
		r := Rule{Line: rn.Line}
		list := func(v *yaml.Node, what string) []string {
			if v.Kind != yaml.SequenceNode {
				p.errf(v, "%s: expected a list, like [a, b]", what)
				return nil
			}
			var out []string
			for _, x := range v.Content {
				out = append(out, x.Value)
			}
			return out
		}
		for j := 0; j+1 < len(rn.Content); j += 2 {
			k, v := rn.Content[j], rn.Content[j+1]
			switch k.Value {
			case "team":
				r.Team = v.Value
				if !t.Known(r.Team) {
					p.errf(v, "team %q is not in teams:", r.Team)
				}
			case "langs":
				r.Langs = list(v, "langs")
			case "reasons":
				r.Reasons = list(v, "reasons")
				for i, reason := range r.Reasons {
					if !slices.Contains(Reasons, reason) {
						p.errf(v.Content[i], "unknown reason %q (want one of %s)", reason, strings.Join(Reasons, ", "))
					}
				}
			case "tags":
				// A tag no entry has yet is allowed: knowledge may follow.
				r.Tags = list(v, "tags")
			default:
				p.errf(k, "unknown key %q in a rule (want team, langs, reasons or tags)", k.Value)
			}
		}
		if r.Team == "" {
			p.errf(rn, "a rule without team:")
		}
		if len(r.Langs)+len(r.Reasons)+len(r.Tags) == 0 {
			p.errf(rn, "a rule without langs:, reasons: or tags: would take every handoff; use default: instead")
		}
		t.Rules = append(t.Rules, r)
	}
}
