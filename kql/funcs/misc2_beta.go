package funcs

import (
	"math"

	"github.com/huntpack/huntpack/kql/types"
)

// The beta distribution: beta_cdf, beta_pdf and beta_inv (Excel's
// BETA.DIST and BETA.INV on [0, 1]).

func addMisc2Beta(r *Registry) {
	scalar(r, "beta_cdf", "beta_cdf(x: real, alpha: real, beta: real): real",
		"Returns the cumulative beta distribution at x; NaN when x is outside [0, 1] or alpha or beta is not positive.",
		3, 3, fixed(types.Real), m2BetaArgs(func(x, a, b float64) types.Value {
			if x < 0 || x > 1 || a <= 0 || b <= 0 {
				return realV(math.NaN())
			}
			return realV(m2RegIncBeta(x, a, b))
		}))
	scalar(r, "beta_pdf", "beta_pdf(x: real, alpha: real, beta: real): real",
		"Returns the beta probability density at x; NaN when x is outside [0, 1] or alpha or beta is not positive.",
		3, 3, fixed(types.Real), m2BetaArgs(func(x, a, b float64) types.Value {
			if x < 0 || x > 1 || a <= 0 || b <= 0 {
				return realV(math.NaN())
			}
			return realV(m2BetaPDF(x, a, b))
		}))
	scalar(r, "beta_inv", "beta_inv(probability: real, alpha: real, beta: real): real",
		"Returns the inverse of the cumulative beta distribution; null when probability is outside [0, 1], NaN when alpha or beta is not positive.",
		3, 3, fixed(types.Real), m2BetaArgs(func(p, a, b float64) types.Value {
			if p < 0 || p > 1 || math.IsNaN(p) {
				return nullOf(types.Real)
			}
			if a <= 0 || b <= 0 {
				return realV(math.NaN())
			}
			return realV(m2BetaInv(p, a, b))
		}))
}

func m2BetaArgs(f func(x, a, b float64) types.Value) EvalFunc {
	return func(_ *Context, v []types.Value) types.Value {
		x, ok1 := asReal(v[0])
		a, ok2 := asReal(v[1])
		b, ok3 := asReal(v[2])
		if !ok1 || !ok2 || !ok3 {
			return nullOf(types.Real)
		}
		return f(x, a, b)
	}
}

// m2LogBeta is ln B(a, b).
func m2LogBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

func m2BetaPDF(x, a, b float64) float64 {
	switch {
	case x == 0 && a < 1, x == 1 && b < 1:
		return math.Inf(1)
	case x == 0 || x == 1:
		if (x == 0 && a == 1) || (x == 1 && b == 1) {
			return math.Exp(-m2LogBeta(a, b))
		}
		return 0
	}
	return math.Exp((a-1)*math.Log(x) + (b-1)*math.Log1p(-x) - m2LogBeta(a, b))
}

// m2RegIncBeta is the regularized incomplete beta function I_x(a, b),
// evaluated with its continued fraction (modified Lentz), using the
// symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where that converges faster.
func m2RegIncBeta(x, a, b float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	if x > (a+1)/(a+b+2) {
		return 1 - m2RegIncBeta(1-x, b, a)
	}
	front := math.Exp(a*math.Log(x)+b*math.Log1p(-x)-m2LogBeta(a, b)) / a
	const tiny = 1e-300
	f, c, d := 1.0, 1.0, 0.0
	for i := 0; i <= 400; i++ {
		m := float64(i / 2)
		var num float64
		switch {
		case i == 0:
			num = 1
		case i%2 == 0:
			num = m * (b - m) * x / ((a + 2*m - 1) * (a + 2*m))
		default:
			num = -(a + m) * (a + b + m) * x / ((a + 2*m) * (a + 2*m + 1))
		}
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		d = 1 / d
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		cd := c * d
		f *= cd
		if math.Abs(1-cd) < 1e-16 {
			break
		}
	}
	return front * (f - 1)
}

// m2BetaInv inverts I_x(a, b) = p by bisection refined with Newton steps.
func m2BetaInv(p, a, b float64) float64 {
	if p == 0 {
		return 0
	}
	if p == 1 {
		return 1
	}
	lo, hi := 0.0, 1.0
	x := 0.5
	for i := 0; i < 200; i++ {
		fx := m2RegIncBeta(x, a, b) - p
		if math.Abs(fx) < 1e-16 {
			break
		}
		if fx < 0 {
			lo = x
		} else {
			hi = x
		}
		next := x - fx/m2BetaPDF(x, a, b)
		if math.IsNaN(next) || next <= lo || next >= hi {
			next = (lo + hi) / 2
		}
		if math.Abs(next-x) < 1e-17 {
			x = next
			break
		}
		x = next
	}
	return x
}
