package inbox

import (
	"encoding/json"
	"net/http"

	"hookline/backend/errs"
)

// Sync modes of an inbox: how it answers a synchronous webhook's request.
const (
	SyncOff    = ""       // the plain scripted answer
	SyncAccept = "accept" // 200, the object unchanged
	SyncModify = "modify" // 200, the object with SyncPatch merged in
	SyncReject = "reject" // 400 with SyncErrors
)

// syncScript is the sync part of an inbox's script, validated.
type syncScript struct {
	mode          string
	errors, patch string // JSON
}

func validateSync(f errs.Fields, in Input) syncScript {
	sc := syncScript{mode: in.SyncMode, errors: "{}", patch: "{}"}
	switch in.SyncMode {
	case SyncOff, SyncAccept:
	case SyncReject:
		if len(in.SyncErrors) == 0 {
			f.Add("syncErrors", `give at least one field and message, e.g. {"title":["Too short"]}`)
		}
		for k, msgs := range in.SyncErrors {
			if k == "" || len(msgs) == 0 {
				f.Add("syncErrors", "every field needs a name and at least one message")
				break
			}
		}
	case SyncModify:
		if len(in.SyncPatch) == 0 {
			f.Add("syncPatch", `give a JSON merge patch object, e.g. {"title":"Changed by the inbox"}`)
		}
	default:
		f.Add("syncMode", "must be one of accept, modify, reject, or empty for the plain answer")
	}
	if in.SyncErrors != nil {
		b, _ := json.Marshal(in.SyncErrors)
		sc.errors = string(b)
	}
	if in.SyncPatch != nil {
		b, _ := json.Marshal(in.SyncPatch)
		sc.patch = string(b)
	}
	if len(sc.errors)+len(sc.patch) > MaxScriptBody {
		f.Add("syncPatch", "the sync errors and patch must be at most %d bytes together", MaxScriptBody)
	}
	return sc
}

// syncRequest is the part of Flotiq's sync request the inbox echoes.
type syncRequest struct {
	Type           string         `json:"type"`
	Subject        string         `json:"subject"`
	Event          string         `json:"event"`
	SequenceNumber int            `json:"sequenceNumber"`
	Payload        map[string]any `json:"payload"`
}

// syncAnswer answers body as a sync receiver would, when the inbox has a
// sync mode and body is a sync request; ok is false otherwise (the plain
// answer applies).
func syncAnswer(ib Inbox, body []byte) (Response, bool) {
	if ib.SyncMode == SyncOff {
		return Response{}, false
	}
	var req syncRequest
	if json.Unmarshal(body, &req) != nil || req.Type != "request" || req.Payload == nil {
		return Response{}, false
	}
	out := map[string]any{"type": "response", "subject": req.Subject, "event": req.Event,
		"sequenceNumber": req.SequenceNumber, "response": map[string]any{}, "payload": req.Payload}
	status := http.StatusOK
	switch ib.SyncMode {
	case SyncModify:
		out["payload"] = mergePatch(req.Payload, ib.SyncPatch)
	case SyncReject:
		status = http.StatusBadRequest
		out["response"] = map[string]any{"errors": ib.SyncErrors}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return Response{}, false
	}
	return Response{Status: status, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(b), DelayMs: ib.DelayMs}, true
}

// mergePatch applies an RFC 7386 JSON merge patch: a null removes a key,
// an object merges recursively, anything else replaces.
func mergePatch(target map[string]any, patch map[string]any) map[string]any {
	if target == nil {
		target = map[string]any{}
	}
	for k, v := range patch {
		switch pv := v.(type) {
		case nil:
			delete(target, k)
		case map[string]any:
			sub, _ := target[k].(map[string]any)
			target[k] = mergePatch(sub, pv)
		default:
			target[k] = v
		}
	}
	return target
}
