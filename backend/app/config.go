package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"hookline/backend/api"
	"hookline/backend/dbconfig"
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
	// AllowedHosts are the names and addresses, besides loopback ones and
	// the listen address, that a request's Host header may carry
	// (--allowed-hosts). Everything else is refused as DNS rebinding.
	AllowedHosts []string
	// APIKey, from HOOKLINE_API_KEY, pins the read-write key.
	APIKey      string
	Workers     int
	Timeout     time.Duration
	RetryDelays []time.Duration
	// AddrFallback lets the desktop app take any free port when Addr is busy.
	AddrFallback bool
	// Limits of the HTTP server (timeouts, caps); zero fields get defaults.
	// Not a flag: embedders and tests set it.
	Limits api.Limits
	// TransferDir is the .flotiq folder of `export DIR` / `import DIR`.
	TransferDir string
	// KeepWebhooks lets `import` queue webhook deliveries.
	KeepWebhooks bool
	// DatabaseURL, from --database, HOOKLINE_DATABASE_URL or the data
	// folder's database.json (saved in Settings), is a
	// PostgreSQL database that several instances may share; empty means
	// SQLite in the data folder. See database.go.
	DatabaseURL string
	// DatabaseSource says where DatabaseURL came from: the flag, the
	// environment, the data folder's database.json (Settings) or nothing
	// (SQLite). Empty: "flag" when DatabaseURL is set, else "default".
	DatabaseSource dbconfig.Source
	// MediaDir holds the media files (--media, HOOKLINE_MEDIA_DIR); default
	// <data>/media. Instances sharing a PostgreSQL database share it too.
	MediaDir string
	// LeaseTTL and LeaseExtend are the delivery claims' lease length and
	// renewal interval (--lease, --lease-extend); zero means the defaults.
	LeaseTTL    time.Duration
	LeaseExtend time.Duration
	// Instance names this process among several on one database
	// (--instance); it is added to the User-Agent of queued deliveries.
	Instance string
}

// MinAPIKeyLength is the shortest key accepted from HOOKLINE_API_KEY. The
// generated keys are 48 hex characters; a short key given from outside can
// be guessed over the network, throttling or not.
const MinAPIKeyLength = 32

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
  --allow-remote       allow a non-loopback --addr (HOOKLINE_API_KEY is then required)
  --allowed-hosts LIST names or addresses besides loopback that the Host header may carry,
                       e.g. hookline.lan,192.168.1.10 (the --addr host is always allowed)
  --workers N          delivery workers (default 8)
  --timeout DURATION   per-attempt HTTP timeout (default 10s)
  --retry-delays LIST  retry schedule, e.g. 10s,1m,5m,30m,2h
  --database URL       a PostgreSQL database shared by several instances,
                       postgres://user:password@host:5432/db (default: SQLite in the data folder)
  --media DIR          media files folder (default <data>/media; shared by instances on one database)
  --lease DURATION     how long a claimed delivery stays claimed without renewal (default 60s)
  --lease-extend DURATION
                       how often a running instance renews its claims (default a third of --lease)
  --instance NAME      this instance's name, added to the User-Agent of its deliveries

Environment:
  HOOKLINE_DATA        data folder
  HOOKLINE_API_KEY     read-write API key for the REST API (at least 32 characters)
  HOOKLINE_DATABASE_URL  as --database
  HOOKLINE_MEDIA_DIR   as --media
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
	var addr, retries, hosts string
	var workers int
	var timeout time.Duration
	if cfg.Mode == "serve" {
		fs.StringVar(&cfg.DatabaseURL, "database", "", "")
		fs.StringVar(&cfg.MediaDir, "media", "", "")
		fs.DurationVar(&cfg.LeaseTTL, "lease", 0, "")
		fs.DurationVar(&cfg.LeaseExtend, "lease-extend", 0, "")
		fs.StringVar(&cfg.Instance, "instance", "", "")
		fs.StringVar(&addr, "addr", DefaultAddr, "")
		fs.BoolVar(&cfg.AllowRemote, "allow-remote", false, "")
		fs.StringVar(&hosts, "allowed-hosts", "", "")
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
	if cfg.APIKey != "" && len(cfg.APIKey) < MinAPIKeyLength {
		return cfg, fmt.Errorf("HOOKLINE_API_KEY is %d characters; it must be at least %d (for example: openssl rand -hex 24)", len(cfg.APIKey), MinAPIKeyLength)
	}
	if hosts != "" {
		hs, err := ParseHosts(hosts)
		if err != nil {
			return cfg, fmt.Errorf("--allowed-hosts: %w", err)
		}
		cfg.AllowedHosts = hs
	}
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
	if err := cfg.databaseFromEnv(getenv); err != nil {
		return cfg, err
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
	if !isLoopback(host) && !cfg.AllowRemote {
		return cfg, fmt.Errorf("--addr %s is not a loopback address; Hookline listens on this machine only unless --allow-remote is given", cfg.Addr)
	}
	// Whatever the address: --allow-remote says "others may reach this",
	// and they must then need a key that is not stored next to the data.
	if cfg.AllowRemote && cfg.APIKey == "" {
		return cfg, fmt.Errorf("--allow-remote needs an API key: set HOOKLINE_API_KEY (at least %d characters)", MinAPIKeyLength)
	}
	return cfg, nil
}

// hostPattern is a DNS name or an IPv4 address; IPv6 addresses are checked
// by net.ParseIP.
var hostPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// ParseHosts parses a comma-separated list of host names and addresses,
// without ports or wildcards.
func ParseHosts(s string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(s, ",") {
		h := strings.TrimSpace(part)
		bare := strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
		if net.ParseIP(bare) == nil && !hostPattern.MatchString(h) {
			return nil, fmt.Errorf("%q is not a host name or an IP address (no port, no wildcard)", h)
		}
		out = append(out, strings.ToLower(bare))
	}
	return out, nil
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
