package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// riverResult is what bench/river prints.
type riverResult struct {
	Jobs            int     `json:"jobs"`
	Seconds         float64 `json:"seconds"`
	PerSecond       float64 `json:"perSecond"`
	InsertSeconds   float64 `json:"insertSeconds"`
	CPUMicrosPerJob float64 `json:"cpuMicrosPerJob"`
	FetchCooldownMs float64 `json:"fetchCooldownMs"`
}

// partRiver is the peer: River drains the drain part's backlog (the same
// count, the same body, the same receiver) in its own process, right after
// Hookline did. River is run twice: with its default FetchCooldown, which
// its docs name as the throughput limit, on a smaller backlog because at
// that setting it cannot go faster than workers per cooldown; and with the
// shortest cooldown River accepts, on the full backlog. Hookline is
// compared with the faster run.
func (b *bench) partRiver(ctx context.Context) error {
	if b.cfg.riverBin == "" {
		return nil
	}
	if b.drainBody == nil {
		return fmt.Errorf("the river part needs the drain part (its backlog and body)")
	}
	bodyFile := filepath.Join(b.root, "river-body.json")
	if err := os.WriteFile(bodyFile, b.drainBody, 0o600); err != nil {
		return err
	}
	runs := []struct {
		name     string
		cooldown time.Duration
		n        int
	}{
		{"default FetchCooldown 100 ms", 100 * time.Millisecond, min(b.cfg.drainN, 2_000)},
		{"FetchCooldown 1 ms (River's minimum)", time.Millisecond, b.cfg.drainN},
	}
	var best riverResult
	var all []riverResult
	for i, r := range runs {
		dir := filepath.Join(b.root, fmt.Sprintf("river-%d", i))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		b.progress("river: %d jobs, %d workers, %s", r.n, b.cfg.workers, r.name)
		settle()
		res, err := b.runRiver(ctx, dir, bodyFile, r.n, r.cooldown)
		if err != nil {
			return err
		}
		b.add("2b peer", fmt.Sprintf("River drain, %d workers, %s", b.cfg.workers, r.name), res.PerSecond, "jobs/s", nil)
		all = append(all, res)
		if res.PerSecond > best.PerSecond {
			best = res
		}
	}
	c := atLeast(1, "")
	b.add("2b peer", "Hookline drain ÷ River (faster run)", b.drainRate/best.PerSecond, "ratio", &c)
	b.details["river"] = map[string]any{"runs": all, "hooklinePerSecond": b.drainRate}
	return nil
}

func (b *bench) runRiver(ctx context.Context, dir, bodyFile string, n int, cooldown time.Duration) (riverResult, error) {
	cmd := exec.CommandContext(ctx, b.cfg.riverBin,
		"-dir", dir, "-n", fmt.Sprint(n), "-receiver", b.recv.url, "-body", bodyFile,
		"-workers", fmt.Sprint(b.cfg.workers), "-fetch-cooldown", cooldown.String())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return riverResult{}, fmt.Errorf("%s: %w: %s", b.cfg.riverBin, err, stderr.String())
	}
	var res riverResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return riverResult{}, fmt.Errorf("%s printed %q: %w", b.cfg.riverBin, stdout.String(), err)
	}
	return res, nil
}
