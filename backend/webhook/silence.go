package webhook

import "context"

type silenceKey struct{}

// Silence marks ctx so that content changes made with it queue no
// deliveries: an import turns webhooks off while it runs, without touching
// their stored `enabled` flags (a crash mid-import can then not leave them
// off).
func Silence(ctx context.Context) context.Context {
	return context.WithValue(ctx, silenceKey{}, true)
}

func silenced(ctx context.Context) bool {
	v, _ := ctx.Value(silenceKey{}).(bool)
	return v
}
