//! Base64 and base32, with Go's standard alphabets and padding.

use kubeplay_gotemplate::{ArgType, Func, GoStr, Value};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `base64.StdEncoding.EncodeToString`.
pub fn b64_std(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `base64.StdEncoding.DecodeString`; the error is Go's.
pub fn b64_decode(s: &str) -> Result<Vec<u8>, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    let mut i = 0;
    // Go ignores \r and \n.
    let clean: Vec<(usize, u8)> = bytes
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, c)| *c != b'\r' && *c != b'\n')
        .collect();
    if clean.len() % 4 != 0 {
        let at = (clean.len() / 4) * 4;
        let pos = clean.get(at).map(|x| x.0).unwrap_or(bytes.len());
        return Err(format!("illegal base64 data at input byte {pos}"));
    }
    let mut pad = 0;
    while i < clean.len() {
        let (pos, c) = clean[i];
        if c == b'=' {
            // padding only at the end of the last quantum
            if i + 1 < clean.len() && clean[i + 1].1 != b'=' || i % 4 < 2 {
                return Err(format!("illegal base64 data at input byte {pos}"));
            }
            pad += 1;
            i += 1;
            continue;
        }
        if pad > 0 {
            return Err(format!("illegal base64 data at input byte {pos}"));
        }
        let v = match B64.iter().position(|&b| b == c) {
            Some(v) => v as u32,
            None => return Err(format!("illegal base64 data at input byte {pos}")),
        };
        buf = buf << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
        i += 1;
    }
    Ok(out)
}

fn b32_std(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(5) {
        let mut b = [0u8; 5];
        b[..chunk.len()].copy_from_slice(chunk);
        let n = b.iter().fold(0u64, |acc, &x| acc << 8 | x as u64);
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                out.push(B32[(n >> (35 - 5 * i) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b32_decode(s: &str) -> Result<Vec<u8>, String> {
    let clean: Vec<u8> = s.bytes().filter(|c| *c != b'\r' && *c != b'\n').collect();
    if clean.len() % 8 != 0 {
        return Err(format!(
            "illegal base32 data at input byte {}",
            (clean.len() / 8) * 8
        ));
    }
    let mut out = Vec::new();
    let mut buf = 0u64;
    let mut bits = 0;
    let mut padded = false;
    for (i, c) in clean.iter().enumerate() {
        if *c == b'=' {
            padded = true;
            continue;
        }
        if padded {
            return Err(format!("illegal base32 data at input byte {i}"));
        }
        let v = B32
            .iter()
            .position(|b| b == c)
            .ok_or_else(|| format!("illegal base32 data at input byte {i}"))?
            as u64;
        buf = buf << 5 | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

pub fn register(fs: &mut Vec<Func>) {
    use ArgType::String as Str;
    fs.push(Func::new("b64enc", &[Str], None, |_, a| {
        Ok(Value::from(b64_std(a[0].as_bytes().unwrap_or_default())))
    }));
    fs.push(Func::new("b64dec", &[Str], None, |_, a| {
        let s = String::from_utf8_lossy(a[0].as_bytes().unwrap_or_default()).into_owned();
        Ok(match b64_decode(&s) {
            Ok(b) => Value::String(GoStr::from_bytes(b)),
            Err(e) => Value::from(e),
        })
    }));
    fs.push(Func::new("b32enc", &[Str], None, |_, a| {
        Ok(Value::from(b32_std(a[0].as_bytes().unwrap_or_default())))
    }));
    fs.push(Func::new("b32dec", &[Str], None, |_, a| {
        let s = String::from_utf8_lossy(a[0].as_bytes().unwrap_or_default()).into_owned();
        Ok(match b32_decode(&s) {
            Ok(b) => Value::String(GoStr::from_bytes(b)),
            Err(e) => Value::from(e),
        })
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            assert_eq!(b64_decode(&b64_std(s.as_bytes())).unwrap(), s.as_bytes());
            assert_eq!(b32_decode(&b32_std(s.as_bytes())).unwrap(), s.as_bytes());
        }
        assert_eq!(b64_std(b"foobar"), "Zm9vYmFy");
        assert_eq!(b32_std(b"foobar"), "MZXW6YTBOI======");
        assert!(b64_decode("abc").is_err());
    }
}
