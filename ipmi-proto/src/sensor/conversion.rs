//! Raw reading → value conversion (IPMI v2.0 §36.3, "Sensor Reading
//! Conversion Formula"), with the analog data formats and linearization
//! functions of the Full Sensor Record (IPMI v2.0 §43.1, Table 43-1, bytes
//! 21 and 24–30).
//!
//! ```text
//!   y = L[(M·x + B·10^K1) · 10^K2]      K1 = B exponent, K2 = R exponent
//! ```
//!
//! `x` is the raw byte read as unsigned, 1's complement or 2's complement;
//! `L` is one of the linearization functions; sensors with linearization
//! 70h–7Fh are non-linear and take their M, B, K1, K2 per reading from Get
//! Sensor Reading Factors (IPMI v2.0 §35.5), applied with no `L`.

use crate::codec::{DecodeError, Reader, Writer};

/// Analog data format of a sensor (Full Sensor Record byte 21 `[7:6]`,
/// IPMI v2.0 Table 43-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnalogFormat {
    /// 00b: unsigned.
    Unsigned,
    /// 01b: 1's complement (signed).
    OnesComplement,
    /// 10b: 2's complement (signed).
    TwosComplement,
    /// 11b: no analog (numeric) reading.
    NoReading,
}

impl AnalogFormat {
    /// From the two bits `[7:6]` of sensor units 1.
    pub fn from_units1(units1: u8) -> Self {
        match units1 >> 6 {
            0 => Self::Unsigned,
            1 => Self::OnesComplement,
            2 => Self::TwosComplement,
            _ => Self::NoReading,
        }
    }

    /// The two bits, unshifted (0–3).
    pub fn bits(self) -> u8 {
        match self {
            Self::Unsigned => 0,
            Self::OnesComplement => 1,
            Self::TwosComplement => 2,
            Self::NoReading => 3,
        }
    }

    /// The raw byte as a number, `None` for [`AnalogFormat::NoReading`].
    ///
    /// 1's complement: a set sign bit means `-(!x & 7Fh)` (so FFh is −0 = 0).
    pub fn decode(self, raw: u8) -> Option<i16> {
        match self {
            Self::Unsigned => Some(i16::from(raw)),
            Self::OnesComplement => Some(if raw & 0x80 != 0 {
                -i16::from(!raw & 0x7f)
            } else {
                i16::from(raw)
            }),
            Self::TwosComplement => Some(i16::from(i8::from_le_bytes([raw]))),
            Self::NoReading => None,
        }
    }

    /// The raw byte for a number, `None` when out of range.
    pub fn encode(self, value: i16) -> Option<u8> {
        match self {
            Self::Unsigned => u8::try_from(value).ok(),
            Self::OnesComplement => {
                if (0..=127).contains(&value) {
                    u8::try_from(value).ok()
                } else if (-127..0).contains(&value) {
                    u8::try_from(value.checked_neg()?).ok().map(|v| !v)
                } else {
                    None
                }
            }
            Self::TwosComplement => i8::try_from(value).ok().map(|v| v.to_le_bytes()[0]),
            Self::NoReading => None,
        }
    }
}

/// Linearization function (Full Sensor Record byte 24 `[6:0]`, IPMI v2.0
/// Table 43-1 and §36.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Linearization {
    /// 00h: linear.
    Linear,
    /// 01h: ln.
    Ln,
    /// 02h: log10.
    Log10,
    /// 03h: log2.
    Log2,
    /// 04h: e^x.
    E,
    /// 05h: 10^x.
    Exp10,
    /// 06h: 2^x.
    Exp2,
    /// 07h: 1/x.
    OneOverX,
    /// 08h: x².
    Sqr,
    /// 09h: x³.
    Cube,
    /// 0Ah: √x.
    Sqrt,
    /// 0Bh: ∛x.
    Cbrt,
    /// 70h: non-linear; 71h–7Fh: OEM non-linear. The factors come from Get
    /// Sensor Reading Factors.
    NonLinear(u8),
    /// A reserved code (0Ch–6Fh).
    Reserved(u8),
}

