// Package gwg holds the Markov chain Monte Carlo samplers for the models of
// package ebm, the diagnostics that compare them, and annealed importance
// sampling built on them.
//
// # Chains, kernels and samplers
//
// A State is a batch of chains — their states, f and ∇ₓf there, and
// per-chain counters — owned by whoever drives them; a Kernel advances a
// State (the BlackJAX pattern). A Sampler is the convenience driver that
// owns one State and one Kernel: Init takes the chains, Step advances all
// of them by one transition, State and Stats report.
//
// Samplers register themselves by name from their own file (Register), and
// a spec string names one with its parameters, NAME[-P…][:key=value,…]:
// "gwg", "gwg-3", "gwg:tau=1", "gwg-exact-5", "dmala:step=0.2", "bg-2",
// "hb-10-1", "gwg-barker". ParseSpec validates it once, with one-line
// errors listing what is accepted, and Spec.String gives the canonical form
// that checkpoints and reports store; New builds a Sampler from a spec,
// NewKernel a Kernel; Registered and Help list them. The samplers:
// Gibbs-with-Gradients ("gwg", the multi-flip "gwg-k" of the paper, the
// exact "gwg-exact-k" and "gwg-barker" with the Barker balancing function),
// the discrete Langevin samplers "dula" and "dmala", single-site Gibbs
// ("gibbs", "rand-gibbs"), block Gibbs "bg-b", the Hamming-ball sampler
// "hb-b-h" and RBM block Gibbs "rbm-gibbs". gwg, gwg-barker and the
// Gibbs samplers also run on one-hot (categorical) models.
//
// The Metropolis–Hastings samplers are a Proposal each — draw a move and
// its forward log-probability at x, give the reverse log-probability at x′
// — driven by one MH kernel (NewMH) that keeps f, ∇ₓf and the proposal's
// data at x for every chain: the evaluation at the proposal x′ that the
// acceptance test needs becomes the chain's when x′ is accepted, so a step
// costs one evaluation of f and ∇ₓf per chain where the paper's code
// spends two. Proposals are computed in float64 from the float32
// gradients, with log-sum-exp shifts, so no logit underflows the others; a
// non-finite f or gradient stops the step with an error naming the chain
// and the step. The heat-bath samplers and rbm-gibbs are kernels of their
// own over the same State.
//
// The random source is always an argument. Each Step draws its random
// numbers in a fixed order, and the models are deterministic, so a seed
// reproduces a run bit for bit. In the steady state Step allocates nothing
// beyond what the model does.
//
// AIS drives a kernel over its own State along a tempered path: when the
// kernel keeps f and ∇ₓf (State.Keeps), moving to the next temperature
// rewrites them in closed form and Kernel.Refresh rebuilds the proposal's
// data, without a model evaluation.
//
// # Correctness
//
// The tests build every registered sampler's full transition matrix on
// models small enough to enumerate, from the kernels' own code (the MH
// kernel enumerates its proposal's moves and runs its acceptance on them,
// the heat-bath kernels list their candidates), and check πP = π and
// detailed balance to 1e-9 — a new sampler is covered by registering it.
// One consequence worth knowing: the paper's gwg-k acceptance, which uses
// the k ordered draws rather than the probability of the flipped set, is
// exact as well (the draws are an auxiliary variable and each draw sequence
// is its own reverse). gwg-exact-k uses the marginal probability of the
// flipped set and therefore accepts at least as often (Peskun ordering),
// which the tests verify too.
//
// # Diagnostics
//
// ESS is the effective sample size per dimension exactly as TensorFlow
// Probability computes it with the defaults the paper used; MMDReference and
// MMD2 give the squared maximum mean discrepancy with the exp(−mean Hamming)
// kernel, whose log₁₀ is what the paper plots.
package gwg
