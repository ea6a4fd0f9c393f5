// Package deep is the deep energy-based model of Grathwohl et al. (2021): a
// neural net (package nn, Gorgonia graphs) on top of a fixed base
// distribution of independent sites,
//
//	f(x) = net(x) + Σᵢ log Base(xᵢ; μᵢ),
//
// for binary or one-hot data. Model implements ebm.Trainable and
// ebm.Storable.
//
// The package registers the model kind "deep" and the architecture families
// "mlp" and "resnet" with package ebm, so that a program that imports it,
// if only for that side effect,
//
//	import _ "github.com/gwg-go/gwg/ebm/deep"
//
// can load deep models from checkpoints (ebm.Load) and train new ones by
// name (ebm.NewTrainable("mlp-256", …)). Keeping the nets out of package
// ebm keeps Gorgonia out of every program that does not need it.
package deep
