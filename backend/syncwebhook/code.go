package syncwebhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/metrics"
	"time"

	"github.com/dop251/goja"

	"hookline/backend/delivery"
	"hookline/backend/webhook"
)

// CodeLimits bounds the sandbox of code webhooks. Zero fields get defaults.
//
// goja has no heap limit of its own. The memory bound is enforced from
// outside: while a script runs, a watchdog samples the process's live heap
// every SampleEvery and interrupts the script once the heap has grown by
// more than MaxHeapGrowth since it started. That bound is approximate: the
// heap is the whole process's (other work counts too), a script can
// overshoot by what it allocates between two samples, and a single huge
// allocation happens before any sample can see it. The string builders
// that make such an allocation in one call (repeat, padStart, padEnd) are
// capped at MaxStringLength.
type CodeLimits struct {
	// MaxHeapGrowth is how much the live heap may grow while a script runs.
	// Default 64 MiB.
	MaxHeapGrowth uint64
	// SampleEvery is how often the watchdog looks. Default 5 ms.
	SampleEvery time.Duration
	// MaxCallStack bounds recursion depth. Default 1000 frames.
	MaxCallStack int
	// MaxStringLength caps String.prototype.repeat/padStart/padEnd results,
	// in UTF-16 units. Default 1<<22 (4 Mi).
	MaxStringLength int
}

func (l *CodeLimits) defaults() {
	if l.MaxHeapGrowth == 0 {
		l.MaxHeapGrowth = 64 << 20
	}
	if l.SampleEvery <= 0 {
		l.SampleEvery = 5 * time.Millisecond
	}
	if l.MaxCallStack <= 0 {
		l.MaxCallStack = 1000
	}
	if l.MaxStringLength <= 0 {
		l.MaxStringLength = 1 << 22
	}
}

// scriptName is the file name goja reports positions in.
const scriptName = "webhook.js"

// interrupt reasons, given to Runtime.Interrupt.
var (
	errTimeLimit   = errors.New("time limit")
	errMemoryLimit = errors.New("memory limit")
	errCancelled   = errors.New("cancelled")
)

// guardScript caps the string builders that allocate a whole result at once,
// and removes what a Flotiq code webhook has no use for. goja itself offers
// no require, no timers, no network and no file system.
const guardScript = `(function (max) {
  const wrap = function (name) {
    const orig = String.prototype[name];
    Object.defineProperty(String.prototype, name, {value: function (n) {
      const want = name === 'repeat' ? this.length * n : n;
      if (want > max) throw new RangeError(name + ': result longer than ' + max + ' characters');
      return orig.apply(this, arguments);
    }, writable: false, configurable: false});
  };
  wrap('repeat'); wrap('padStart'); wrap('padEnd');
})`

// CodeOutcome is what a code webhook decided, for Try it and for the chain.
type CodeOutcome struct {
	// Verdict is accepted, modified, rejected or failed.
	Verdict string `json:"verdict"`
	// Payload is the object to save (accepted or modified).
	Payload map[string]any `json:"payload,omitempty"`
	// Errors are the field messages of a rejection.
	Errors map[string][]string `json:"errors,omitempty"`
	// Error says why the script failed, naming the line where goja reports it.
	Error      string `json:"error,omitempty"`
	DurationMs int64  `json:"durationMs"`
}

// RunCode runs a code webhook's source against payload, in a fresh runtime,
// within timeout. It is exported for Try it: nothing is saved or logged.
func (r *Runner) RunCode(ctx context.Context, code string, timeout time.Duration, payload map[string]any) CodeOutcome {
	began := time.Now()
	out := r.runScript(ctx, code, timeout, payload)
	out.DurationMs = time.Since(began).Milliseconds()
	return out
}

