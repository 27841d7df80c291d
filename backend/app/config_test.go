package app

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// longKey is a key long enough to be accepted from HOOKLINE_API_KEY.
const longKey = "0123456789abcdef0123456789abcdef"

func TestParseArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string // substring; "usage" means ErrUsage
		check   func(t *testing.T, c Config)
	}{
		{name: "desktop by default", args: nil, env: map[string]string{"HOOKLINE_DATA": "/d"}, check: func(t *testing.T, c Config) {
			if c.Mode != "desktop" || c.DataDir != "/d" || c.Addr != DefaultAddr || !c.AddrFallback {
				t.Errorf("%+v", c)
			}
		}},
		{name: "serve defaults", args: []string{"serve"}, env: map[string]string{"HOOKLINE_DATA": "/d"}, check: func(t *testing.T, c Config) {
			if c.Mode != "serve" || c.Addr != DefaultAddr || c.AddrFallback {
				t.Errorf("%+v", c)
			}
		}},
		{name: "--data beats HOOKLINE_DATA", args: []string{"serve", "--data", "/x"}, env: map[string]string{"HOOKLINE_DATA": "/d"}, check: func(t *testing.T, c Config) {
			if c.DataDir != "/x" {
				t.Errorf("DataDir = %q", c.DataDir)
			}
		}},
		{name: "default data dir under user config", args: []string{"serve"}, env: map[string]string{}, check: func(t *testing.T, c Config) {
			if filepath.Base(c.DataDir) != "hookline" {
				t.Errorf("DataDir = %q", c.DataDir)
			}
		}},
		{name: "all serve flags", args: []string{"serve", "--addr", "127.0.0.1:0", "--workers", "3", "--timeout", "2s", "--retry-delays", "1s, 2s,3m"}, check: func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:0" || c.Workers != 3 || c.Timeout != 2*time.Second {
				t.Errorf("%+v", c)
			}
			if len(c.RetryDelays) != 3 || c.RetryDelays[2] != 3*time.Minute {
				t.Errorf("RetryDelays = %v", c.RetryDelays)
			}
		}},
		{name: "api key from env", args: []string{"serve"}, env: map[string]string{"HOOKLINE_API_KEY": longKey}, check: func(t *testing.T, c Config) {
			if c.APIKey != longKey {
				t.Errorf("APIKey = %q", c.APIKey)
			}
		}},
		{name: "unknown command", args: []string{"frobnicate"}, wantErr: "usage"},
		{name: "unknown flag", args: []string{"serve", "--nope"}, wantErr: "usage"},
		{name: "serve flag on desktop", args: []string{"--addr", "127.0.0.1:1"}, wantErr: "usage"},
		{name: "stray argument", args: []string{"serve", "extra"}, wantErr: "usage"},
		{name: "help", args: []string{"-h"}, wantErr: "usage"},
		{name: "non-loopback refused", args: []string{"serve", "--addr", "0.0.0.0:8717"}, wantErr: "not a loopback address"},
		{name: "remote needs key", args: []string{"serve", "--addr", "0.0.0.0:8717", "--allow-remote"}, wantErr: "HOOKLINE_API_KEY"},
		{name: "remote with key", args: []string{"serve", "--addr", "0.0.0.0:8717", "--allow-remote"}, env: map[string]string{"HOOKLINE_API_KEY": longKey}, check: func(t *testing.T, c Config) {
			if !c.AllowRemote {
				t.Error("AllowRemote not set")
			}
		}},
		{name: "remote on loopback still needs key", args: []string{"serve", "--addr", "127.0.0.1:8717", "--allow-remote"}, wantErr: "HOOKLINE_API_KEY"},
		{name: "short key refused", args: []string{"serve"}, env: map[string]string{"HOOKLINE_API_KEY": "q7"}, wantErr: "at least 32"},
		{name: "31-character key refused", args: []string{"serve", "--addr", "0.0.0.0:8717", "--allow-remote"}, env: map[string]string{"HOOKLINE_API_KEY": longKey[:31]}, wantErr: "is 31 characters"},
		{name: "allowed hosts", args: []string{"serve", "--allowed-hosts", "Hookline.LAN, 192.168.1.10,[::5]"}, check: func(t *testing.T, c Config) {
			if strings.Join(c.AllowedHosts, " ") != "hookline.lan 192.168.1.10 ::5" {
				t.Errorf("AllowedHosts = %q", c.AllowedHosts)
			}
		}},
		{name: "allowed host with port refused", args: []string{"serve", "--allowed-hosts", "hookline.lan:8717"}, wantErr: "not a host name"},
		{name: "allowed host wildcard refused", args: []string{"serve", "--allowed-hosts", "*.lan"}, wantErr: "not a host name"},
		{name: "empty allowed host refused", args: []string{"serve", "--allowed-hosts", "a,,b"}, wantErr: "not a host name"},
		{name: "localhost is loopback", args: []string{"serve", "--addr", "localhost:0"}},
		{name: "ipv6 loopback", args: []string{"serve", "--addr", "[::1]:0"}},
		{name: "addr without port", args: []string{"serve", "--addr", "127.0.0.1"}, wantErr: "want HOST:PORT"},
		{name: "bad workers", args: []string{"serve", "--workers", "1000"}, wantErr: "--workers"},
		{name: "bad delays", args: []string{"serve", "--retry-delays", "1s,soon"}, wantErr: `"soon" is not a positive duration`},
		{name: "negative delay", args: []string{"serve", "--retry-delays", "-1s"}, wantErr: "not a positive duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stderr strings.Builder
			e := tt.env
			if e == nil {
				e = map[string]string{"HOOKLINE_DATA": "/d"}
			}
			c, err := ParseArgs(tt.args, env(e), &stderr)
			switch {
			case tt.wantErr == "usage":
				if !errors.Is(err, ErrUsage) {
					t.Fatalf("err = %v, want ErrUsage", err)
				}
				if !strings.Contains(stderr.String(), "Usage:") {
					t.Errorf("usage not printed: %q", stderr.String())
				}
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if tt.check != nil {
					tt.check(t, c)
				}
			}
		})
	}
}
