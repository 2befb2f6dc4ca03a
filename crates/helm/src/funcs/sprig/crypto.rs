//! Hashes (`sha1sum`, `sha256sum`, `sha512sum`, `adler32sum`).

use kubeplay_gotemplate::{ArgType, Func, Value};
use sha1::Digest;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Adler-32 checksum.
pub fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    b << 16 | a
}

pub fn register(fs: &mut Vec<Func>) {
    use ArgType::String as Str;
    fs.push(Func::new("sha1sum", &[Str], None, |_, a| {
        Ok(Value::from(hex(&sha1::Sha1::digest(
            a[0].as_bytes().unwrap_or_default(),
        ))))
    }));
    fs.push(Func::new("sha256sum", &[Str], None, |_, a| {
        Ok(Value::from(hex(&sha2::Sha256::digest(
            a[0].as_bytes().unwrap_or_default(),
        ))))
    }));
    fs.push(Func::new("sha512sum", &[Str], None, |_, a| {
        Ok(Value::from(hex(&sha2::Sha512::digest(
            a[0].as_bytes().unwrap_or_default(),
        ))))
    }));
    fs.push(Func::new("adler32sum", &[Str], None, |_, a| {
        Ok(Value::from(
            adler32(a[0].as_bytes().unwrap_or_default()).to_string(),
        ))
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(
            hex(&sha2::Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