func (r *Runner) runScript(ctx context.Context, code string, timeout time.Duration, payload map[string]any) CodeOutcome {
	fail := func(format string, args ...any) CodeOutcome {
		return CodeOutcome{Verdict: delivery.VerdictFailed, Error: fmt.Sprintf(format, args...)}
	}
	prg, err := goja.Compile(scriptName, code, false)
	if err != nil {
		return fail("the code does not compile: %v", err)
	}
	input, err := json.Marshal(map[string]any{"payload": payload})
	if err != nil {
		return fail("the object cannot be encoded: %v", err)
	}
	vm := goja.New()
	vm.SetMaxCallStackSize(r.opts.Code.MaxCallStack)
	guard, err := vm.RunString(guardScript)
	if err != nil {
		return fail("sandbox: %v", err)
	}
	if fn, ok := goja.AssertFunction(guard); !ok {
		return fail("sandbox: guard is not a function")
	} else if _, err := fn(goja.Undefined(), vm.ToValue(r.opts.Code.MaxStringLength)); err != nil {
		return fail("sandbox: %v", err)
	}
	// Taken before the script runs, so that it cannot swap them.
	jsonObj := vm.Get("JSON").ToObject(vm)
	parse, ok1 := goja.AssertFunction(jsonObj.Get("parse"))
	stringify, ok2 := goja.AssertFunction(jsonObj.Get("stringify"))
	if !ok1 || !ok2 {
		return fail("sandbox: JSON is missing")
	}

	stop := r.watch(ctx, vm, timeout)
	defer stop()
	result, err := func() (string, error) {
		if _, err := vm.RunProgram(prg); err != nil {
			return "", err
		}
		// A top-level const or let is not a property of the global object,
		// but a later script sees it.
		entry, err := vm.RunString(`typeof _webhook === 'function' ? _webhook : undefined`)
		if err != nil {
			return "", err
		}
		fn, ok := goja.AssertFunction(entry)
		if !ok {
			return "", errNoEntry
		}
		ctxVal, err := parse(goja.Undefined(), vm.ToValue(string(input)))
		if err != nil {
			return "", err
		}
		v, err := fn(goja.Undefined(), ctxVal)
		if err != nil {
			return "", err
		}
		if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
			return "", errShape
		}
		if _, ok := v.Export().(*goja.Promise); ok {
			return "", errAsync
		}
		j, err := stringify(goja.Undefined(), v)
		if err != nil {
			return "", err
		}
		if j == nil || goja.IsUndefined(j) {
			return "", errShape
		}
		return j.String(), nil
	}()
	if err != nil {
		return fail("%s", describeScriptError(err, timeout, r.opts.Code.MaxHeapGrowth))
	}
	return decodeScriptResult(result, payload)
}

var (
	errNoEntry = errors.New("the code defines no _webhook function (write function _webhook(ctx) { … } or const _webhook = ctx => { … })")
	errShape   = errors.New("_webhook must return { payload: {…} } or { errors: { field: [\"message\"] } }")
	errAsync   = errors.New("_webhook must be synchronous; it returned a Promise")
)

// decodeScriptResult reads what _webhook returned, as JSON.
func decodeScriptResult(result string, sent map[string]any) CodeOutcome {
	var v struct {
		Payload json.RawMessage `json:"payload"`
		Errors  json.RawMessage `json:"errors"`
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal([]byte(result), &probe) != nil || probe == nil || json.Unmarshal([]byte(result), &v) != nil {
		return CodeOutcome{Verdict: delivery.VerdictFailed, Error: errShape.Error()}
	}
	if len(v.Errors) > 0 && string(v.Errors) != "null" {
		fields, ok := decodeErrors(v.Errors)
		if !ok {
			return CodeOutcome{Verdict: delivery.VerdictFailed, Error: "_webhook returned errors, but none in the { field: [\"message\"] } form"}
		}
		return CodeOutcome{Verdict: delivery.VerdictRejected, Errors: fields}
	}
	if len(v.Payload) == 0 {
		return CodeOutcome{Verdict: delivery.VerdictFailed, Error: errShape.Error()}
	}
	a := decodePayload(v.Payload, sent)
	if a.verdict == delivery.VerdictFailed {
		return CodeOutcome{Verdict: a.verdict, Error: "_webhook returned a payload that is not an object"}
	}
	return CodeOutcome{Verdict: a.verdict, Payload: a.payload}
}

// watch interrupts vm at the time limit, when ctx ends, or when the heap
// grows past the bound; the returned func stops watching.
func (r *Runner) watch(ctx context.Context, vm *goja.Runtime, timeout time.Duration) func() {
	done := make(chan struct{})
	lim := r.opts.Code
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	go func() {
		deadline := time.NewTimer(timeout)
		defer deadline.Stop()
		tick := time.NewTicker(lim.SampleEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-deadline.C:
				vm.Interrupt(errTimeLimit)
				return
			case <-ctx.Done():
				vm.Interrupt(errCancelled)
				return
			case <-tick.C:
				metrics.Read(sample)
				if now := sample[0].Value.Uint64(); now > base && now-base > lim.MaxHeapGrowth {
					vm.Interrupt(errMemoryLimit)
					return
				}
			}
		}
	}()
	return func() { close(done) }
}

