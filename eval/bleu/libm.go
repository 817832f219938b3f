package bleu

import "math"

// sacreBLEU computes BLEU with Python's math.exp and math.log, which call
// the C library's exp and log. Go's math.Exp and math.Log round
// differently in the last bit for about one argument in eight (exp) and
// one in thirty (log) in the ranges BLEU uses, which is enough to change
// the digits of scores and bootstrap means that sacreBLEU's JSON prints.
// libmExp and libmLog are glibc's exp and log (2.28 and later, as in
// Debian 12's glibc 2.36) in the variant glibc runs on x86-64 CPUs with FMA
// and AVX2, compiled by GCC so that a product whose only uses are additions
// in the same basic block becomes a fused multiply-add: each such fusion is
// an explicit math.FMA here, and every other product is rounded on its own
// (float64(a*b) keeps Go from fusing it on architectures where it may).
// TestLibm checks both against glibc on fixture arguments.
//
// The algorithms and tables are those of Arm's optimized-routines
// (math/exp.c, math/log.c), which glibc adopted:
//
//	Copyright (c) 2018-2023, Arm Limited.
//	SPDX-License-Identifier: MIT OR Apache-2.0 WITH LLVM-exception
//
//	Permission is hereby granted, free of charge, to any person obtaining a
//	copy of this software and associated documentation files (the
//	"Software"), to deal in the Software without restriction, including
//	without limitation the rights to use, copy, modify, merge, publish,
//	distribute, sublicense, and/or sell copies of the Software, and to
//	permit persons to whom the Software is furnished to do so, subject to
//	the following conditions: The above copyright notice and this
//	permission notice shall be included in all copies or substantial
//	portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT
//	WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.

const (
	expTableBits = 7
	expN         = 1 << expTableBits
	expInvLn2N   = 0x1.71547652b82fep0 * expN
	expNegLn2hiN = -0x1.62e42fefa0000p-8
	expNegLn2loN = -0x1.cf79abc9e3b3ap-47
	expShift     = 0x1.8p52
	expC2        = 0x1.ffffffffffdbdp-2
	expC3        = 0x1.555555555543cp-3
	expC4        = 0x1.55555cf172b91p-5
	expC5        = 0x1.1111167a4d017p-7
)

func top12(x float64) uint32 { return uint32(math.Float64bits(x) >> 52) }

// libmExp returns e**x as glibc's exp does.
func libmExp(x float64) float64 {
	abstop := top12(x) & 0x7ff
	if abstop-top12(0x1p-54) >= top12(512)-top12(0x1p-54) {
		if abstop-top12(0x1p-54) >= 0x80000000 {
			return 1.0 + x // tiny x
		}
		if abstop >= top12(1024) {
			switch {
			case math.IsInf(x, -1):
				return 0
			case abstop >= 0x7ff:
				return 1.0 + x // +Inf or NaN
			case x < 0:
				return 0 // underflow
			}
			return math.Inf(1)
		}
		abstop = 0 // large |x|: scaled in expSpecial
	}
	// exp(x) = 2^(k/N) * exp(r), x = k*ln2/N + r, |r| <= ln2/2N.
	kd := math.FMA(expInvLn2N, x, expShift)
	ki := math.Float64bits(kd)
	kd -= expShift
	r := math.FMA(kd, expNegLn2loN, math.FMA(kd, expNegLn2hiN, x))
	idx := 2 * (ki % expN)
	top := ki << (52 - expTableBits)
	tail := math.Float64frombits(expTab[idx])
	sbits := expTab[idx+1] + top
	r2 := float64(r * r)
	// tmp = tail + r + r2*(C2 + r*C3) + r2*r2*(C4 + r*C5)
	tmp := math.FMA(float64(r2*r2), math.FMA(r, expC5, expC4),
		math.FMA(r2, math.FMA(r, expC3, expC2), tail+r))
	if abstop == 0 {
		return expSpecial(tmp, sbits, ki)
	}
	scale := math.Float64frombits(sbits)
	return math.FMA(scale, tmp, scale)
}

