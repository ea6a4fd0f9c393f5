package datasets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fileServer serves files by name; "truncated" files announce their full
// length but send only half of it.
func fileServer(t *testing.T, files map[string][]byte, truncated map[string]bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		data, ok := files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		if truncated[name] {
			w.Write(data[:len(data)/2])
			w.(http.Flusher).Flush()
			// Abort the response so the client sees the short body.
			panic(http.ErrAbortHandler)
		}
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestDownloadFiles(t *testing.T) {
	good := amatText(testImages(2))
	other := amatText(testImages(3))
	srv := fileServer(t, map[string][]byte{"a.amat": good, "b.amat": other, "half.amat": good}, map[string]bool{"half.amat": true})
	check := func(path string) error { _, _, err := readAmat(path, 2); return err }
	file := func(name string, size int64, sum string, check func(string) error) remoteFile {
		return remoteFile{url: srv.URL + "/" + name, name: name, size: size, sha256: sum, check: check}
	}
	tests := []struct {
		name string
		f    remoteFile
		want string // "" for success
	}{
		{"sha and size", file("a.amat", int64(len(good)), sha(good), nil), ""},
		{"check only", file("a.amat", -1, "", check), ""},
		{"wrong checksum", file("b.amat", -1, sha(good), nil), "SHA-256"},
		{"wrong size", file("b.amat", int64(len(good)), "", nil), "announces"},
		{"check fails", file("b.amat", -1, "", check), "3 images, want 2"},
		{"truncated", file("half.amat", -1, "", nil), "unexpected EOF"},
		{"not found", file("none.amat", -1, "", nil), "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "sub")
			var last Event
			err := downloadFiles(context.Background(), []remoteFile{tt.f}, dir, srv.Client(), func(e Event) { last = e })
			dest := filepath.Join(dir, tt.f.name)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got, _ := os.ReadFile(dest); !bytes.Equal(got, good) {
					t.Error("downloaded file differs")
				}
				if want := (Event{File: tt.f.name, Done: int64(len(good)), Total: int64(len(good)), End: true}); last != want { // the server announces the size
					t.Errorf("last progress event %+v, want %+v", last, want)
				}
			} else {
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.f.url) {
					t.Fatalf("err = %v, want it to name the URL and contain %q", err, tt.want)
				}
				if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
					t.Error("a failed download left the destination file")
				}
			}
			// Nothing but the destination is ever left in the folder.
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if e.Name() != tt.f.name {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
	}
}

func TestDownloadKeepsValidAndReplacesInvalid(t *testing.T) {
	good := amatText(testImages(2))
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		w.Write(good)
	}))
	defer srv.Close()
	dir := t.TempDir()
	f := remoteFile{url: srv.URL + "/a.amat", name: "a.amat", size: int64(len(good)), sha256: sha(good)}
	writeFile(t, dir, "a.amat", []byte("stale"))
	for range 2 {
		if err := downloadFiles(context.Background(), []remoteFile{f}, dir, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if requests != 1 {
		t.Errorf("%d requests, want 1 (replace the stale file, then keep the valid one)", requests)
	}
}

func TestDownloadCanceled(t *testing.T) {
	srv := fileServer(t, map[string][]byte{"a": []byte("x")}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := downloadFiles(ctx, []remoteFile{{url: srv.URL + "/a", name: "a", size: -1}}, t.TempDir(), nil, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestDownloadFromCaltech runs the public path end to end: a mirror serving
// a generated split1 file of the real sizes, then Open on the result.
func TestDownloadFromCaltech(t *testing.T) {
	im := testImages(caltechSizes[0] + caltechSizes[1] + caltechSizes[2])
	a, b := caltechSizes[0]*Dim, (caltechSizes[0]+caltechSizes[1])*Dim
	file := makeMAT(binary.LittleEndian,
		caltechVar("train_data", im[:a], false), caltechVar("val_data", im[a:b], false), caltechVar("test_data", im[b:], false))
	srv := fileServer(t, map[string][]byte{caltechSplitFile: file}, nil)
	dir := t.TempDir()
	var events []Event
	progress := func(e Event) { events = append(events, e) }
	if err := DownloadFrom(context.Background(), "caltech", dir, srv.URL+"/", srv.Client(), progress); err != nil {
		t.Fatal(err)
	}
	if n := len(events); n < 2 || events[n-1] != (Event{File: caltechSplitFile, Done: int64(len(file)), Total: int64(len(file)), End: true}) ||
		events[n-2].Done != int64(len(file)) || events[n-2].End {
		t.Errorf("progress events end with %+v", events[max(0, n-2):])
	}
	events = nil
	if err := DownloadFrom(context.Background(), "caltech", dir, srv.URL+"/", srv.Client(), progress); err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || !strings.Contains(events[0].Note, "already present and valid") {
		t.Errorf("second download reported %+v", events)
	}
	set, err := Open("caltech", dir)
	if err != nil {
		t.Fatal(err)
	}
	if set.Test.N != caltechSizes[2] || string(f32bytes(set.Test.Images)) != string(f32bytes(im[b:])) {
		t.Error("the downloaded set differs from the served one")
	}
	for _, name := range []string{"dynamic_mnist", "nope"} {
		if err := Download(context.Background(), name, dir, nil, nil); err == nil {
			t.Errorf("Download(%s) succeeded", name)
		}
	}
}

func TestRemoteFiles(t *testing.T) {
	for _, name := range []string{"static_mnist", "omniglot", "caltech"} {
		files, err := remoteFiles(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.sha256 == "" && f.check == nil {
				t.Errorf("%s/%s: neither checksum nor check", name, f.name)
			}
			if !strings.HasPrefix(f.url, "http") || !strings.HasSuffix(f.url, "/"+f.name) {
				t.Errorf("%s: url %s does not end in the file name %s", name, f.url, f.name)
			}
		}
	}
}
