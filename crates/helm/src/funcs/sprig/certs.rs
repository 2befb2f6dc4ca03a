//! Certificates and keys: `genCA`, `genSelfSignedCert`, `genSignedCert` (and their
//! `...WithKey` forms), `genPrivateKey`, `buildCustomCert`. Certificates are X.509 v3 DER
//! built here and signed with SHA-256 (PKCS#1 v1.5), with serial numbers from the render's
//! seeded stream.
//!
//! Keys are of Sprig's types (RSA, and DSA, ECDSA and Ed25519 from `genPrivateKey`), but
//! taken from a fixed pool of pre-generated keys (`key_pool.rs`) chosen by the seeded
//! stream, not generated per call:
//! finding 1024-bit primes takes seconds of bignum arithmetic per key (tens of seconds in an
//! unoptimised build), which a chart calling `genCA` on every keystroke in the page cannot
//! afford, and a playground's keys must not be trusted anyway. Never use these keys outside
//! kubeplay.
//!
//! Errors are Sprig's, word for word, except two limits: a key given to a `...WithKey` form
//! or to `buildCustomCert` must be RSA (PKCS#1 or PKCS#8; Sprig also signs with EC and DSA
//! keys), and a given certificate must be PEM but is not parsed as X.509. The details of a
//! malformed key's DER come from the `rsa` crate, not Go's `encoding/asn1`.

use kubeplay_gotemplate::{ArgType, Func, FuncError, Object, Value};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use sha1::Digest;

use super::date::now_unix;
use super::encoding::{b64_decode, b64_std};
use super::random::Rng;
use super::{arg_int, arg_str};
use crate::funcs::{list_items, strval};

/// The Go type of Sprig's `certificate` struct, as errors name it.
const CERTIFICATE_TYPE: &str = "sprig.certificate";

/// Sprig's `certificate` struct.
#[derive(Clone)]
pub struct Certificate {
    pub cert: String,
    pub key: String,
}

impl Object for Certificate {
    fn type_name(&self) -> String {
        CERTIFICATE_TYPE.into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Cert" => Value::from(self.cert.as_str()),
            "Key" => Value::from(self.key.as_str()),
            _ => return None,
        })
    }
    fn format(&self) -> String {
        format!("{{{} {}}}", self.cert, self.key)
    }
}

// --- DER ---

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 128 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    der(0x30, &parts.concat())
}

fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &a in &arcs[2..] {
        let mut tmp = vec![(a & 0x7f) as u8];
        let mut v = a >> 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        tmp.reverse();
        body.extend(tmp);
    }
    der(0x06, &body)
}

fn integer(bytes: &[u8]) -> Vec<u8> {
    let mut b: Vec<u8> = bytes.iter().copied().skip_while(|x| *x == 0).collect();
    if b.is_empty() {
        b.push(0);
    }
    if b[0] & 0x80 != 0 {
        b.insert(0, 0);
    }
    der(0x02, &b)
}

fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut b = vec![0u8];
    b.extend_from_slice(bytes);
    der(0x03, &b)
}

fn utc_time(secs: i64) -> Vec<u8> {
    let t = super::date::Time { secs, nanos: 0 };
    // UTCTime for 1950..2049, GeneralizedTime after.
    let year: i64 = t.format("2006").parse().unwrap_or(2000);
    if (1950..2050).contains(&year) {
        der(0x17, t.format("060102150405Z").as_bytes())
    } else {
        der(0x18, t.format("20060102150405Z").as_bytes())
    }
}

