//! `bcrypt`, `htpasswd` (bcrypt), `derivePassword` (the Master Password algorithm Sprig uses),
//! `encryptAES`/`decryptAES` (AES-256-CBC, PKCS#7 padding, IV first, base64). Salts and IVs
//! come from the render's seeded stream.

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hmac::Mac;
use kubeplay_gotemplate::{ArgType, Func, FuncError, GoStr, Value};

use super::encoding::{b64_decode, b64_std};
use super::random::Rng;
use super::{arg_int, arg_str};

/// golang.org/x/crypto/bcrypt's DefaultCost.
const GO_DEFAULT_COST: u32 = 10;

const MASTER_PASSWORD_SEED: &str = "com.lyndir.masterpassword";

fn templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_chars(c: u8) -> &'static [u8] {
    match c {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// Sprig's `derivePassword`.
pub fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    let Some(temps) = templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = MASTER_PASSWORD_SEED.as_bytes().to_vec();
    salt.extend((user.len() as u32).to_be_bytes());
    salt.extend(user.as_bytes());
    let mut key = [0u8; 64];
    let Ok(params) = scrypt::Params::new(15, 8, 2, 64) else {
        return "failed to derive password: bad parameters".into();
    };
    if let Err(e) = scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key) {
        return format!("failed to derive password: {e}");
    }
    let mut msg = MASTER_PASSWORD_SEED.as_bytes().to_vec();
    msg.extend((site.len() as u32).to_be_bytes());
    msg.extend(site.as_bytes());
    msg.extend(counter.to_be_bytes());
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key) else {
        return "failed to derive password".into();
    };
    mac.update(&msg);
    let seed = mac.finalize().into_bytes();
    let temp = temps[seed[0] as usize % temps.len()].as_bytes();
    temp.iter()
        .enumerate()
        .map(|(i, &c)| {
            let chars = template_chars(c);
            chars[seed[i + 1] as usize % chars.len()] as char
        })
        .collect()
}

/// bcrypt's own base64 (no padding).
fn bcrypt_b64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// The bcrypt (EksBlowfish) hash of `key` (password with its NUL, at most 72 bytes).
fn eks_blowfish(cost: u32, salt: &[u8; 16], key: &[u8]) -> [u8; 24] {
    let mut state = blowfish::Blowfish::bc_init_state();
    state.salted_expand_key(salt, key);
    for _ in 0..1u32 << cost {
        state.bc_expand_key(key);
        state.bc_expand_key(salt);
    }
    // "OrpheanBeholderScryDoubt", encrypted 64 times.
    let mut words = [
        0x4f72_7068u32,
        0x6561_6e42,
        0x6568_6f6c,
        0x6465_7253,
        0x6372_7944,
        0x6f75_6274,
    ];
    for pair in words.chunks_mut(2) {
        for _ in 0..64 {
            let [l, r] = state.bc_encrypt([pair[0], pair[1]]);
            pair[0] = l;
            pair[1] = r;
        }
    }
    let mut out = [0u8; 24];
    for (i, w) in words.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// golang.org/x/crypto/bcrypt `GenerateFromPassword` at the default cost, `$2a$` form.
fn bcrypt_hash(rng: Rng, input: &str) -> String {
    if input.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .into();
    }
    let mut salt = [0u8; 16];
    for b in salt.iter_mut() {
        *b = rng.next_u64() as u8;
    }
    let mut key = input.as_bytes().to_vec();
    key.push(0);
    let hash = eks_blowfish(GO_DEFAULT_COST, &salt, &key);
    format!(
        "$2a${GO_DEFAULT_COST:02}${}{}",
        bcrypt_b64(&salt),
        bcrypt_b64(&hash[..23])
    )
}

fn aes_key(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let p = password.as_bytes();
    let n = p.len().min(32);
    key[..n].copy_from_slice(&p[..n]);
    key
}