// expSpecial is exp's result scale*(1+tmp) where the exponent of scale
// (in sbits) may have overflowed or the result may be subnormal.
func expSpecial(tmp float64, sbits, ki uint64) float64 {
	if ki&0x80000000 == 0 {
		sbits -= 1009 << 52
		scale := math.Float64frombits(sbits)
		return 0x1p1009 * math.FMA(scale, tmp, scale)
	}
	sbits += 1022 << 52
	scale := math.Float64frombits(sbits)
	// scale*tmp also feeds lo in another basic block, so GCC keeps it a
	// plain product here.
	m := float64(scale * tmp)
	y := scale + m
	if y < 1.0 {
		lo := scale - y + m
		hi := 1.0 + y
		lo = 1.0 - hi + y + lo
		y = (hi + lo) - 1.0
		if y == 0 {
			y = 0 // not -0
		}
	}
	return 0x1p-1022 * y
}

const (
	logTableBits = 7
	logN         = 1 << logTableBits
	logOff       = 0x3fe6000000000000
	logLn2hi     = 0x1.62e42fefa3800p-1
	logLn2lo     = 0x1.ef35793c76730p-45
	// log1p(r) - r for |r| < 1/(2N)
	logA0 = -0x1.0000000000001p-1
	logA1 = 0x1.555555551305bp-2
	logA2 = -0x1.fffffffeb459p-3
	logA3 = 0x1.999b324f10111p-3
	logA4 = -0x1.55575e506c89fp-3
	// log(1+r) near 1
	logB0  = -0x1p-1
	logB1  = 0x1.5555555555577p-2
	logB2  = -0x1.ffffffffffdcbp-3
	logB3  = 0x1.999999995dd0cp-3
	logB4  = -0x1.55555556745a7p-3
	logB5  = 0x1.24924a344de3p-3
	logB6  = -0x1.fffffa4423d65p-4
	logB7  = 0x1.c7184282ad6cap-4
	logB8  = -0x1.999eb43b068ffp-4
	logB9  = 0x1.78182f7afd085p-4
	logB10 = -0x1.5521375d145cdp-4
)

// libmLog returns the natural logarithm of x as glibc's log does.
func libmLog(x float64) float64 {
	ix := math.Float64bits(x)
	top := uint32(ix >> 48)
	const lo1, hi1 = 0x3fee000000000000, 0x3ff1090000000000 // 1 - 0x1p-4, 1 + 0x1.09p-4
	if ix-lo1 < hi1-lo1 {
		if x == 1 {
			return 0
		}
		r := x - 1.0
		r2 := float64(r * r)
		r3 := float64(r * r2)
		q := math.FMA(r3, logB10, math.FMA(r2, logB9, math.FMA(r, logB8, logB7)))
		q = math.FMA(r3, q, math.FMA(r2, logB6, math.FMA(r, logB5, logB4)))
		q = math.FMA(r3, q, math.FMA(r2, logB3, math.FMA(r, logB2, logB1)))
		// y = r3*q, fused below into y + lo
		w := float64(r * 0x1p27)
		rhi := r + w - w
		rlo := r - rhi
		w = float64(float64(rhi*rhi) * logB0) // exact
		hi := r + w
		lo := r - hi + w
		lo = math.FMA(float64(logB0*rlo), rhi+r, lo)
		return math.FMA(r3, q, lo) + hi
	}
	if top-0x0010 >= 0x7ff0-0x0010 {
		switch {
		case ix<<1 == 0:
			return math.Inf(-1)
		case math.IsInf(x, 1):
			return x
		case top&0x8000 != 0 || top&0x7ff0 == 0x7ff0:
			return math.NaN()
		}
		ix = math.Float64bits(x * 0x1p52) // subnormal: normalise
		ix -= 52 << 52
	}
	// x = 2^k z, z in [OFF, 2*OFF); log(x) = log1p(z/c-1) + log(c) + k*ln2.
	tmp := ix - logOff
	i := (tmp >> (52 - logTableBits)) % logN
	k := int64(tmp) >> 52
	iz := ix - (tmp & (0xfff << 52))
	invc, logc := logTab[i][0], logTab[i][1]
	z := math.Float64frombits(iz)
	r := math.FMA(z, invc, -1.0)
	kd := float64(k)
	w := math.FMA(kd, logLn2hi, logc)
	hi := w + r
	lo := math.FMA(kd, logLn2lo, w-hi+r)
	r2 := float64(r * r)
	// y = lo + r2*A0 + r*r2*(A1 + r*A2 + r2*(A3 + r*A4)) + hi
	p := math.FMA(r2, math.FMA(r, logA4, logA3), math.FMA(r, logA2, logA1))
	return math.FMA(float64(r*r2), p, math.FMA(r2, logA0, lo)) + hi
}