impl From<u8> for Linearization {
    fn from(b: u8) -> Self {
        match b & 0x7f {
            0x00 => Self::Linear,
            0x01 => Self::Ln,
            0x02 => Self::Log10,
            0x03 => Self::Log2,
            0x04 => Self::E,
            0x05 => Self::Exp10,
            0x06 => Self::Exp2,
            0x07 => Self::OneOverX,
            0x08 => Self::Sqr,
            0x09 => Self::Cube,
            0x0a => Self::Sqrt,
            0x0b => Self::Cbrt,
            v @ 0x70..=0x7f => Self::NonLinear(v),
            v => Self::Reserved(v),
        }
    }
}

impl From<Linearization> for u8 {
    fn from(l: Linearization) -> u8 {
        match l {
            Linearization::Linear => 0x00,
            Linearization::Ln => 0x01,
            Linearization::Log10 => 0x02,
            Linearization::Log2 => 0x03,
            Linearization::E => 0x04,
            Linearization::Exp10 => 0x05,
            Linearization::Exp2 => 0x06,
            Linearization::OneOverX => 0x07,
            Linearization::Sqr => 0x08,
            Linearization::Cube => 0x09,
            Linearization::Sqrt => 0x0a,
            Linearization::Cbrt => 0x0b,
            Linearization::NonLinear(v) | Linearization::Reserved(v) => v & 0x7f,
        }
    }
}

impl Linearization {
    /// `true` for 70h–7Fh.
    pub fn is_non_linear(self) -> bool {
        matches!(self, Self::NonLinear(_))
    }

    /// Applies the function; `None` outside its domain (log of ≤ 0, 1/0,
    /// √ of a negative) or for non-linear and reserved codes.
    pub fn apply(self, x: f64) -> Option<f64> {
        let y = match self {
            Self::Linear => x,
            Self::Ln if x > 0.0 => x.ln(),
            Self::Log10 if x > 0.0 => x.log10(),
            Self::Log2 if x > 0.0 => x.log2(),
            Self::E => x.exp(),
            Self::Exp10 => 10f64.powf(x),
            Self::Exp2 => x.exp2(),
            Self::OneOverX if x != 0.0 => 1.0 / x,
            Self::Sqr => x * x,
            Self::Cube => x * x * x,
            Self::Sqrt if x >= 0.0 => x.sqrt(),
            Self::Cbrt => x.cbrt(),
            _ => return None,
        };
        y.is_finite().then_some(y)
    }

    /// The inverse function (for building readings from values); `None`
    /// outside its domain.
    pub fn invert(self, y: f64) -> Option<f64> {
        let x = match self {
            Self::Linear => y,
            Self::Ln => y.exp(),
            Self::Log10 => 10f64.powf(y),
            Self::Log2 => y.exp2(),
            Self::E if y > 0.0 => y.ln(),
            Self::Exp10 if y > 0.0 => y.log10(),
            Self::Exp2 if y > 0.0 => y.log2(),
            Self::OneOverX if y != 0.0 => 1.0 / y,
            Self::Sqr if y >= 0.0 => y.sqrt(),
            Self::Cube => y.cbrt(),
            Self::Sqrt if y >= 0.0 => y * y,
            Self::Cbrt => y * y * y,
            _ => return None,
        };
        x.is_finite().then_some(x)
    }

    /// `true` for 1/x: the sensor's upper and lower thresholds swap
    /// meaning in engineering units (a raw value above the upper threshold
    /// is a *low* value).
    pub fn swaps_thresholds(self) -> bool {
        self == Self::OneOverX
    }
}