fn name(cn: &str) -> Vec<u8> {
    seq(&[der(
        0x31,
        &seq(&[oid(&[2, 5, 4, 3]), der(0x13, cn.as_bytes())]),
    )])
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = b64_std(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Go's `pem.Decode`, first block: its type and bytes; `None` where Go finds no block (no
/// `-----BEGIN TYPE-----` line starting a line, no `-----END TYPE-----` after it, a body that
/// is not base64).
fn pem_decode(text: &str) -> Option<(&str, Vec<u8>)> {
    const BEGIN: &str = "-----BEGIN ";
    let start = if text.starts_with(BEGIN) {
        0
    } else {
        text.find("\n-----BEGIN ")? + 1
    };
    let (label, rest) = text[start + BEGIN.len()..].split_once('\n')?;
    let typ = label.trim_end_matches('\r').strip_suffix("-----")?;
    let body = &rest[..rest.find(&format!("-----END {typ}-----"))?];
    let body: String = body.split_whitespace().collect();
    Some((typ, b64_decode(&body).ok()?))
}

struct Template<'a> {
    cn: &'a str,
    ips: Vec<Vec<u8>>,
    dns: Vec<String>,
    days: i64,
    is_ca: bool,
}

fn parse_ip(s: &str) -> Option<Vec<u8>> {
    if let Ok(v4) = s.parse::<std::net::Ipv4Addr>() {
        return Some(v4.octets().to_vec());
    }
    s.parse::<std::net::Ipv6Addr>()
        .ok()
        .map(|v6| v6.octets().to_vec())
}

fn sign(key: &RsaPrivateKey, data: &[u8]) -> Result<Vec<u8>, FuncError> {
    let digest = sha2::Sha256::digest(data);
    let mut info = vec![
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    info.extend_from_slice(&digest);
    key.sign(Pkcs1v15Sign::new_unprefixed(), &info)
        .map_err(|e| FuncError::new(format!("error signing certificate: {e}")))
}

fn build_cert(
    rng: &Rng,
    t: &Template<'_>,
    subject_key: &RsaPublicKey,
    issuer: Option<(&str, &RsaPrivateKey)>,
    self_key: &RsaPrivateKey,
) -> Result<String, FuncError> {
    let serial = rng.bytes(16);
    let sha256_rsa = seq(&[oid(&[1, 2, 840, 113_549, 1, 1, 11]), der(0x05, &[])]);
    let pub_der = subject_key
        .to_pkcs1_der()
        .map_err(|e| FuncError::new(format!("error encoding public key: {e}")))?;
    let spki = seq(&[
        seq(&[oid(&[1, 2, 840, 113_549, 1, 1, 1]), der(0x05, &[])]),
        bit_string(pub_der.as_bytes()),
    ]);
    // keyUsage: digitalSignature | keyEncipherment (| keyCertSign for a CA)
    let ku: &[u8] = if t.is_ca {
        &[0x02, 0xa4]
    } else {
        &[0x05, 0xa0]
    };
    let mut exts = vec![
        seq(&[
            oid(&[2, 5, 29, 15]),
            der(0x01, &[0xff]),
            der(0x04, &der(0x03, ku)),
        ]),
        seq(&[
            oid(&[2, 5, 29, 37]),
            der(
                0x04,
                &seq(&[
                    oid(&[1, 3, 6, 1, 5, 5, 7, 3, 1]),
                    oid(&[1, 3, 6, 1, 5, 5, 7, 3, 2]),
                ]),
            ),
        ]),
        seq(&[
            oid(&[2, 5, 29, 19]),
            der(0x01, &[0xff]),
            der(
                0x04,
                &if t.is_ca {
                    seq(&[der(0x01, &[0xff])])
                } else {
                    seq(&[])
                },
            ),
        ]),
    ];
    if !t.dns.is_empty() || !t.ips.is_empty() {
        let mut names = Vec::new();
        for d in &t.dns {
            names.push(der(0x82, d.as_bytes()));
        }
        for ip in &t.ips {
            names.push(der(0x87, ip));
        }
        exts.push(seq(&[oid(&[2, 5, 29, 17]), der(0x04, &seq(&names))]));
    }
    let issuer_cn = issuer.map(|(cn, _)| cn).unwrap_or(t.cn);
    let tbs = seq(&[
        der(0xa0, &integer(&[2])),
        integer(&serial),
        sha256_rsa.clone(),
        name(issuer_cn),
        seq(&[utc_time(now_unix()), utc_time(now_unix() + t.days * 86_400)]),
        name(t.cn),
        spki,
        der(0xa3, &seq(&exts)),
    ]);
    let signer = issuer.map(|(_, k)| k).unwrap_or(self_key);
    let sig = sign(signer, &tbs)?;
    let cert = seq(&[tbs, sha256_rsa, bit_string(&sig)]);
    Ok(pem("CERTIFICATE", &cert))
}

/// The DER of a key from `pool`, chosen by the seeded stream.
fn pooled_key(rng: &Rng, pool: &[&str]) -> Result<Vec<u8>, FuncError> {
    let pick = pool[(rng.next_u64() % pool.len() as u64) as usize];
    b64_decode(pick).map_err(FuncError::new)
}

/// Sprig's `genPrivateKey`: a key of type `typ`, as PEM in the encoding Sprig's
/// `pemBlockForKey` gives that type; an unknown type is text, not an error.
fn private_key_pem(rng: &Rng, typ: &str) -> Result<String, FuncError> {
    use super::key_pool::{KEYS_DSA, KEYS_ECDSA, KEYS_ED25519};
    Ok(match typ {
        "" | "rsa" => key_pem(&new_key(rng, 4096)?)?,
        "dsa" => pem("DSA PRIVATE KEY", &pooled_key(rng, KEYS_DSA)?),
        "ecdsa" => pem("EC PRIVATE KEY", &pooled_key(rng, KEYS_ECDSA)?),
        "ed25519" => pem("PRIVATE KEY", &pooled_key(rng, KEYS_ED25519)?),
        other => format!("Unknown type {other}"),
    })
}

/// An RSA key of `bits` bits from the pool.
fn new_key(rng: &Rng, bits: usize) -> Result<RsaPrivateKey, FuncError> {
    let pool = if bits > 2048 {
        super::key_pool::KEYS_4096
    } else {
        super::key_pool::KEYS_2048
    };
    RsaPrivateKey::from_pkcs1_der(&pooled_key(rng, pool)?)
        .map_err(|e| FuncError::new(format!("error generating RSA private key: {e}")))
}

fn key_pem(key: &RsaPrivateKey) -> Result<String, FuncError> {
    let d = key
        .to_pkcs1_der()
        .map_err(|e| FuncError::new(format!("error encoding private key: {e}")))?;
    Ok(pem("RSA PRIVATE KEY", d.as_bytes()))
}

/// Sprig's `parsePrivateKeyPEM` and its messages, for the RSA keys kubeplay signs with.
fn parse_key(text: &str) -> Result<RsaPrivateKey, String> {
    let (typ, der) = pem_decode(text).ok_or("no PEM data in input")?;
    match typ {
        "PRIVATE KEY" => match rsa::pkcs8::PrivateKeyInfo::try_from(der.as_slice()) {
            Ok(info) if info.algorithm.oid != rsa::pkcs1::ALGORITHM_OID => {
                let oid = info.algorithm.oid.to_string();
                let name = match oid.as_str() {
                    "1.3.101.112" => "Ed25519",
                    "1.2.840.10045.2.1" => "ECDSA",
                    "1.2.840.10040.4.1" => "DSA",
                    _ => "other",
                };
                Err(not_rsa(&format!("PKCS#8 {name} key ({oid})")))
            }
            _ => RsaPrivateKey::from_pkcs8_der(&der)
                .map_err(|e| format!("decoding PEM as PKCS#8: {e}")),
        },
        "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_der(&der)
            .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC PRIVATE KEY" | "DSA PRIVATE KEY" => Err(not_rsa(typ)),
        t if t.ends_with(" PRIVATE KEY") => Err(format!("invalid private key type {t}")),
        t => Err(format!("no private key data in PEM block of type {t}")),
    }
}

/// Why a key Sprig would sign with is refused: the certificates built here are RSA-signed.
fn not_rsa(what: &str) -> String {
    format!(
        "{what}: only RSA keys can sign here (Sprig also signs with ECDSA, Ed25519 and DSA keys)"
    )
}

/// The signing CA's common name and key, read as Sprig reads them (the parameter's type
/// already made `v` a certificate).
fn ca_parts(v: &Value) -> Result<(String, RsaPrivateKey), FuncError> {
    let field = |name| match v {
        Value::Object(o) => o.field(name).map(|f| strval(&f)).unwrap_or_default(),
        _ => String::new(),
    };
    let cert = field("Cert");
    let Some((_, cert_der)) = pem_decode(&cert) else {
        return Err(FuncError::new("unable to decode certificate"));
    };
    let key = parse_key(&field("Key"))
        .map_err(|e| FuncError::new(format!("error parsing private key: {e}")))?;
    // The subject's common name: the last CN (the issuer's comes first).
    let cn = common_names(&cert_der).pop().unwrap_or_default();
    Ok((cn, key))
}

/// Every common name in a certificate's DER, in order: the issuer's, then the subject's.
fn common_names(der: &[u8]) -> Vec<String> {
    let cn_oid = [0x06, 0x03, 0x55, 0x04, 0x03];
    let mut names = Vec::new();
    let mut i = 0;
    while i + cn_oid.len() + 2 <= der.len() {
        if der[i..i + cn_oid.len()] == cn_oid {
            let len = der[i + cn_oid.len() + 1] as usize;
            let start = i + cn_oid.len() + 2;
            if start + len <= der.len() {
                names.push(String::from_utf8_lossy(&der[start..start + len]).into_owned());
            }
        }
        i += 1;
    }
    names
}

/// A `[]interface {}` argument's strings (nil is none); `not_string` words the error for an
/// element that is not one.
fn string_items(v: &Value, not_string: &str) -> Result<Vec<String>, FuncError> {
    list_items(v)
        .unwrap_or_default()
        .iter()
        .map(|item| match item {
            Value::String(s) => Ok(s.to_str_lossy().into_owned()),
            other => Err(FuncError::new(format!(
                "{not_string}: {} is not a string",
                strval(other)
            ))),
        })
        .collect()
}

/// Sprig's `getNetIPs`.
fn ip_list(v: &Value) -> Result<Vec<Vec<u8>>, FuncError> {
    string_items(v, "error parsing ip")?
        .iter()
        .map(|s| parse_ip(s).ok_or_else(|| FuncError::new(format!("error parsing ip: {s}"))))
        .collect()
}

/// Where a `gen*` function's arguments are; the common name is always the first.
#[derive(Clone, Copy)]
struct CertArgs {
    /// Whether IP addresses and DNS names follow the common name: they do for every
    /// certificate but a CA's.
    sans: bool,
    days: usize,
    /// The argument holding the signing CA; none for a self-signed certificate.
    ca: Option<usize>,
    /// The argument holding the key as PEM; none to generate a 2048-bit key.
    key: Option<usize>,
}

impl CertArgs {
    /// `genCA CN DAYS`.
    const CA: CertArgs = CertArgs {
        sans: false,
        days: 1,
        ca: None,
        key: None,
    };
    /// `genSelfSignedCert CN IPS DNS DAYS`.
    const LEAF: CertArgs = CertArgs {
        sans: true,
        days: 3,
        ca: None,
        key: None,
    };
}

/// A certificate and its key, as Sprig's generators return them. Arguments are read, and the
/// random source drawn from, in Sprig's order: the key, the CA, the names, then the
/// certificate.
fn generate_cert(rng: &Rng, a: &[Value], layout: CertArgs) -> Result<Value, FuncError> {
    let cn = arg_str(&a[0]);
    let key = match layout.key {
        Some(i) => parse_key(&arg_str(&a[i]))
            .map_err(|e| FuncError::new(format!("parsing private key: {e}")))?,
        None => new_key(rng, 2048)?,
    };
    let ca = layout.ca.map(|i| ca_parts(&a[i])).transpose()?;
    let (ips, dns) = if layout.sans {
        let ips = ip_list(&a[1])?;
        (
            ips,
            string_items(&a[2], "error processing alternate dns name")?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let t = Template {
        cn: &cn,
        ips,
        dns,
        days: arg_int(&a[layout.days]),
        is_ca: !layout.sans,
    };
    let issuer = ca.as_ref().map(|(cn, key)| (cn.as_str(), key));
    let cert = build_cert(rng, &t, &key.to_public_key(), issuer, &key)?;
    Ok(Value::object(Certificate {
        cert,
        key: key_pem(&key)?,
    }))
}

pub fn register(fs: &mut Vec<Func>) {
    let rng = &Rng::CERTS;
    use ArgType::{Int, List, String as Str};
    const CERT: ArgType = ArgType::Object(CERTIFICATE_TYPE);
    let r = *rng;
    fs.push(Func::new("genPrivateKey", &[Str], None, move |_, a| {
        private_key_pem(&r, &arg_str(&a[0])).map(Value::from)
    }));
    // Sprig's generators differ only in where their arguments are.
    let generators: [(&str, &'static [ArgType], CertArgs); 6] = [
        ("genCA", &[Str, Int], CertArgs::CA),
        (
            "genCAWithKey",
            &[Str, Int, Str],
            CertArgs {
                key: Some(2),
                ..CertArgs::CA
            },
        ),
        ("genSelfSignedCert", &[Str, List, List, Int], CertArgs::LEAF),
        (
            "genSelfSignedCertWithKey",
            &[Str, List, List, Int, Str],
            CertArgs {
                key: Some(4),
                ..CertArgs::LEAF
            },
        ),
        (
            "genSignedCert",
            &[Str, List, List, Int, CERT],
            CertArgs {
                ca: Some(4),
                ..CertArgs::LEAF
            },
        ),
        (
            "genSignedCertWithKey",
            &[Str, List, List, Int, CERT, Str],
            CertArgs {
                ca: Some(4),
                key: Some(5),
                ..CertArgs::LEAF
            },
        ),
    ];
    for (name, params, layout) in generators {
        let r = *rng;
        fs.push(Func::new(name, params, None, move |_, a| {
            generate_cert(&r, a, layout)
        }));
    }
    fs.push(Func::new("buildCustomCert", &[Str, Str], None, |_, a| {
        let cert = b64_decode(&arg_str(&a[0]))
            .map_err(|_| FuncError::new("unable to decode base64 certificate"))?;
        let key = b64_decode(&arg_str(&a[1]))
            .map_err(|_| FuncError::new("unable to decode base64 private key"))?;
        let cert = String::from_utf8_lossy(&cert).into_owned();
        let key = String::from_utf8_lossy(&key).into_owned();
        // Sprig also parses the certificate as X.509; here any PEM block passes.
        if pem_decode(&cert).is_none() {
            return Err(FuncError::new("unable to decode certificate"));
        }
        parse_key(&key).map_err(|e| FuncError::new(format!("error parsing private key: {e}")))?;
        Ok(Value::object(Certificate { cert, key }))
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generator's certificate and key PEMs.
    fn generate(layout: CertArgs, args: &[Value]) -> Result<(String, String), String> {
        let v = generate_cert(&Rng::CERTS, args, layout).map_err(|e| e.msg)?;
        let Value::Object(o) = v else {
            return Err(format!("not a certificate: {v:?}"));
        };
        let field = |n| o.field(n).map(|f| strval(&f)).unwrap_or_default();
        Ok((field("Cert"), field("Key")))
    }

    /// The common names of a certificate PEM.
    fn cns(cert: &str) -> Vec<String> {
        pem_decode(cert).map_or_else(Vec::new, |(_, der)| common_names(&der))
    }

    fn list(items: &[&str]) -> Value {
        Value::list(items.iter().map(|s| Value::from(*s)).collect())
    }

    /// Each layout reads its own arguments: a CA and a self-signed certificate issue
    /// themselves, a signed one names its CA as issuer, and a given key is the one returned.
    #[test]
    fn each_generator_reads_its_arguments() {
        let (ca_cert, ca_key) =
            generate(CertArgs::CA, &[Value::from("ca"), Value::Int(30)]).unwrap();
        assert!(
            ca_cert.starts_with("-----BEGIN CERTIFICATE-----\n"),
            "{ca_cert}"
        );
        assert!(
            ca_key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"),
            "{ca_key}"
        );
        assert_eq!(cns(&ca_cert), ["ca", "ca"]);
        let ca = Value::object(Certificate {
            cert: ca_cert,
            key: ca_key.clone(),
        });
        let with_key = |i| CertArgs {
            key: Some(i),
            ..CertArgs::LEAF
        };
        let signed = |key| CertArgs {
            ca: Some(4),
            key,
            ..CertArgs::LEAF
        };
        let sans = [
            Value::from("web"),
            list(&["10.0.0.1"]),
            list(&["web.local"]),
            Value::Int(7),
        ];
        let leaf = |extra: &[Value]| [&sans[..], extra].concat();
        let cases = [
            (CertArgs::LEAF, leaf(&[]), ["web", "web"], false),
            (
                with_key(4),
                leaf(&[Value::from(ca_key.as_str())]),
                ["web", "web"],
                true,
            ),
            (
                signed(None),
                leaf(std::slice::from_ref(&ca)),
                ["ca", "web"],
                false,
            ),
            (
                signed(Some(5)),
                leaf(&[ca.clone(), Value::from(ca_key.as_str())]),
                ["ca", "web"],
                true,
            ),
        ];
        for (layout, args, issuer_subject, given_key) in cases {
            let (cert, key) = generate(layout, &args).unwrap();
            assert_eq!(cns(&cert), issuer_subject);
            assert_eq!(key == ca_key, given_key, "{issuer_subject:?}");
        }
        let (ca2, key2) = generate(
            CertArgs {
                key: Some(2),
                ..CertArgs::CA
            },
            &[
                Value::from("root"),
                Value::Int(1),
                Value::from(ca_key.as_str()),
            ],
        )
        .unwrap();
        assert_eq!(
            (cns(&ca2), key2),
            (vec!["root".into(), "root".into()], ca_key)
        );
    }

    /// Bad arguments give Sprig's messages, checked with the Helm 4.2.3 library, in
    /// Sprig's order: the key, the CA, the IPs, then the DNS names.
    #[test]
    fn bad_arguments_give_sprigs_errors() {
        let (ca_cert, ca_key) =
            generate(CertArgs::CA, &[Value::from("ca"), Value::Int(1)]).unwrap();
        let ca = |cert: &str, key: &str| {
            Value::object(Certificate {
                cert: cert.into(),
                key: key.into(),
            })
        };
        let signed_with_key = CertArgs {
            ca: Some(4),
            key: Some(5),
            ..CertArgs::LEAF
        };
        let args = |ips: Value, dns: Value, ca: Value, key: &str| {
            vec![
                Value::from("web"),
                ips,
                dns,
                Value::Int(1),
                ca,
                Value::from(key),
            ]
        };
        let good_ca = ca(&ca_cert, &ca_key);
        let no_pem = "-----BEGIN RSA PRIVATE KEY-----\n!!!!\n-----END RSA PRIVATE KEY-----\n";
        let cases = [
            (
                args(list(&["x"]), Value::Nil, ca("x", "y"), "nope"),
                "parsing private key: no PEM data in input",
            ),
            (
                args(list(&["x"]), Value::Nil, ca("x", "y"), no_pem),
                "parsing private key: no PEM data in input",
            ),
            (
                args(list(&["x"]), Value::Nil, ca("x", "y"), &ca_key),
                "unable to decode certificate",
            ),
            (
                args(
                    list(&["x"]),
                    Value::Nil,
                    ca(&ca_cert, "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n"),
                    &ca_key,
                ),
                "error parsing private key: no private key data in PEM block of type FOO",
            ),
            (
                args(list(&["1.2.3"]), list(&[]), good_ca.clone(), &ca_key),
                "error parsing ip: 1.2.3",
            ),
            (
                args(
                    Value::list(vec![Value::Int(1)]),
                    Value::Nil,
                    good_ca.clone(),
                    &ca_key,
                ),
                "error parsing ip: 1 is not a string",
            ),
            (
                args(
                    Value::Nil,
                    Value::list(vec![Value::Int(2)]),
                    good_ca,
                    &ca_key,
                ),
                "error processing alternate dns name: 2 is not a string",
            ),
        ];
        for (a, want) in cases {
            assert_eq!(generate(signed_with_key, &a).unwrap_err(), want);
        }
        let other_type = "-----BEGIN FOO PRIVATE KEY-----\nAAAA\n-----END FOO PRIVATE KEY-----\n";
        assert_eq!(
            parse_key(other_type).unwrap_err(),
            "invalid private key type FOO PRIVATE KEY"
        );
    }

    /// `genPrivateKey` gives each of Sprig's types in Sprig's encoding (the PEM lengths of a
    /// P-256 and an Ed25519 key are fixed: the Helm 4.2.3 library's), and keys other than
    /// RSA are refused for signing with a message that says why.
    #[test]
    fn private_keys_of_every_type() {
        let key = |typ| private_key_pem(&Rng::CERTS, typ).unwrap();
        for (typ, block) in [
            ("", "RSA PRIVATE KEY"),
            ("rsa", "RSA PRIVATE KEY"),
            ("dsa", "DSA PRIVATE KEY"),
            ("ecdsa", "EC PRIVATE KEY"),
            ("ed25519", "PRIVATE KEY"),
        ] {
            let pem = key(typ);
            assert_eq!(
                pem_decode(&pem).map(|(t, _)| t.to_string()),
                Some(block.into()),
                "{typ}"
            );
        }
        assert_eq!((key("ecdsa").len(), key("ed25519").len()), (227, 119));
        assert_eq!(key("x"), "Unknown type x");
        let refused = |typ| parse_key(&key(typ)).unwrap_err();
        assert_eq!(
            refused("ecdsa"),
            "EC PRIVATE KEY: only RSA keys can sign here (Sprig also signs with ECDSA, Ed25519 \
             and DSA keys)"
        );
        assert_eq!(refused("dsa"), not_rsa("DSA PRIVATE KEY"));
        assert_eq!(
            refused("ed25519"),
            not_rsa("PKCS#8 Ed25519 key (1.3.101.112)")
        );
        assert!(parse_key(&key("rsa")).is_ok());
    }

    /// A certificate marshals as Sprig's struct: its fields by their Go names.
    #[test]
    fn certificates_marshal_their_fields() {
        let out = crate::funcs::execute_text(
            r#"{{ genCA "x" 1 | toJson | fromJson | keys | sortAlpha | toJson }}"#,
        );
        assert_eq!(out.unwrap(), r#"["Cert","Key"]"#);
    }
}
