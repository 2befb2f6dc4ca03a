//! Certificates and keys: `genCA`, `genSelfSignedCert`, `genSignedCert` (and their
//! `...WithKey` forms), `genPrivateKey`, `buildCustomCert`. Certificates are X.509 v3 DER
//! built here and signed with SHA-256 (PKCS#1 v1.5), with serial numbers from the render's
//! seeded stream.
//!
//! Keys are RSA like Sprig's, but taken from a fixed pool of pre-generated keys
//! (`key_pool.rs`) chosen by the seeded stream, not generated per call:
//! finding 1024-bit primes takes seconds of bignum arithmetic per key (tens of seconds in an
//! unoptimised build), which a chart calling `genCA` on every keystroke in the page cannot
//! afford, and a playground's keys must not be trusted anyway. Never use these keys outside
//! kubeplay.

use kubeplay_gotemplate::{ArgType, Func, FuncError, Object, Value};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use sha1::Digest;

use super::date::now_unix;
use super::encoding::{b64_decode, b64_std};
use super::random::Rng;
use super::{arg_int, arg_str};
use crate::funcs::{list_items, strval};

/// Sprig's `certificate` struct.
#[derive(Clone)]
pub struct Certificate {
    pub cert: String,
    pub key: String,
}

impl Object for Certificate {
    fn type_name(&self) -> String {
        "sprig.certificate".into()
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

fn pem_body(text: &str) -> Option<Vec<u8>> {
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("");
    b64_decode(&body).ok()
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

/// A key of `bits` bits from the pool, chosen by the seeded stream.
fn new_key(rng: &Rng, bits: usize) -> Result<RsaPrivateKey, FuncError> {
    let pool = if bits > 2048 {
        super::key_pool::KEYS_4096
    } else {
        super::key_pool::KEYS_2048
    };
    let pick = pool[(rng.next_u64() % pool.len() as u64) as usize];
    let der = b64_decode(pick).map_err(FuncError::new)?;
    RsaPrivateKey::from_pkcs1_der(&der)
        .map_err(|e| FuncError::new(format!("error generating RSA private key: {e}")))
}

fn key_pem(key: &RsaPrivateKey) -> Result<String, FuncError> {
    let d = key
        .to_pkcs1_der()
        .map_err(|e| FuncError::new(format!("error encoding private key: {e}")))?;
    Ok(pem("RSA PRIVATE KEY", d.as_bytes()))
}

fn parse_key(text: &str) -> Result<RsaPrivateKey, FuncError> {
    let der = pem_body(text).ok_or_else(|| FuncError::new("error decoding PEM key"))?;
    RsaPrivateKey::from_pkcs1_der(&der)
        .map_err(|e| FuncError::new(format!("error parsing private key: {e}")))
}

/// The CA's common name and key, from a `certificate` value.
fn ca_parts(v: &Value) -> Result<(String, RsaPrivateKey), FuncError> {
    let Value::Object(o) = v else {
        return Err(FuncError::new(format!(
            "wrong type for value; expected sprig.certificate; got {}",
            v.type_name()
        )));
    };
    let cert = o.field("Cert").map(|c| strval(&c)).unwrap_or_default();
    let key = o.field("Key").map(|c| strval(&c)).unwrap_or_default();
    let key = parse_key(&key)?;
    let cn = common_name(&cert).unwrap_or_default();
    Ok((cn, key))
}

/// Finds the first CN in a certificate PEM (the issuer's subject is what we need).
fn common_name(cert_pem: &str) -> Option<String> {
    let der = pem_body(cert_pem)?;
    let cn_oid = [0x06, 0x03, 0x55, 0x04, 0x03];
    // Subject comes after issuer; take the last CN in the TBS.
    let mut last = None;
    let mut i = 0;
    while i + cn_oid.len() + 2 <= der.len() {
        if der[i..i + cn_oid.len()] == cn_oid {
            let len = der[i + cn_oid.len() + 1] as usize;
            let start = i + cn_oid.len() + 2;
            if start + len <= der.len() {
                last = Some(String::from_utf8_lossy(&der[start..start + len]).into_owned());
            }
        }
        i += 1;
    }
    last
}

fn strings(v: &Value) -> Vec<String> {
    list_items(v)
        .unwrap_or_default()
        .iter()
        .map(strval)
        .collect()
}

fn ip_list(v: &Value) -> Result<Vec<Vec<u8>>, FuncError> {
    strings(v)
        .iter()
        .map(|s| parse_ip(s).ok_or_else(|| FuncError::new(format!("error parsing ip: {s}"))))
        .collect()
}

pub fn register(fs: &mut Vec<Func>) {
    let rng = &Rng::CERTS;
    use ArgType::{Any, Int, String as Str};
    let r = *rng;
    fs.push(Func::new("genPrivateKey", &[Str], None, move |_, a| {
        Ok(Value::from(match arg_str(&a[0]).as_str() {
            "rsa" => key_pem(&new_key(&r, 4096)?)?,
            other => format!("Unknown type {other}"),
        }))
    }));
    let r = *rng;
    fs.push(Func::new("genCA", &[Str, Int], None, move |_, a| {
        let cn = arg_str(&a[0]);
        let key = new_key(&r, 2048)?;
        let t = Template {
            cn: &cn,
            ips: vec![],
            dns: vec![],
            days: arg_int(&a[1]),
            is_ca: true,
        };
        let cert = build_cert(&r, &t, &key.to_public_key(), None, &key)?;
        Ok(Value::object(Certificate {
            cert,
            key: key_pem(&key)?,
        }))
    }));
    let r = *rng;
    fs.push(Func::new(
        "genCAWithKey",
        &[Str, Int, Str],
        None,
        move |_, a| {
            let cn = arg_str(&a[0]);
            let key = parse_key(&arg_str(&a[2]))?;
            let t = Template {
                cn: &cn,
                ips: vec![],
                dns: vec![],
                days: arg_int(&a[1]),
                is_ca: true,
            };
            let cert = build_cert(&r, &t, &key.to_public_key(), None, &key)?;
            Ok(Value::object(Certificate {
                cert,
                key: key_pem(&key)?,
            }))
        },
    ));
    let r = *rng;
    fs.push(Func::new(
        "genSelfSignedCert",
        &[Str, Any, Any, Int],
        None,
        move |_, a| {
            let cn = arg_str(&a[0]);
            let key = new_key(&r, 2048)?;
            let t = Template {
                cn: &cn,
                ips: ip_list(&a[1])?,
                dns: strings(&a[2]),
                days: arg_int(&a[3]),
                is_ca: false,
            };
            let cert = build_cert(&r, &t, &key.to_public_key(), None, &key)?;
            Ok(Value::object(Certificate {
                cert,
                key: key_pem(&key)?,
            }))
        },
    ));
    let r = *rng;
    fs.push(Func::new(
        "genSelfSignedCertWithKey",
        &[Str, Any, Any, Int, Str],
        None,
        move |_, a| {
            let cn = arg_str(&a[0]);
            let key = parse_key(&arg_str(&a[4]))?;
            let t = Template {
                cn: &cn,
                ips: ip_list(&a[1])?,
                dns: strings(&a[2]),
                days: arg_int(&a[3]),
                is_ca: false,
            };
            let cert = build_cert(&r, &t, &key.to_public_key(), None, &key)?;
            Ok(Value::object(Certificate {
                cert,
                key: key_pem(&key)?,
            }))
        },
    ));
    let r = *rng;
    fs.push(Func::new(
        "genSignedCert",
        &[Str, Any, Any, Int, Any],
        None,
        move |_, a| {
            let cn = arg_str(&a[0]);
            let (ca_cn, ca_key) = ca_parts(&a[4])?;
            let key = new_key(&r, 2048)?;
            let t = Template {
                cn: &cn,
                ips: ip_list(&a[1])?,
                dns: strings(&a[2]),
                days: arg_int(&a[3]),
                is_ca: false,
            };
            let cert = build_cert(&r, &t, &key.to_public_key(), Some((&ca_cn, &ca_key)), &key)?;
            Ok(Value::object(Certificate {
                cert,
                key: key_pem(&key)?,
            }))
        },
    ));
    let r = *rng;
    fs.push(Func::new(
        "genSignedCertWithKey",
        &[Str, Any, Any, Int, Any, Str],
        None,
        move |_, a| {
            let cn = arg_str(&a[0]);
            let (ca_cn, ca_key) = ca_parts(&a[4])?;
            let key = parse_key(&arg_str(&a[5]))?;
            let t = Template {
                cn: &cn,
                ips: ip_list(&a[1])?,
                dns: strings(&a[2]),
                days: arg_int(&a[3]),
                is_ca: false,
            };
            let cert = build_cert(&r, &t, &key.to_public_key(), Some((&ca_cn, &ca_key)), &key)?;
            Ok(Value::object(Certificate {
                cert,
                key: key_pem(&key)?,
            }))
        },
    ));
    fs.push(Func::new("buildCustomCert", &[Str, Str], None, |_, a| {
        let cert = b64_decode(&arg_str(&a[0]))
            .map_err(|_| FuncError::new("unable to decode base64 certificate"))?;
        let key = b64_decode(&arg_str(&a[1]))
            .map_err(|_| FuncError::new("unable to decode base64 private key"))?;
        let cert = String::from_utf8_lossy(&cert).into_owned();
        let key = String::from_utf8_lossy(&key).into_owned();
        if !cert.contains("-----BEGIN") {
            return Err(FuncError::new("error decoding certificate: no PEM data"));
        }
        parse_key(&key)?;
        Ok(Value::object(Certificate { cert, key }))
    }));
}