/// M, B, exponents, tolerance and accuracy: Full Sensor Record bytes 25–30
/// (IPMI v2.0 Table 43-1), also the last 6 bytes of Get Sensor Reading
/// Factors (IPMI v2.0 §35.5, Table 35-6).
///
/// ```text
///  byte  field
///  1     M [7:0]
///  2     [7:6] M [9:8]; [5:0] tolerance (6 bits, unsigned, ±½ raw counts)
///  3     B [7:0]
///  4     [7:6] B [9:8]; [5:0] accuracy [5:0]
///  5     [7:4] accuracy [9:6]; [3:2] accuracy exponent; [1:0] sensor
///        direction (SDR only, kept by the record)
///  6     [7:4] R exponent (K2), [3:0] B exponent (K1), 4-bit 2's complement
/// ```
///
/// M and B are 10-bit two's complement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConversionFactors {
    /// M, −512…511.
    pub m: i16,
    /// B, −512…511.
    pub b: i16,
    /// K1, the B exponent, −8…7.
    pub b_exp: i8,
    /// K2, the result (R) exponent, −8…7.
    pub r_exp: i8,
    /// Tolerance in ±½ raw counts, 6 bits.
    pub tolerance: u8,
    /// Accuracy in 1/100 percent, 10 bits, before the exponent.
    pub accuracy: u16,
    /// Accuracy exponent, 2 bits.
    pub accuracy_exp: u8,
}

impl Default for ConversionFactors {
    /// M = 1, everything else 0: the identity.
    fn default() -> Self {
        Self {
            m: 1,
            b: 0,
            b_exp: 0,
            r_exp: 0,
            tolerance: 0,
            accuracy: 0,
            accuracy_exp: 0,
        }
    }
}

fn sign_extend(value: u16, bits: u32) -> i16 {
    let shift = 16u32.saturating_sub(bits);
    let v = i16::from_le_bytes(value.to_le_bytes());
    v.checked_shl(shift)
        .and_then(|x| x.checked_shr(shift))
        .unwrap_or(0)
}

fn nibble_signed(n: u8) -> i8 {
    let v = i8::from_le_bytes([(n & 0x0f) << 4]);
    v >> 4
}

fn scale10(v: f64, exp: i32) -> f64 {
    if exp >= 0 {
        v * 10f64.powi(exp)
    } else {
        v / 10f64.powi(exp.saturating_neg())
    }
}

impl ConversionFactors {
    /// Factors from M, B and the two exponents (tolerance and accuracy 0),
    /// clamped to their field widths.
    pub fn new(m: i16, b: i16, b_exp: i8, r_exp: i8) -> Self {
        Self {
            m: m.clamp(-512, 511),
            b: b.clamp(-512, 511),
            b_exp: b_exp.clamp(-8, 7),
            r_exp: r_exp.clamp(-8, 7),
            ..Self::default()
        }
    }

    /// Decodes the 6 bytes; returns the factors and the sensor direction
    /// bits (byte 5 `[1:0]`).
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when fewer than 6 bytes remain.
    pub fn decode(r: &mut Reader<'_>) -> Result<(Self, u8), DecodeError> {
        let [m_lo, m_tol, b_lo, b_acc, acc_dir, exps] = r.array::<6>("conversion factors")?;
        let m = sign_extend(u16::from(m_lo) | (u16::from(m_tol >> 6) << 8), 10);
        let b = sign_extend(u16::from(b_lo) | (u16::from(b_acc >> 6) << 8), 10);
        let accuracy = u16::from(b_acc & 0x3f) | (u16::from(acc_dir >> 4) << 6);
        Ok((
            Self {
                m,
                b,
                b_exp: nibble_signed(exps),
                r_exp: nibble_signed(exps >> 4),
                tolerance: m_tol & 0x3f,
                accuracy,
                accuracy_exp: (acc_dir >> 2) & 0x03,
            },
            acc_dir & 0x03,
        ))
    }

