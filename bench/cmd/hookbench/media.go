package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"time"
)

// partMedia measures the media library: POST /api/media of a 1 MiB image,
// then GET /image/400x0/… of each upload twice, cold (decoded, resized,
// encoded and written to the cache) and cached (served from the cache).
func (b *bench) partMedia(ctx context.Context) error {
	in, err := b.open(ctx, "media")
	if err != nil {
		return err
	}
	defer in.close()
	if err := in.start(ctx); err != nil {
		return err
	}
	n := 200
	if b.cfg.quick {
		n = 30
	}
	img := noisePNG(592, 590) // noise does not compress: about 1 MiB
	b.progress("media: %d uploads of a %d-byte PNG (592×590)", n, len(img))
	var uploads, cold, cached []time.Duration
	var keys []string
	for i := 0; i < n; i++ {
		t0 := time.Now()
		key, err := in.upload(ctx, fmt.Sprintf("bench-%d.png", i), img)
		if err != nil {
			return err
		}
		uploads = append(uploads, time.Since(t0))
		keys = append(keys, key)
	}
	for _, pass := range []*[]time.Duration{&cold, &cached} {
		for _, key := range keys {
			t0 := time.Now()
			if err := in.fetch(ctx, "/image/400x0/"+key); err != nil {
				return err
			}
			*pass = append(*pass, time.Since(t0))
		}
	}
	b.add("media", "POST /api/media 1 MiB image, p95", msf(percentile(uploads, 0.95)), "ms", nil)
	b.add("media", "GET /image/400x0 cold (resize), p95", msf(percentile(cold, 0.95)), "ms", nil)
	b.add("media", "GET /image/400x0 cached, p95", msf(percentile(cached, 0.95)), "ms", nil)
	b.details["media"] = map[string]any{"uploads": n, "bytes": len(img), "size": "592x590", "rendition": "400x0"}
	return nil
}

func noisePNG(w, h int) []byte {
	rng := rand.New(rand.NewPCG(7, 11))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// upload POSTs one file and returns its image key (<id>.<extension>).
func (in *instance) upload(ctx context.Context, name string, data []byte) (string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("type", "image")
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		return "", err
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequestWithContext(ctx, "POST", in.api+"/api/media", &body)
	if err != nil {
		return "", err
	}
	req.Header.Set("X-AUTH-TOKEN", apiKey)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := in.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct{ ID, Extension string }
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || json.Unmarshal(raw, &out) != nil {
		return "", fmt.Errorf("upload: %d %.200s", resp.StatusCode, raw)
	}
	return out.ID + "." + out.Extension, nil
}

func (in *instance) fetch(ctx context.Context, path string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", in.api+path, nil)
	if err != nil {
		return err
	}
	resp, err := in.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	return nil
}
