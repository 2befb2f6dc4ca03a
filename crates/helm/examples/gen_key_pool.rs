//! Regenerates `src/funcs/sprig/key_pool.rs`, the keys Sprig's key and certificate functions
//! draw from (see that file for why there is a pool):
//!     cargo run --release -p kubeplay-helm --example gen_key_pool > crates/helm/src/funcs/sprig/key_pool.rs
//! It uses the operating system's randomness, once, here; renders never do. The RSA keys are
//! made with the `rsa` crate; the DSA, ECDSA and Ed25519 keys with the `openssl` command, in
//! the encodings Sprig's `pemBlockForKey` writes.

use rsa::pkcs1::EncodeRsaPrivateKey;
use std::process::Command;

/// The other key types: constant, count, and the shell pipeline that prints one key as PEM.
const OPENSSL_KEYS: [(&str, usize, &str); 3] = [
    // Sprig: dsa.L2048N256, fresh parameters per key; asn1 of (0, P, Q, G, Y, X).
    (
        "KEYS_DSA",
        2,
        "p=$(mktemp) && openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 \
         -pkeyopt dsa_paramgen_q_bits:256 -out $p 2>/dev/null && \
         openssl genpkey -paramfile $p | openssl pkey -traditional; rm -f $p",
    ),
    // Sprig: P-256, x509.MarshalECPrivateKey (SEC 1 with the curve and the public key).
    (
        "KEYS_ECDSA",
        4,
        "openssl ecparam -name prime256v1 -genkey -noout",
    ),
    // Sprig: x509.MarshalPKCS8PrivateKey.
    ("KEYS_ED25519", 4, "openssl genpkey -algorithm ed25519"),
];

fn main() {
    let mut rng = rand_core::OsRng;
    println!(
        "//! Pre-generated keys, DER in base64: RSA (PKCS#1) for `genCA`, `genSelfSignedCert`,"
    );
    println!(
        "//! `genSignedCert` (2048 bits) and `genPrivateKey \"rsa\"` (4096 bits), and DSA, ECDSA"
    );
    println!("//! and Ed25519 keys for `genPrivateKey`, encoded as Sprig encodes each. Written by");
    println!("//! `examples/gen_key_pool.rs`. See `certs.rs` for why keys come from a pool.");
    println!();
    for (name, bits, n) in [("KEYS_2048", 2048, 8), ("KEYS_4096", 4096, 2)] {
        println!("pub const {name}: &[&str] = &[");
        for _ in 0..n {
            let k = rsa::RsaPrivateKey::new(&mut rng, bits).expect("key generation");
            let der = k.to_pkcs1_der().expect("encode");
            println!("    \"{}\",", b64(der.as_bytes()));
        }
        println!("];");
    }
    for (name, n, script) in OPENSSL_KEYS {
        println!("pub const {name}: &[&str] = &[");
        for _ in 0..n {
            println!("    \"{}\",", pem_body(script));
        }
        println!("];");
    }
}

/// The base64 body of the one PEM block `script` prints.
fn pem_body(script: &str) -> String {
    let out = Command::new("sh")
        .args(["-c", script])
        .output()
        .expect("run openssl");
    assert!(out.status.success(), "{script}: {out:?}");
    let text = String::from_utf8(out.stdout).expect("PEM is text");
    text.lines().filter(|l| !l.starts_with("-----")).collect()
}

fn b64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            out.push(if i <= c.len() {
                A[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}
