package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultAddr is where the HTTP server listens unless told otherwise.
const DefaultAddr = "127.0.0.1:8717"

// Config is everything the command line and environment decide.
type Config struct {
	// Mode is "desktop" or "serve".
	Mode        string
	DataDir     string
	Addr        string
	AllowRemote bool
	// APIKey, from HOOKLINE_API_KEY, pins the read-write key.
	APIKey      string
	Workers     int
	Timeout     time.Duration
	RetryDelays []time.Duration
	// AddrFallback lets the desktop app take any free port when Addr is busy.
	AddrFallback bool
	// TransferDir is the .flotiq folder of `export DIR` / `import DIR`.
	TransferDir string
	// KeepWebhooks lets `import` queue webhook deliveries.
	KeepWebhooks bool
}

// ErrUsage means the command line was wrong; the caller prints usage and
// exits with status 2.
var ErrUsage = errors.New("usage")

// Usage is printed for -h and for bad command lines.
const Usage = `Usage:
  hookline [--data DIR]            open the desktop editor
  hookline serve [flags]           run headless: the UI in a browser, the REST API and the workers
  hookline export [--data DIR] FOLDER
                                   write types, objects, media files and webhooks as a .flotiq folder
  hookline import [--data DIR] [--keep-webhooks] FOLDER
                                   add a .flotiq folder, all or nothing (webhooks stay quiet unless --keep-webhooks)

Serve flags:
  --addr HOST:PORT     listen address (default 127.0.0.1:8717; 127.0.0.1:0 picks a free port)
  --data DIR           data folder (default $HOOKLINE_DATA, else <user config dir>/hookline)
  --allow-remote       allow a non-loopback --addr (then HOOKLINE_API_KEY is required)
  --workers N          delivery workers (default 8)
  --timeout DURATION   per-attempt HTTP timeout (default 10s)
  --retry-delays LIST  retry schedule, e.g. 10s,1m,5m,30m,2h

Environment:
  HOOKLINE_DATA        data folder
  HOOKLINE_API_KEY     read-write API key for the REST API
`

// ParseArgs reads the command line (without the program name).
func ParseArgs(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	cfg := Config{Mode: "desktop", Addr: DefaultAddr, AddrFallback: true}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "serve", "export", "import":
		default:
			fmt.Fprintf(stderr, "hookline: unknown command %q\n\n%s", args[0], Usage)
			return cfg, ErrUsage
		}
		cfg.Mode, cfg.AddrFallback = args[0], false
		args = args[1:]
	}
	fs := flag.NewFlagSet("hookline", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	data := fs.String("data", "", "")
	var addr, retries string
	var workers int
	var timeout time.Duration
	if cfg.Mode == "serve" {
		fs.StringVar(&addr, "addr", DefaultAddr, "")
		fs.BoolVar(&cfg.AllowRemote, "allow-remote", false, "")
		fs.IntVar(&workers, "workers", 0, "")
		fs.DurationVar(&timeout, "timeout", 0, "")
		fs.StringVar(&retries, "retry-delays", "", "")
	}
	if cfg.Mode == "import" {
		fs.BoolVar(&cfg.KeepWebhooks, "keep-webhooks", false, "")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stderr, Usage)
			return cfg, ErrUsage
		}
		fmt.Fprintf(stderr, "hookline: %v\n\n%s", err, Usage)
		return cfg, ErrUsage
	}
	if cfg.Mode == "export" || cfg.Mode == "import" {
		if fs.NArg() != 1 {
			fmt.Fprintf(stderr, "hookline: %s needs one FOLDER argument\n\n%s", cfg.Mode, Usage)
			return cfg, ErrUsage
		}
		cfg.TransferDir = fs.Arg(0)
	} else if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hookline: unexpected argument %q\n\n%s", fs.Arg(0), Usage)
		return cfg, ErrUsage
	}
	if cfg.Mode == "serve" {
		cfg.Addr = addr
	}
	cfg.APIKey = getenv("HOOKLINE_API_KEY")
	cfg.DataDir = *data
	if cfg.DataDir == "" {
		cfg.DataDir = getenv("HOOKLINE_DATA")
	}
	if cfg.DataDir == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return cfg, fmt.Errorf("cannot find a data folder (%v); pass --data DIR", err)
		}
		cfg.DataDir = filepath.Join(dir, "hookline")
	}
	if workers < 0 || workers > 256 {
		return cfg, fmt.Errorf("--workers must be between 1 and 256")
	}
	cfg.Workers = workers
	if timeout < 0 {
		return cfg, fmt.Errorf("--timeout must be positive")
	}
	cfg.Timeout = timeout
	if retries != "" {
		ds, err := ParseDelays(retries)
		if err != nil {
			return cfg, fmt.Errorf("--retry-delays: %w", err)
		}
		cfg.RetryDelays = ds
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return cfg, fmt.Errorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8717", cfg.Addr)
	}
	if !isLoopback(host) {
		if !cfg.AllowRemote {
			return cfg, fmt.Errorf("--addr %s is not a loopback address; Hookline listens on this machine only unless --allow-remote is given", cfg.Addr)
		}
		if cfg.APIKey == "" {
			return cfg, fmt.Errorf("--allow-remote needs an API key: set HOOKLINE_API_KEY")
		}
	}
	return cfg, nil
}

// ParseDelays parses a comma-separated retry schedule such as "10s,1m,5m".
func ParseDelays(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, part := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("%q is not a positive duration (use forms like 10s, 1m, 2h)", part)
		}
		out = append(out, d)
	}
	if len(out) > 20 {
		return nil, fmt.Errorf("at most 20 retry steps")
	}
	return out, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