    /// Encodes the 6 bytes with the given sensor direction bits.
    pub fn encode(&self, w: &mut Writer, direction: u8) {
        let [m_lo, m_hi] = self.m.to_le_bytes();
        let [b_lo, b_hi] = self.b.to_le_bytes();
        let [acc_lo, acc_hi] = self.accuracy.to_le_bytes();
        let acc_low6 = acc_lo & 0x3f;
        let acc_high4 = ((acc_lo >> 6) | (acc_hi << 2)) & 0x0f;
        let r = self.r_exp.to_le_bytes()[0] & 0x0f;
        let k1 = self.b_exp.to_le_bytes()[0] & 0x0f;
        w.u8(m_lo)
            .u8(((m_hi & 0x03) << 6) | (self.tolerance & 0x3f))
            .u8(b_lo)
            .u8(((b_hi & 0x03) << 6) | acc_low6)
            .u8((acc_high4 << 4) | ((self.accuracy_exp & 0x03) << 2) | (direction & 0x03))
            .u8((r << 4) | k1);
    }

    /// `(M·x + B·10^K1) · 10^K2`, before linearization.
    pub fn linear(&self, x: f64) -> f64 {
        let inner = f64::from(self.m) * x + scale10(f64::from(self.b), i32::from(self.b_exp));
        scale10(inner, i32::from(self.r_exp))
    }

    /// Solves [`ConversionFactors::linear`] for `x`; `None` when M = 0.
    pub fn inverse_linear(&self, y: f64) -> Option<f64> {
        if self.m == 0 {
            return None;
        }
        let inner = scale10(y, -i32::from(self.r_exp));
        Some((inner - scale10(f64::from(self.b), i32::from(self.b_exp))) / f64::from(self.m))
    }

    /// Tolerance in the sensor's units, before linearization:
    /// `M · tolerance / 2 · 10^K2` (IPMI v2.0 §36.3, "Tolerance").
    pub fn tolerance_value(&self) -> f64 {
        scale10(
            f64::from(self.m).abs() * f64::from(self.tolerance) / 2.0,
            i32::from(self.r_exp),
        )
    }

    /// Accuracy in percent: `accuracy · 10^exp / 100` (the field is in
    /// 1/100 %, IPMI v2.0 Table 43-1 bytes 28–29).
    pub fn accuracy_percent(&self) -> f64 {
        scale10(f64::from(self.accuracy), i32::from(self.accuracy_exp)) / 100.0
    }

    /// The size of one raw count in the sensor's units: `|M| · 10^K2`.
    pub fn resolution(&self) -> f64 {
        scale10(f64::from(self.m).abs(), i32::from(self.r_exp))
    }
}

/// Everything needed to convert a raw reading of a full record's sensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Conversion {
    /// How the raw byte is signed.
    pub format: AnalogFormat,
    /// The linearization function.
    pub linearization: Linearization,
    /// The record's factors (ignored for non-linear sensors, whose factors
    /// come per reading from Get Sensor Reading Factors).
    pub factors: ConversionFactors,
}

impl Conversion {
    /// A linear conversion with the given format and factors.
    pub fn linear(format: AnalogFormat, factors: ConversionFactors) -> Self {
        Self {
            format,
            linearization: Linearization::Linear,
            factors,
        }
    }

    /// `true` when the sensor needs Get Sensor Reading Factors per reading.
    pub fn is_non_linear(&self) -> bool {
        self.linearization.is_non_linear()
    }

    /// Converts a raw byte with the record's factors (IPMI v2.0 §36.3).
    /// `None` for non-linear sensors (use [`Conversion::convert_with`]), for
    /// "no analog reading" and outside the linearization's domain.
    pub fn convert(&self, raw: u8) -> Option<f64> {
        if self.is_non_linear() {
            return None;
        }
        let x = f64::from(self.format.decode(raw)?);
        self.linearization.apply(self.factors.linear(x))
    }

