package llm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"
)

// Names of the structured outputs (also the tool names in OutputTool mode).
const (
	answerSchemaName  = "baton_answer"
	summarySchemaName = "baton_summary"
)

// answerSchema is the strict JSON schema of a reply. Static, so providers
// that compile and cache schemas do it once.
var answerSchema = json.RawMessage(`{"type":"object","properties":{` +
	`"answer":{"type":"string"},"entry_id":{"type":"string"},"covered":{"type":"boolean"},` +
	`"wants_human":{"type":"boolean"},"angry":{"type":"boolean"},"confused":{"type":"boolean"}},` +
	`"required":["answer","entry_id","covered","wants_human","angry","confused"],"additionalProperties":false}`)

var summarySchema = json.RawMessage(`{"type":"object","properties":{` +
	`"summary":{"type":"string"},"reply":{"type":"string"}},` +
	`"required":["summary","reply"],"additionalProperties":false}`)

// schemaTokens is what sending the schema adds to the prompt. Compact JSON
// runs four to five bytes per token in real tokenizers; a third of its bytes
// is on the safe side (EstimateTokens charges every quote and brace, which
// tokenizers merge into "\":\"" and the like).
func (a *Answerer) schemaTokens() int {
	switch a.cfg.Output {
	case OutputJSONSchema, OutputTool:
		return (len(answerSchema)+2)/3 + 10
	}
	return 0
}

// reasoningModel reports models that reject max_tokens and temperature.
func reasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// request builds the chat request for a prompt with the configured output
// mode.
func (a *Answerer) request(system, user, schemaName string, schema json.RawMessage, maxTokens int) openai.ChatCompletionRequest {
	req := openai.ChatCompletionRequest{
		Model: a.cfg.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: system},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
	}
	if reasoningModel(a.cfg.Model) {
		// Reasoning tokens count against the cap; leave them room.
		req.MaxCompletionTokens = maxTokens * 4
	} else {
		req.MaxTokens = maxTokens
		req.Temperature = 0.2
	}
	switch a.cfg.Output {
	case OutputJSONSchema:
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type:       openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: schemaName, Schema: schema, Strict: true},
		}
	case OutputTool:
		req.Tools = []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name: schemaName, Description: "Give the reply.", Strict: true, Parameters: schema,
		}}}
		req.ToolChoice = openai.ToolChoice{Type: openai.ToolTypeFunction, Function: openai.ToolFunction{Name: schemaName}}
	case OutputJSONObject:
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return req
}

// errInvalid marks a reply that does not follow the schema or the rules.
var errInvalid = errors.New("invalid model output")

// payload picks the JSON the model produced: a tool call's arguments or the
// message content.
func payload(msg openai.ChatCompletionMessage, finish openai.FinishReason) (string, error) {
	if msg.Refusal != "" {
		return "", fmt.Errorf("%w: the model refused", errInvalid)
	}
	if finish == openai.FinishReasonLength {
		return "", fmt.Errorf("%w: cut off at the token limit", errInvalid)
	}
	if finish == openai.FinishReasonContentFilter {
		return "", fmt.Errorf("%w: content filter", errInvalid)
	}
	for _, tc := range msg.ToolCalls {
		if tc.Function.Arguments != "" {
			return tc.Function.Arguments, nil
		}
	}
	if msg.FunctionCall != nil && msg.FunctionCall.Arguments != "" {
		return msg.FunctionCall.Arguments, nil
	}
	return msg.Content, nil
}

// decodeObject decodes the first JSON object in s into v. Local models often
// wrap JSON in a Markdown fence or a sentence (which may hold braces of its
// own); both are tolerated, nothing else is.
func decodeObject(s string, v any) error {
	err := fmt.Errorf("%w: no JSON object in the reply", errInvalid)
	for tries, from := 0, 0; tries < 4; tries++ {
		i := strings.IndexByte(s[from:], '{')
		if i < 0 {
			break
		}
		from += i
		if derr := json.NewDecoder(strings.NewReader(s[from:])).Decode(v); derr == nil {
			return nil
		} else if tries == 0 {
			err = fmt.Errorf("%w: %v", errInvalid, derr)
		}
		from++
	}
	return err
}

