package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseTransferCommands(t *testing.T) {
	t.Parallel()
	env := func(string) string { return "" }
	cfg, err := ParseArgs([]string{"export", "--data", "/d", "/out/.flotiq"}, env, io.Discard)
	if err != nil || cfg.Mode != "export" || cfg.TransferDir != "/out/.flotiq" || cfg.DataDir != "/d" {
		t.Errorf("export: %+v %v", cfg, err)
	}
	cfg, err = ParseArgs([]string{"import", "--keep-webhooks", "in"}, env, io.Discard)
	if err != nil || cfg.Mode != "import" || !cfg.KeepWebhooks || cfg.TransferDir != "in" {
		t.Errorf("import: %+v %v", cfg, err)
	}
	for _, args := range [][]string{{"export"}, {"import", "a", "b"}, {"export", "--keep-webhooks", "x"}} {
		var stderr bytes.Buffer
		if _, err := ParseArgs(args, env, &stderr); !errors.Is(err, ErrUsage) || !strings.Contains(stderr.String(), "Usage") {
			t.Errorf("%v: %v %q", args, err, stderr.String())
		}
	}
}

func TestRunTransferExportThenImport(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "site", ".flotiq")
	var stdout bytes.Buffer
	src := Config{Mode: "export", DataDir: t.TempDir(), TransferDir: out}
	if err := RunTransfer(context.Background(), src, &stdout, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "Exported 3 types, 0 objects and 0 media files") {
		t.Errorf("stdout = %q", stdout.String())
	}
	if _, err := os.Stat(filepath.Join(out, "InternalContentTypeMedia", "ContentTypeDefinition.json")); err != nil {
		t.Error(err)
	}
	stdout.Reset()
	dst := Config{Mode: "import", DataDir: t.TempDir(), TransferDir: out}
	if err := RunTransfer(context.Background(), dst, &stdout, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "Imported 0 types") {
		t.Errorf("stdout = %q", stdout.String())
	}
	// A second export into the same, now full, folder is refused.
	if err := RunTransfer(context.Background(), src, io.Discard, nil); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("export into a full folder: %v", err)
	}
}
