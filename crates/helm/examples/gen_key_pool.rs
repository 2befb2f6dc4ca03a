//! Regenerates `src/funcs/sprig/key_pool.rs`, the RSA keys Sprig's certificate functions
//! draw from (see that file for why there is a pool):
//!     cargo run --release -p kubeplay-helm --example gen_key_pool > crates/helm/src/funcs/sprig/key_pool.rs
//! It uses the operating system's randomness, once, here; renders never do.

use rsa::pkcs1::EncodeRsaPrivateKey;

fn main() {
    let mut rng = rand_core::OsRng;
    println!(
        "//! Pre-generated RSA keys for `genCA`, `genSelfSignedCert`, `genSignedCert` (2048 bits)"
    );
    println!("//! and `genPrivateKey \"rsa\"` (4096 bits), PKCS#1 DER in base64. Written by");
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