// describeScriptError turns what goja reported into a message that names
// the line.
func describeScriptError(err error, timeout time.Duration, heap uint64) string {
	var intr *goja.InterruptedError
	if errors.As(err, &intr) {
		where := position(intr.Stack())
		switch intr.Value() {
		case errTimeLimit:
			return fmt.Sprintf("the code ran longer than %s and was stopped%s", timeout, where)
		case errMemoryLimit:
			return fmt.Sprintf("the code used more than %d MiB of memory and was stopped%s", heap>>20, where)
		case errCancelled:
			return "the save was cancelled while the code ran" + where
		}
		return "the code was stopped" + where
	}
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		return "the code recursed too deeply" + position(so.Stack())
	}
	var exc *goja.Exception
	if errors.As(err, &exc) {
		msg := "the code threw an exception"
		if v := exc.Value(); v != nil {
			msg = "the code threw " + v.String()
		}
		return msg + position(exc.Stack())
	}
	return err.Error()
}

// position names the innermost frame of the script in a stack.
func position(stack []goja.StackFrame) string {
	for _, f := range stack {
		if f.SrcName() != scriptName {
			continue
		}
		p := f.Position()
		if p.Line > 0 {
			return fmt.Sprintf(" (line %d, column %d)", p.Line, p.Column)
		}
	}
	return ""
}

// runCode is a code webhook's part of a chain.
func (r *Runner) runCode(ctx context.Context, w webhook.Webhook, req Request) result {
	start := r.opts.Now()
	res := result{log: delivery.FinishedLog{ID: delivery.NewLogID(), WebhookID: w.ID, URL: "code:" + scriptName, StartedAt: start}}
	body, err := encode(req)
	if err != nil {
		res.log.Verdict, res.log.Error = delivery.VerdictFailed, "the object cannot be encoded: "+err.Error()
		return res
	}
	res.log.Body = body
	out := r.RunCode(ctx, w.Code, w.Timeout(), req.Payload)
	res.log.Duration = time.Duration(out.DurationMs) * time.Millisecond
	res.log.Verdict, res.payload, res.errors = out.Verdict, out.Payload, out.Errors
	// The log shows the status a URL receiver would have answered, and
	// what the script returned.
	switch out.Verdict {
	case delivery.VerdictAccepted, delivery.VerdictModified:
		res.log.Code = 200
		res.log.ResponseBody, _ = encode(map[string]any{"payload": out.Payload})
	case delivery.VerdictRejected:
		res.log.Code = 400
		res.log.Error = "rejected the save"
		res.log.ResponseBody, _ = encode(map[string]any{"errors": out.Errors})
	default:
		res.log.Error = out.Error
	}
	res.log.ResponseHeaders = []delivery.Header{{Name: "Content-Type", Value: "application/json"}}
	if out.Verdict == delivery.VerdictFailed {
		res.log.ResponseHeaders = nil
	}
	return res
}
