// Package gwg holds the Markov chain Monte Carlo samplers for the models of
// package ebm, the diagnostics that compare them, and annealed importance
// sampling built on them.
//
// # Samplers
//
// Every sampler is a Sampler: Init takes the chains, Step advances all of
// them by one transition, State and Stats report. New builds one by name
// (Names lists them): Gibbs-with-Gradients ("gwg", the multi-flip "gwg-k"
// of the paper and the exact "gwg-exact-k"), the discrete Langevin samplers
// "dula" and "dmala", single-site Gibbs ("gibbs", "rand-gibbs"), block Gibbs
// "bg-b", the Hamming-ball sampler "hb-b-h" and RBM block Gibbs
// "rbm-gibbs". The gradient-based samplers and Gibbs also run on one-hot
// (categorical) models.
//
// The random source is always an argument. Each Step draws its random
// numbers in a fixed order, and the models are deterministic, so a seed
// reproduces a run bit for bit. In the steady state Step allocates nothing
// beyond what the model does.
//
// The gradient-based samplers keep f(x), ∇ₓf(x) and the proposal at x for
// every chain: the evaluation at the proposal x′ that the acceptance test
// needs becomes the chain's cache when x′ is accepted, so a step costs one
// evaluation of f and ∇ₓf per chain where the paper's code spends two.
// Proposals are computed in float64 from the float32 gradients, with
// log-sum-exp shifts, so no logit underflows the others; a non-finite f or
// gradient stops the step with an error naming the chain and the step.
//
// # Correctness
//
// The tests build each kernel's full transition matrix on models small
// enough to enumerate, from the same proposal and acceptance code that Step
// runs, and check πP = π and detailed balance to 1e-9. One consequence
// worth knowing: the paper's gwg-k acceptance, which uses the k ordered
// draws rather than the probability of the flipped set, is exact as well
// (the draws are an auxiliary variable and each draw sequence is its own
// reverse). gwg-exact-k uses the marginal probability of the flipped set
// and therefore accepts at least as often (Peskun ordering), which the tests
// verify too.
//
// # Diagnostics
//
// ESS is the effective sample size per dimension exactly as TensorFlow
// Probability computes it with the defaults the paper used; MMDReference and
// MMD2 give the squared maximum mean discrepancy with the exp(−mean Hamming)
// kernel, whose log₁₀ is what the paper plots.
package gwg
