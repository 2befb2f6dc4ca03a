//! Random functions, made reproducible: Helm draws from the OS; here SplitMix64 streams
//! reseeded at the start of every render ([`reseed`]) give the same chart the same output.
//! The streams are per thread, so the function map itself can be built once and shared.

use std::cell::Cell;

use kubeplay_gotemplate::{ArgType, Func, FuncError, GoStr, Value};

use super::{arg_int, arg_str};

thread_local! {
    static STREAMS: [Cell<u64>; 2] = const { [Cell::new(0), Cell::new(0)] };
}

/// Restarts the random streams of this thread from `seed` (the engine calls it per render).
pub fn reseed(seed: u64) {
    STREAMS.with(|s| {
        s[0].set(seed ^ 0x9E37_79B9_7F4A_7C15);
        // Keys draw from their own stream so that a random call elsewhere does not move them.
        s[1].set(seed ^ 0x6365_7274 ^ 0x9E37_79B9_7F4A_7C15);
    });
}

/// One of the SplitMix64 streams of this thread.
#[derive(Clone, Copy)]
pub struct Rng(usize);

impl Rng {
    /// `randAlphaNum`, `uuidv4`... draw from this one.
    pub const RANDOM: Rng = Rng(0);
    /// Certificate keys and serial numbers draw from this one.
    pub const CERTS: Rng = Rng(1);

    pub fn next_u64(&self) -> u64 {
        let mut z = STREAMS.with(|s| {
            let v = s[self.0].get().wrapping_add(0x9E37_79B9_7F4A_7C15);
            s[self.0].set(v);
            v
        });
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn bytes(&self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

const ALPHA: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NUM: &str = "0123456789";

fn pick(rng: &Rng, set: &[char], n: i64) -> Result<Value, FuncError> {
    if n < 0 {
        // Sprig drops the error its random source gives for a negative count.
        return Ok(Value::from(""));
    }
    if n > 1 << 20 {
        return Err(FuncError::new("random string longer than 1 MiB"));
    }
    Ok(Value::from(
        (0..n)
            .map(|_| set[rng.below(set.len() as u64) as usize])
            .collect::<String>(),
    ))
}

pub fn register(fs: &mut Vec<Func>) {
    use ArgType::{Int, String as Str};
    let rng = Rng::RANDOM;
    let alnum: Vec<char> = format!("{ALPHA}{NUM}").chars().collect();
    let alpha: Vec<char> = ALPHA.chars().collect();
    let num: Vec<char> = NUM.chars().collect();
    let ascii: Vec<char> = (32u8..127).map(|b| b as char).collect();
    for (name, set) in [
        ("randAlphaNum", alnum),
        ("randAlpha", alpha),
        ("randNumeric", num),
        ("randAscii", ascii),
    ] {
        let r = rng;
        fs.push(Func::new(name, &[Int], None, move |_, a| {
            pick(&r, &set, arg_int(&a[0]))
        }));
    }
    let r = rng;
    fs.push(Func::new("randInt", &[Int, Int], None, move |_, a| {
        let (min, max) = (arg_int(&a[0]), arg_int(&a[1]));
        if max <= min {
            return Err(FuncError::new("invalid argument to Intn"));
        }
        Ok(Value::Int(min + r.below((max - min) as u64) as i64))
    }));
    let r = rng;
    fs.push(Func::new("randBytes", &[Int], None, move |_, a| {
        let n = arg_int(&a[0]).clamp(0, 1 << 20) as usize;
        Ok(Value::from(super::encoding::b64_std(&r.bytes(n))))
    }));
    let r = rng;
    fs.push(Func::new("shuffle", &[Str], None, move |_, a| {
        let mut c: Vec<char> = arg_str(&a[0]).chars().collect();
        for i in (1..c.len()).rev() {
            let j = r.below(i as u64 + 1) as usize;
            c.swap(i, j);
        }
        Ok(Value::from(c.into_iter().collect::<String>()))
    }));
    let r = rng;
    fs.push(Func::new("uuidv4", &[], None, move |_, _| {
        let mut b = r.bytes(16);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
        Ok(Value::String(GoStr::from(format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        ))))
    }));
}
