package media

import (
	"fmt"
	"io"
	"mime"
	"path/filepath"
	"strings"

	"github.com/wailsapp/mimetype"
)

// Allowed is Flotiq's list of accepted MIME types (spec §2), in its order:
// the refusal message lists them so.
var Allowed = []string{
	"image/gif", "image/png", "image/jpeg", "image/bmp", "image/webp", "image/svg+xml", "image/svg",
	"image/x-icon", "image/vnd.microsoft.icon", "text/plain", "audio/midi", "audio/mpeg", "audio/webm",
	"audio/ogg", "audio/wav", "video/webm", "video/ogg", "video/mp4", "application/pdf", "application/json",
}

// extensions lists, per stored MIME type, the extensions a client's file
// name may keep; the first is used when the name has none of them.
var extensions = map[string][]string{
	"image/gif": {"gif"}, "image/png": {"png"}, "image/jpeg": {"jpg", "jpeg", "jpe"}, "image/bmp": {"bmp"},
	"image/webp": {"webp"}, "image/svg+xml": {"svg"}, "image/x-icon": {"ico"}, "text/plain": {"txt", "text", "md", "csv"},
	"audio/midi": {"mid", "midi"}, "audio/mpeg": {"mp3"}, "audio/webm": {"weba", "webm"}, "audio/ogg": {"ogg", "oga", "opus"},
	"audio/wav": {"wav"}, "video/webm": {"webm"}, "video/ogg": {"ogv", "ogg"}, "video/mp4": {"mp4", "m4v"},
	"application/pdf": {"pdf"}, "application/json": {"json"},
}

// aliases maps what the detector may report to the name stored.
var aliases = map[string]string{
	"image/svg": "image/svg+xml", "image/vnd.microsoft.icon": "image/x-icon", "audio/x-wav": "audio/wav",
	"audio/wave": "audio/wav", "audio/vnd.wave": "audio/wav", "application/ogg": "audio/ogg", "audio/x-midi": "audio/midi",
	"audio/mp3": "audio/mpeg",
}

// rasters are the types Hookline decodes and resizes.
var rasters = map[string]bool{"image/gif": true, "image/png": true, "image/jpeg": true, "image/bmp": true, "image/webp": true}

// sniffed is what the bytes say a file is.
type sniffed struct {
	// MIME is the stored name, from Allowed; empty when not allowed.
	MIME string
	// Detected is what the detector reported, for the refusal message.
	Detected string
}

// textLike are detector results that Flotiq's list knows as text/plain or
// application/json. HTML, XML and scripts are deliberately not among them.
var textLike = map[string]string{
	"text/csv": "text/plain", "text/tab-separated-values": "text/plain", "application/x-ndjson": "text/plain",
	"application/x-subrip": "text/plain", "text/vtt": "text/plain", "application/geo+json": "application/json",
}

// sniff detects the type of r's content from its bytes; the client's
// declared part type is never trusted.
func sniff(r io.Reader) (sniffed, error) {
	m, err := mimetype.DetectReader(r)
	if err != nil {
		return sniffed{}, err
	}
	detected, _, _ := mime.ParseMediaType(m.String())
	name := detected
	if a, ok := aliases[name]; ok {
		name = a
	}
	if t, ok := textLike[name]; ok {
		name = t
	}
	out := sniffed{Detected: detected}
	if _, ok := extensions[name]; ok {
		out.MIME = name
	}
	return out, nil
}

// mimeMessage is Flotiq's refusal for a type outside Allowed.
func mimeMessage(detected string) string {
	q := make([]string, len(Allowed))
	for i, a := range Allowed {
		q[i] = fmt.Sprintf("%q", a)
	}
	return fmt.Sprintf("The mime type of the file is invalid (%q). Allowed mime types are %s.", detected, strings.Join(q, ", "))
}

// extensionFor keeps the client's extension when it fits the detected
// type, else the type's usual one.
func extensionFor(fileName, mimeType string) string {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(fileName), "."))
	for _, e := range extensions[mimeType] {
		if e == ext {
			return ext
		}
	}
	return extensions[mimeType][0]
}
