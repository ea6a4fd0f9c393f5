package gwg

import (
	"fmt"
	"math"
	"sort"
)

// Annealing schedules accepted by Betas and AISOptions.Schedule.
const (
	// ScheduleLinear spaces β evenly, as the reference evaluation does.
	ScheduleLinear = "linear"
	// ScheduleSigmoid is the sigmoidal schedule of Grosse et al. (2013):
	// β ∝ σ(δ(2k/(T−1) − 1)) with δ = 4, rescaled onto [0, 1]. It spends more
	// temperatures at both ends, where the weights of a sharply peaked model
	// change fastest.
	ScheduleSigmoid = "sigmoid"
	// ScheduleGeometric spaces β geometrically from 10⁻⁴ to 1 after β₀ = 0,
	// the classic choice when most of the change of log Z happens at small β.
	ScheduleGeometric = "geometric"
)

// sigmoidSharpness is δ of ScheduleSigmoid.
const sigmoidSharpness = 4

// geometricStart is the first positive β of ScheduleGeometric.
const geometricStart = 1e-4

var schedules = map[string]func(k, t int) float64{
	ScheduleLinear: func(k, t int) float64 { return float64(k) / float64(t-1) },
	ScheduleSigmoid: func(k, t int) float64 {
		s := func(u float64) float64 { return 1 / (1 + math.Exp(-sigmoidSharpness*(2*u-1))) }
		lo, hi := s(0), s(1)
		return (s(float64(k)/float64(t-1)) - lo) / (hi - lo)
	},
	ScheduleGeometric: func(k, t int) float64 {
		if k == 0 {
			return 0
		}
		if t == 2 {
			return 1
		}
		// k = 1 … t−1 maps onto exponents from log β_start to 0.
		return math.Pow(geometricStart, float64(t-1-k)/float64(t-2))
	},
}

// Schedules lists the names Betas accepts.
func Schedules() []string {
	names := make([]string, 0, len(schedules))
	for n := range schedules {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Betas returns the t inverse temperatures of a schedule, β₀ = 0 < β₁ < … <
// β_{t−1} = 1. An empty name means ScheduleLinear.
func Betas(schedule string, t int) ([]float64, error) {
	if schedule == "" {
		schedule = ScheduleLinear
	}
	fn, ok := schedules[schedule]
	if !ok {
		return nil, fmt.Errorf("gwg: unknown annealing schedule %q (have %v)", schedule, Schedules())
	}
	if t < 2 {
		return nil, fmt.Errorf("gwg: annealing needs at least 2 temperatures, got %d", t)
	}
	b := make([]float64, t)
	for k := range b {
		b[k] = fn(k, t)
	}
	// Pin the ends exactly: the estimator's unbiasedness needs f at β = 1 to
	// be the model itself, not a rounding of it.
	b[0], b[t-1] = 0, 1
	return b, nil
}