fn encrypt(rng: Rng, password: &str, plain: &[u8]) -> String {
    if plain.is_empty() {
        return String::new();
    }
    let mut iv = [0u8; 16];
    for b in iv.iter_mut() {
        *b = rng.next_u64() as u8;
    }
    let pad = 16 - plain.len() % 16;
    let mut buf = plain.to_vec();
    buf.extend(std::iter::repeat_n(pad as u8, pad));
    let len = buf.len();
    let enc = cbc::Encryptor::<aes::Aes256>::new(&aes_key(password).into(), &iv.into());
    let ct = enc
        .encrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut buf, len)
        .map(|c| c.to_vec())
        .unwrap_or_default();
    let mut out = iv.to_vec();
    out.extend(ct);
    b64_std(&out)
}

fn decrypt(password: &str, crypt64: &str) -> Result<Vec<u8>, String> {
    if crypt64.is_empty() {
        return Ok(Vec::new());
    }
    let crypt = b64_decode(crypt64)?;
    if crypt.len() < 16 {
        return Err(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            crypt.len()
        ));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err("crypto/cipher: input not full blocks".into());
    }
    let mut buf = body.to_vec();
    let dec = cbc::Decryptor::<aes::Aes256>::new(&aes_key(password).into(), iv.into());
    let plain = dec
        .decrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut buf)
        .map_err(|e| e.to_string())?
        .to_vec();
    let Some(&last) = plain.last() else {
        return Err("runtime error: index out of range [-1]".into());
    };
    let cut = plain.len().checked_sub(last as usize).ok_or_else(|| {
        format!(
            "runtime error: slice bounds out of range [:{}]",
            plain.len() as i64 - last as i64
        )
    })?;
    Ok(plain[..cut].to_vec())
}

pub fn register(fs: &mut Vec<Func>) {
    use ArgType::{String as Str, Uint64};
    let rng = Rng::RANDOM;
    fs.push(Func::new("bcrypt", &[Str], None, move |_, a| {
        Ok(Value::from(bcrypt_hash(rng, &arg_str(&a[0]))))
    }));
    // Sprig 3.3 as Helm 4.2 vendors it: htpasswd(user, password), bcrypt only.
    fs.push(Func::new("htpasswd", &[Str, Str], None, move |_, a| {
        let (user, pass) = (arg_str(&a[0]), arg_str(&a[1]));
        if user.contains(':') {
            return Ok(Value::from(format!("invalid username: {user}")));
        }
        Ok(Value::from(format!("{user}:{}", bcrypt_hash(rng, &pass))))
    }));
    fs.push(Func::new(
        "derivePassword",
        &[Uint64, Str, Str, Str, Str],
        None,
        |_, a| {
            let counter = arg_int(&a[0]) as u32;
            Ok(Value::from(derive_password(
                counter,
                &arg_str(&a[1]),
                &arg_str(&a[2]),
                &arg_str(&a[3]),
                &arg_str(&a[4]),
            )))
        },
    ));
    fs.push(Func::new("encryptAES", &[Str, Str], None, move |_, a| {
        Ok(Value::from(encrypt(
            rng,
            &arg_str(&a[0]),
            a[1].as_bytes().unwrap_or_default(),
        )))
    }));
    fs.push(Func::new("decryptAES", &[Str, Str], None, |_, a| {
        decrypt(&arg_str(&a[0]), &arg_str(&a[1]))
            .map(|b| Value::String(GoStr::from_bytes(b)))
            .map_err(FuncError::new)
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcrypt_known_vector() {
        // OpenBSD's test vector: password "", cost 6.
        let salt: [u8; 16] = [
            0x14, 0x4b, 0x3d, 0x69, 0x1a, 0x7b, 0x4e, 0xcf, 0x39, 0xcf, 0x73, 0x5c, 0x7f, 0xa7,
            0xa7, 0x9c,
        ];
        let h = eks_blowfish(6, &salt, b"\0");
        assert_eq!(
            format!("$2a$06${}{}", bcrypt_b64(&salt), bcrypt_b64(&h[..23])),
            "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s."
        );
    }

    #[test]
    fn aes_round_trip() {
        super::super::random::reseed(1);
        let c = encrypt(Rng::RANDOM, "secretkey", b"plaintext");
        assert_eq!(decrypt("secretkey", &c).unwrap(), b"plaintext");
        assert!(decrypt("k", "AAAA").is_err());
    }
}
