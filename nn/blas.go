package nn

// The BLAS behind the dense and convolution layers is chosen at build time.
import _ "github.com/gwg-go/gwg/internal/blas"