// reply is a validated answer from the model.
type reply struct {
	Answer     string
	EntryID    string
	Covered    bool
	WantsHuman bool
	Angry      bool
	Confused   bool
}

// parseReply decodes and validates a reply: answer and covered must be
// there with the right types, the answer non-empty, and entry_id one of the
// entries given (or empty). The length is checked after the output guard
// (see checkLength), so an echoed system prompt counts as a leak.
func parseReply(raw string, given []string) (reply, error) {
	var w struct {
		Answer     *string `json:"answer"`
		EntryID    *string `json:"entry_id"`
		Covered    *bool   `json:"covered"`
		WantsHuman *bool   `json:"wants_human"`
		Angry      *bool   `json:"angry"`
		Confused   *bool   `json:"confused"`
	}
	if err := decodeObject(raw, &w); err != nil {
		return reply{}, err
	}
	if w.Answer == nil || w.Covered == nil {
		return reply{}, fmt.Errorf("%w: answer or covered missing", errInvalid)
	}
	r := reply{Answer: cleanAnswer(*w.Answer), Covered: *w.Covered}
	if r.Answer == "" {
		return reply{}, fmt.Errorf("%w: empty answer", errInvalid)
	}
	if w.EntryID != nil {
		r.EntryID = strings.TrimSpace(*w.EntryID)
	}
	if r.EntryID != "" && !slices.Contains(given, r.EntryID) {
		return reply{}, fmt.Errorf("%w: cites an entry that was not given", errInvalid)
	}
	if !r.Covered {
		r.EntryID = "" // "not covered" is not an answer from that entry
	}
	r.WantsHuman = w.WantsHuman != nil && *w.WantsHuman
	r.Angry = w.Angry != nil && *w.Angry
	r.Confused = w.Confused != nil && *w.Confused
	return r, nil
}

// checkLength rejects answers too long for a chat message: the model
// rambled or was led astray.
func checkLength(answer string, maxRunes int) error {
	if n := utf8.RuneCountInString(answer); n > maxRunes {
		return fmt.Errorf("%w: answer of %d characters, over %d", errInvalid, n, maxRunes)
	}
	return nil
}

var (
	emphasisRe = regexp.MustCompile(`\*\*([^*\n]+)\*\*|__([^_\n]+)__`)
	headingRe  = regexp.MustCompile(`(?m)^#{1,6}\s+`)
)

// cleanAnswer removes Markdown the chat apps would show literally.
func cleanAnswer(s string) string {
	s = strings.TrimSpace(s)
	s = emphasisRe.ReplaceAllString(s, "$1$2")
	s = headingRe.ReplaceAllString(s, "")
	s = blankLinesRe.ReplaceAllString(s, "\n\n")
	return s
}

// summaryReply is a validated handoff summary.
type summaryReply struct {
	Summary string
	Reply   string
}

func parseSummary(raw string) (summaryReply, error) {
	var w struct {
		Summary *string `json:"summary"`
		Reply   *string `json:"reply"`
	}
	if err := decodeObject(raw, &w); err != nil {
		return summaryReply{}, err
	}
	if w.Summary == nil {
		return summaryReply{}, fmt.Errorf("%w: summary missing", errInvalid)
	}
	var lines []string
	for _, l := range strings.Split(*w.Summary, "\n") {
		l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "-•*"))
		if l != "" {
			lines = append(lines, truncateRunes(l, 200))
		}
	}
	if len(lines) == 0 {
		return summaryReply{}, fmt.Errorf("%w: empty summary", errInvalid)
	}
	r := summaryReply{Summary: strings.Join(lines[:min(2, len(lines))], "\n")}
	if w.Reply != nil {
		r.Reply = truncateRunes(cleanAnswer(*w.Reply), 600)
	}
	return r, nil
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	var b bytes.Buffer
	for i, r := range []rune(s) {
		if i == n-1 {
			break
		}
		b.WriteRune(r)
	}
	return b.String() + "…"
}
