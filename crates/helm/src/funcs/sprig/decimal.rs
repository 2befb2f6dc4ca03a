//! The decimal arithmetic of Sprig's `addf`, `subf`, `mulf` and `divf`: shopspring/decimal.
//! Each float becomes the shortest decimal that reads back as it (`NewFromFloat`), the
//! operation is exact (a quotient is rounded half away from zero to 16 places, `Div`), and the
//! result is read back as the nearest float: `mulf 1.1 3` is 3.3, not 3.3000000000000003.

/// Places a quotient keeps (shopspring's `DivisionPrecision`).
const DIVISION_PLACES: i32 = 16;

/// `mant × 10^exp`. Mantissas come from shortest float forms (17 digits at most), so sums of
/// close exponents and all products fit in an `i128`; what does not is left to floats, whose
/// result the exact one would round to anyway (see [`Decimal::add`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decimal {
    mant: i128,
    exp: i32,
}

/// Why an operand or a division is refused, in shopspring's words.
pub type DecimalError = String;

impl Decimal {
    /// shopspring's `NewFromFloat`.
    pub fn from_f64(f: f64) -> Result<Decimal, DecimalError> {
        if !f.is_finite() {
            let name = if f.is_nan() {
                "NaN"
            } else if f > 0.0 {
                "+Inf"
            } else {
                "-Inf"
            };
            return Err(format!("Cannot create a Decimal from {name}"));
        }
        // Rust's `{:e}` is the shortest form that reads back as `f`: `1.1e0`, `-2.5e-7`.
        let text = format!("{f:e}");
        let (digits, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let mant: i128 = format!("{int}{frac}").parse().unwrap_or(0);
        Ok(Decimal {
            mant,
            exp: exp - frac.len() as i32,
        })
    }

    /// A result computed in floats where the mantissas do not fit: the float the exact result
    /// rounds to; an overflow stays one (10^400 reads back as infinity).
    fn rounded(f: f64) -> Decimal {
        Decimal::from_f64(f).unwrap_or(Decimal {
            mant: if f < 0.0 { -1 } else { 1 },
            exp: 400,
        })
    }

    /// The nearest float (shopspring's `Float64`).
    pub fn to_f64(self) -> f64 {
        format!("{}e{}", self.mant, self.exp)
            .parse()
            .unwrap_or(f64::NAN)
    }

    /// `mant` scaled to exponent `exp` (at most this one's), if it fits.
    fn scaled(self, exp: i32) -> Option<i128> {
        let shift = u32::try_from(self.exp - exp).ok()?;
        self.mant.checked_mul(10i128.checked_pow(shift)?)
    }

    /// The exact sum. When the exponents are too far apart for one mantissa, the smaller
    /// term is under a float's precision of the larger, and the float sum is the rounding of
    /// the exact one.
    pub fn add(self, o: Decimal) -> Decimal {
        let exp = self.exp.min(o.exp);
        match (self.scaled(exp), o.scaled(exp)) {
            (Some(a), Some(b)) if a.checked_add(b).is_some() => Decimal { mant: a + b, exp },
            _ => Decimal::rounded(self.to_f64() + o.to_f64()),
        }
    }

    pub fn neg(self) -> Decimal {
        Decimal {
            mant: -self.mant,
            exp: self.exp,
        }
    }

    /// The exact product (two mantissas of 17 digits fit).
    pub fn mul(self, o: Decimal) -> Decimal {
        match self.mant.checked_mul(o.mant) {
            Some(mant) => Decimal {
                mant,
                exp: self.exp + o.exp,
            },
            None => Decimal::rounded(self.to_f64() * o.to_f64()),
        }
    }

    /// The quotient rounded half away from zero to 16 places (shopspring's `Div`).
    pub fn div(self, o: Decimal) -> Result<Decimal, DecimalError> {
        if o.mant == 0 {
            return Err("decimal division by 0".into());
        }
        // self / o × 10^16 = self.mant × 10^(self.exp - o.exp + 16) / o.mant
        let shift = self.exp - o.exp + DIVISION_PLACES;
        let (num, den) = if shift >= 0 {
            (
                10i128
                    .checked_pow(shift as u32)
                    .and_then(|p| self.mant.checked_mul(p)),
                Some(o.mant),
            )
        } else {
            (
                Some(self.mant),
                10i128
                    .checked_pow(shift.unsigned_abs())
                    .and_then(|p| o.mant.checked_mul(p)),
            )
        };
        let (Some(num), Some(den)) = (num, den) else {
            return Ok(Decimal::rounded(self.to_f64() / o.to_f64()));
        };
        let (q, r) = (num / den, num % den);
        // Half away from zero: |2r| >= |den| moves the quotient one further from zero.
        let away = r.unsigned_abs() * 2 >= den.unsigned_abs();
        let negative = (num < 0) != (den < 0);
        let mant = match (away, negative) {
            (true, true) => q - 1,
            (true, false) => q + 1,
            _ => q,
        };
        Ok(Decimal {
            mant,
            exp: -DIVISION_PLACES,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(f: f64) -> Decimal {
        Decimal::from_f64(f).unwrap()
    }

    /// Results of the Helm 4.2.3 library's `mulf`, `subf`, `addf` and `divf`.
    #[test]
    fn arithmetic_is_shopsprings() {
        assert_eq!(dec(1.1).mul(dec(3.0)).to_f64(), 3.3);
        assert_eq!(dec(1.0).add(dec(0.9).neg()).to_f64(), 0.1);
        assert_eq!(dec(0.1).add(dec(0.2)).to_f64(), 0.3);
        assert_eq!(dec(1.005).mul(dec(1000.0)).to_f64(), 1005.0);
        assert_eq!(dec(1.0).div(dec(7.0)).unwrap().to_f64(), 0.1428571428571429);
        assert_eq!(dec(1e-20).div(dec(3.0)).unwrap().to_f64(), 0.0);
        assert_eq!(
            dec(-2.0).div(dec(3.0)).unwrap().to_f64(),
            -0.6666666666666667
        );
        assert_eq!(
            dec(123456789.123).mul(dec(987654321.987)).to_f64(),
            1.219326313559686e17
        );
        assert_eq!(dec(1e300).mul(dec(1e10)).to_f64(), f64::INFINITY);
        assert_eq!(dec(1e-300).add(dec(1.0)).to_f64(), 1.0);
        assert_eq!(dec(1e300).div(dec(1e-300)).unwrap().to_f64(), f64::INFINITY);
        assert_eq!(
            dec(-1e300).div(dec(1e-300)).unwrap().to_f64(),
            f64::NEG_INFINITY
        );
        assert_eq!(dec(2.0).div(dec(0.0)).unwrap_err(), "decimal division by 0");
        assert_eq!(
            Decimal::from_f64(f64::INFINITY).unwrap_err(),
            "Cannot create a Decimal from +Inf"
        );
    }

    /// Through the functions, as the Helm 4.2.3 library prints them: floats by name reach
    /// `NewFromFloat`, which refuses infinities; a division by zero is refused too.
    #[test]
    fn functions_fold_in_decimal() {
        let run = crate::funcs::execute_text;
        assert_eq!(
            run(r#"{{ mulf 1.1 3 }} {{ subf 1 0.9 }} {{ addf 0.1 0.2 }} {{ divf 1 3 }} {{ mulf 0.1 0.2 0.3 }} {{ subf 5 }} {{ float64 "-Infinity" }}"#)
                .unwrap(),
            "3.3 0.1 0.3 0.3333333333333333 0.006 5 -Inf"
        );
        for (src, want) in [
            (
                "{{ divf 2 0 }}",
                "error calling divf: decimal division by 0",
            ),
            (
                r#"{{ addf "nan" 1 }}"#,
                "error calling addf: Cannot create a Decimal from NaN",
            ),
            (
                r#"{{ mulf (float64 "+Inf") 2 }}"#,
                "error calling mulf: Cannot create a Decimal from +Inf",
            ),
        ] {
            let e = run(src).unwrap_err();
            assert!(e.ends_with(want), "{src}: {e}");
        }
    }
}
