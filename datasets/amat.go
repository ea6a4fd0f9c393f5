package datasets

import (
	"bytes"
	"fmt"
	"os"
)

// readAmat reads a binarized-MNIST .amat file in either of its two forms,
// told apart by the first bytes: a MAT-file level 5 holding the N×784
// variable X (column-major), or the original text, one image per line as 784
// space-separated 0/1 values. It returns the images row-major. want > 0 is the
// required image count.
func readAmat(path string, want int) (images []float32, n int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, fmt.Errorf("datasets: %w", err)
	}
	if isMATv5(b) {
		images, n, err = parseAmatMAT(b)
	} else {
		images, n, err = parseAmatText(b)
	}
	if err == nil && want > 0 && n != want {
		err = fmt.Errorf("%d images, want %d", n, want)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("datasets: reading %s: %w", path, err)
	}
	return images, n, nil
}

// parseAmatMAT reads the MAT-file form: variable X, N×784, values 0/1.
func parseAmatMAT(b []byte) ([]float32, int, error) {
	vars, err := parseMAT(b, "X")
	if err != nil {
		return nil, 0, err
	}
	x := vars["X"]
	n, cols, err := x.matrix2()
	if err != nil {
		return nil, 0, err
	}
	if cols != Dim {
		return nil, 0, fmt.Errorf("variable X is %d×%d, want N×%d", n, cols, Dim)
	}
	// Pixel j is already row-major within the image.
	images, err := x.binaryRows(func(j int) int { return j }, false)
	if err != nil {
		return nil, 0, err
	}
	return images, n, nil
}

// parseAmatText reads the text form. Values are separated by spaces or tabs;
// a final newline, a trailing space and CRLF line ends are accepted.
func parseAmatText(b []byte) ([]float32, int, error) {
	if len(b) == 0 {
		return nil, 0, fmt.Errorf("empty file")
	}
	// A valid line has at least 2*Dim-1 bytes; bounding the estimate by it
	// keeps a file of empty lines from reserving gigabytes.
	lines := min(bytes.Count(b, []byte{'\n'})+1, len(b)/(2*Dim-1)+1)
	images := make([]float32, 0, lines*Dim)
	n := 0
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		n++
		count := 0
		for k := 0; k < len(line); {
			c := line[k]
			if c == ' ' || c == '\t' {
				k++
				continue
			}
			if (c != '0' && c != '1') || (k+1 < len(line) && line[k+1] != ' ' && line[k+1] != '\t') {
				end := k
				for end < len(line) && line[end] != ' ' && line[end] != '\t' {
					end++
				}
				return nil, 0, fmt.Errorf("line %d, value %d: %q, want 0 or 1", n, count+1, truncate(line[k:end]))
			}
			if count == Dim {
				return nil, 0, fmt.Errorf("line %d: more than %d values", n, Dim)
			}
			images = append(images, float32(c-'0'))
			count++
			k++
		}
		if count != Dim {
			return nil, 0, fmt.Errorf("line %d: %d values, want %d", n, count, Dim)
		}
	}
	return images, n, nil
}

// truncate shortens b for an error message.
func truncate(b []byte) string {
	if len(b) > 20 {
		return string(b[:20]) + "…"
	}
	return string(b)
}
