package syncwebhook

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"unicode/utf8"

	"hookline/backend/delivery"
)

// Request is what a sync webhook receives, in Flotiq's shape (spec §5.5).
type Request struct {
	Type            string         `json:"type"`
	Subject         string         `json:"subject"`
	Event           string         `json:"event"`
	SequenceNumber  int            `json:"sequenceNumber"`
	ContentTypeName string         `json:"contentTypeName"`
	UserInfo        UserInfo       `json:"userInfo"`
	Payload         map[string]any `json:"payload"`
}

// UserInfo names who made the change. Hookline has one local user and does
// not tell API keys apart, so it is always the same.
type UserInfo struct {
	ID         string `json:"id"`
	FirstName  string `json:"firstName"`
	LastName   string `json:"lastName"`
	APIKeyName string `json:"apiKeyName"`
}

var localUser = UserInfo{ID: "local", FirstName: "Hookline", LastName: "User"}

// Bounds on what a receiver's errors may put into an API answer.
const (
	maxErrorFields  = 50
	maxFieldMsgs    = 20
	maxMessageRunes = 500
	maxFieldRunes   = 200
)

// malformed is Flotiq's own wording for an answer that is not JSON.
const malformed = "Could not decode JSON, syntax error - malformed JSON."

// answer is a receiver's (or a script's) answer, decoded.
type answer struct {
	verdict string
	payload map[string]any
	errors  map[string][]string
	// detail says what was wrong, for a failed verdict.
	detail string
}

// decodeAnswer reads the answer to a request that sent payload sent: 200
// with an optional "payload" accepts or modifies; 400 with
// "response.errors" rejects; anything else fails.
func decodeAnswer(status int, body []byte, sent map[string]any) answer {
	switch status {
	case http.StatusOK, http.StatusBadRequest:
	default:
		return answer{verdict: delivery.VerdictFailed, detail: fmt.Sprintf("the receiver answered %d; 200 or 400 is expected", status)}
	}
	var msg struct {
		Response struct {
			Errors json.RawMessage `json:"errors"`
		} `json:"response"`
		Payload json.RawMessage `json:"payload"`
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(body, &probe); err != nil || probe == nil {
		return answer{verdict: delivery.VerdictFailed, detail: malformed}
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		return answer{verdict: delivery.VerdictFailed, detail: "the answer has the wrong shape: " + err.Error()}
	}
	if status == http.StatusBadRequest {
		fields, ok := decodeErrors(msg.Response.Errors)
		if !ok {
			return answer{verdict: delivery.VerdictFailed, detail: "the receiver answered 400 without response.errors"}
		}
		return answer{verdict: delivery.VerdictRejected, errors: fields}
	}
	return decodePayload(msg.Payload, sent)
}

// decodePayload reads the "payload" of an accepting answer.
func decodePayload(raw json.RawMessage, sent map[string]any) answer {
	if len(raw) == 0 || string(raw) == "null" {
		return answer{verdict: delivery.VerdictAccepted, payload: sent}
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil || p == nil {
		return answer{verdict: delivery.VerdictFailed, detail: "the payload in the answer is not an object"}
	}
	return answer{verdict: verdictOf(sent, p), payload: p}
}

// decodeErrors reads response.errors: a map of field to messages (or to
// one message), as Flotiq's code webhooks return, or a list of messages,
// which are put under "__webhook". It reports false when there are none.
func decodeErrors(raw json.RawMessage) (map[string][]string, bool) {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return nil, false
	}
	out := map[string][]string{}
	switch e := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(e))
		for k := range e {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if len(out) == maxErrorFields {
				break
			}
			var msgs []string
			switch m := e[k].(type) {
			case string:
				msgs = []string{m}
			case []any:
				for _, x := range m {
					msgs = append(msgs, messageOf(x))
				}
			default:
				msgs = []string{messageOf(m)}
			}
			if len(msgs) > maxFieldMsgs {
				msgs = msgs[:maxFieldMsgs]
			}
			if len(msgs) > 0 {
				out[clip(k, maxFieldRunes)] = msgs
			}
		}
	case []any:
		for _, x := range e {
			if len(out["__webhook"]) == maxFieldMsgs {
				break
			}
			out["__webhook"] = append(out["__webhook"], messageOf(x))
		}
	case string:
		if e != "" {
			out["__webhook"] = []string{clip(e, maxMessageRunes)}
		}
	}
	return out, len(out) > 0
}

// messageOf renders one error message, bounded.
func messageOf(v any) string {
	if s, ok := v.(string); ok {
		return clip(s, maxMessageRunes)
	}
	b, _ := json.Marshal(v)
	return clip(string(b), maxMessageRunes)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