    /// Converts a raw byte of a non-linear sensor with the factors Get
    /// Sensor Reading Factors returned for it (no linearization applies).
    /// For linear sensors this equals [`Conversion::convert`].
    pub fn convert_with(&self, raw: u8, factors: &ConversionFactors) -> Option<f64> {
        if !self.is_non_linear() {
            return self.convert(raw);
        }
        let x = f64::from(self.format.decode(raw)?);
        let y = factors.linear(x);
        y.is_finite().then_some(y)
    }

    /// The raw byte whose conversion is nearest to `value` (linear and
    /// linearized sensors); `None` when no raw byte fits.
    pub fn to_raw(&self, value: f64) -> Option<u8> {
        if self.is_non_linear() {
            return None;
        }
        let x = self
            .factors
            .inverse_linear(self.linearization.invert(value)?)?
            .round();
        if !(-32768.0..=32767.0).contains(&x) {
            return None;
        }
        // The range check above makes the cast exact.
        #[allow(clippy::cast_possible_truncation)]
        let xi = x as i16;
        self.format.encode(xi)
    }

    /// Tolerance in units, with the linearization applied to the linear
    /// tolerance (as FreeIPMI does); `None` outside the domain.
    pub fn tolerance(&self) -> Option<f64> {
        self.linearization.apply(self.factors.tolerance_value())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn factors(bytes: [u8; 6]) -> (ConversionFactors, u8) {
        ConversionFactors::decode(&mut Reader::new(&bytes)).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn analog_formats() {
        let u = AnalogFormat::Unsigned;
        let one = AnalogFormat::OnesComplement;
        let two = AnalogFormat::TwosComplement;
        assert_eq!(u.decode(0xf4), Some(244));
        assert_eq!(two.decode(0xf4), Some(-12));
        // 1's complement: -16 is raw EFh (tests/sim "Inlet-Exh Delta").
        assert_eq!(one.decode(0xef), Some(-16));
        assert_eq!(one.decode(0xff), Some(0));
        assert_eq!(one.decode(0x80), Some(-127));
        assert_eq!(one.decode(0x7f), Some(127));
        assert_eq!(AnalogFormat::NoReading.decode(3), None);
        for f in [u, one, two] {
            for raw in 0..=255u8 {
                let v = f.decode(raw).unwrap();
                // 1's complement has two zeros: FFh decodes to 0 and 0 encodes as 00h.
                if !(f == one && raw == 0xff) {
                    assert_eq!(f.encode(v), Some(raw), "{f:?} {raw:#x}");
                }
            }
        }
        assert_eq!(u.encode(-1), None);
        assert_eq!(two.encode(128), None);
        assert_eq!(one.encode(-128), None);
        for bits in 0..4u8 {
            assert_eq!(AnalogFormat::from_units1(bits << 6).bits(), bits);
        }
    }

    #[test]
    fn factor_bytes() {
        // 12V of bmc-sim: M = 63, R exp = -3 (byte 6 = D0h).
        let (f, dir) = factors([0x3f, 0x00, 0x00, 0x00, 0x00, 0xd0]);
        assert_eq!((f.m, f.b, f.b_exp, f.r_exp, dir), (63, 0, 0, -3, 0));
        // Vcpu1: M = 10, B = -25, Bexp = 1, Rexp = -3: B low E7h, B high 11b.
        let (f, _) = factors([0x0a, 0x00, 0xe7, 0xc0, 0x00, 0xd1]);
        assert_eq!((f.m, f.b, f.b_exp, f.r_exp), (10, -25, 1, -3));
        // 10-bit M = 300 (12Ch): low 2Ch, high bits 01b -> byte 2 = 40h.
        let (f, _) = factors([0x2c, 0x40, 0x00, 0x00, 0x00, 0xc0]);
        assert_eq!((f.m, f.r_exp), (300, -4));
        // M = -512, tolerance 63, accuracy 3FFh, exp 3, direction 2.
        let (f, dir) = factors([0x00, 0xbf, 0xff, 0x7f, 0xfe, 0x78]);
        assert_eq!(f.m, -512);
        assert_eq!(f.tolerance, 63);
        assert_eq!(f.b, 511);
        assert_eq!(f.accuracy, 0x3ff);
        assert_eq!(f.accuracy_exp, 3);
        assert_eq!(dir, 2);
        assert_eq!((f.r_exp, f.b_exp), (7, -8));
        let mut w = Writer::new();
        f.encode(&mut w, dir);
        assert_eq!(w.as_slice(), &[0x00, 0xbf, 0xff, 0x7f, 0xfe, 0x78]);
        assert!(ConversionFactors::decode(&mut Reader::new(&[1, 2, 3])).is_err());
    }

    #[test]
    fn linear_readings_of_the_reference_machine() {
        // (M, B, Bexp, Rexp, format, raw, expected) from bmc-sim's
        // expected-sensors.json and tests/sim/expected/sensors.json.
        let cases: &[(i16, i16, i8, i8, AnalogFormat, u8, f64)] = &[
            (63, 0, 0, -3, AnalogFormat::Unsigned, 192, 12.096),
            (26, 0, 0, -3, AnalogFormat::Unsigned, 193, 5.018),
            (15, 1, 2, -3, AnalogFormat::Unsigned, 193, 2.995),
            (10, -25, 1, -3, AnalogFormat::Unsigned, 205, 1.8),
            (300, 0, 0, -4, AnalogFormat::Unsigned, 40, 1.2),
            (110, 0, 0, -3, AnalogFormat::TwosComplement, 0x92, -12.1),
            (1, 0, 0, -1, AnalogFormat::Unsigned, 14, 1.4),
            (7, 0, 0, 0, AnalogFormat::Unsigned, 45, 315.0),
            (100, 0, 0, 0, AnalogFormat::Unsigned, 88, 8800.0),
            (1, 0, 0, 0, AnalogFormat::TwosComplement, 0xc6, -58.0),
            (1, 0, 0, 0, AnalogFormat::OnesComplement, 0xef, -16.0),
            (13, 5, 2, -3, AnalogFormat::Unsigned, 192, 2.996),
            (10, -2, 2, -3, AnalogFormat::Unsigned, 200, 1.8),
            (59, 0, 0, -3, AnalogFormat::Unsigned, 204, 12.036),
        ];
        for &(m, b, be, re, format, raw, want) in cases {
            let c = Conversion::linear(format, ConversionFactors::new(m, b, be, re));
            let got = c.convert(raw).unwrap();
            assert!(close(got, want), "M={m} B={b} raw={raw}: {got} != {want}");
            assert_eq!(c.to_raw(want), Some(raw), "inverse of {want}");
        }
    }

    #[test]
    fn every_linearization() {
        let f = ConversionFactors::new(1, 0, 0, 0);
        let with = |l: Linearization, raw: u8| {
            Conversion {
                format: AnalogFormat::Unsigned,
                linearization: l,
                factors: f,
            }
            .convert(raw)
        };
        assert!(close(with(Linearization::Ln, 10).unwrap(), 10f64.ln()));
        assert!(close(with(Linearization::Log10, 100).unwrap(), 2.0));
        assert!(close(with(Linearization::Log2, 64).unwrap(), 6.0));
        assert!(close(with(Linearization::E, 2).unwrap(), 2f64.exp()));
        assert!(close(with(Linearization::Exp10, 3).unwrap(), 1000.0));
        assert!(close(with(Linearization::Exp2, 10).unwrap(), 1024.0));
        assert!(close(with(Linearization::OneOverX, 4).unwrap(), 0.25));
        assert!(close(with(Linearization::Sqr, 12).unwrap(), 144.0));
        assert!(close(with(Linearization::Cube, 3).unwrap(), 27.0));
        assert!(close(with(Linearization::Sqrt, 81).unwrap(), 9.0));
        assert!(close(with(Linearization::Cbrt, 125).unwrap(), 5.0));
        // Outside the domain: no value, never NaN or a panic.
        assert_eq!(with(Linearization::Ln, 0), None);
        assert_eq!(with(Linearization::Log10, 0), None);
        assert_eq!(with(Linearization::OneOverX, 0), None);
        assert_eq!(with(Linearization::Reserved(0x20), 5), None);
        assert_eq!(with(Linearization::NonLinear(0x70), 5), None);
        assert!(Linearization::OneOverX.swaps_thresholds());
        for b in 0..=0x7fu8 {
            assert_eq!(u8::from(Linearization::from(b)), b);
        }
        // Inverse of every function.
        for l in [
            Linearization::Linear,
            Linearization::Ln,
            Linearization::Log10,
            Linearization::Log2,
            Linearization::E,
            Linearization::Exp10,
            Linearization::Exp2,
            Linearization::OneOverX,
            Linearization::Sqr,
            Linearization::Cube,
            Linearization::Sqrt,
            Linearization::Cbrt,
        ] {
            let y = l.apply(3.0).unwrap();
            assert!(close(l.invert(y).unwrap(), 3.0), "{l:?}");
        }
    }

    #[test]
    fn non_linear_uses_given_factors() {
        let c = Conversion {
            format: AnalogFormat::Unsigned,
            linearization: Linearization::NonLinear(0x70),
            factors: ConversionFactors::default(),
        };
        assert!(c.is_non_linear());
        assert_eq!(c.convert(10), None);
        let f = ConversionFactors::new(5, 3, 1, -1);
        assert!(close(c.convert_with(10, &f).unwrap(), 8.0));
        assert_eq!(c.to_raw(8.0), None);
    }

    #[test]
    fn tolerance_and_accuracy() {
        let f = ConversionFactors {
            m: 63,
            tolerance: 2,
            accuracy: 150,
            accuracy_exp: 1,
            r_exp: -3,
            ..ConversionFactors::default()
        };
        assert!(close(f.tolerance_value(), 0.063));
        assert!(close(f.accuracy_percent(), 15.0));
        assert!(close(f.resolution(), 0.063));
        let c = Conversion::linear(AnalogFormat::Unsigned, f);
        assert!(close(c.tolerance().unwrap(), 0.063));
    }

    proptest! {
        #[test]
        fn factors_round_trip(
            m in -512i16..512, b in -512i16..512, be in -8i8..8, re in -8i8..8,
            tol in 0u8..64, acc in 0u16..1024, ae in 0u8..4, dir in 0u8..4,
        ) {
            let f = ConversionFactors { m, b, b_exp: be, r_exp: re, tolerance: tol, accuracy: acc, accuracy_exp: ae };
            let mut w = Writer::new();
            f.encode(&mut w, dir);
            let (g, d) = ConversionFactors::decode(&mut Reader::new(w.as_slice())).unwrap();
            prop_assert_eq!(g, f);
            prop_assert_eq!(d, dir);
        }

        #[test]
        fn conversion_never_panics(bytes in any::<[u8; 6]>(), raw in any::<u8>(), fmt in 0u8..4, lin in any::<u8>()) {
            let (f, _) = factors(bytes);
            let c = Conversion { format: AnalogFormat::from_units1(fmt << 6), linearization: Linearization::from(lin), factors: f };
            if let Some(v) = c.convert(raw) {
                prop_assert!(v.is_finite());
            }
            let _ = c.convert_with(raw, &f);
            let _ = c.tolerance();
            let _ = c.to_raw(f64::from(raw));
        }

        #[test]
        fn linear_inverse(m in prop_oneof![-512i16..-1, 1i16..512], b in -512i16..512, be in -3i8..4, re in -4i8..3, raw in any::<u8>(), fmt in 0u8..3) {
            let c = Conversion::linear(AnalogFormat::from_units1(fmt << 6), ConversionFactors::new(m, b, be, re));
            let v = c.convert(raw).unwrap();
            let back = c.to_raw(v).unwrap();
            // 1's complement has two zeros.
            prop_assert_eq!(c.convert(back), Some(v));
        }
    }
}
