//! Chart archives (`.tgz`): gzip through flate2, and a small ustar/PAX reader, with Helm's
//! limits and its rule that every file sits under one top directory.

use std::io::Read;

/// Largest decompressed archive Helm accepts (its default `MaxDecompressedChartSize`).
pub const MAX_DECOMPRESSED_CHART_SIZE: u64 = 100 * 1024 * 1024;
/// Largest single file (Helm's `MaxDecompressedFileSize`).
pub const MAX_DECOMPRESSED_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// A file read from an archive, its name relative to the chart's top directory.
#[derive(Debug, Clone)]
pub struct ArchiveFile {
    pub name: String,
    pub data: Vec<u8>,
}

/// Reads a gzipped tar chart archive. Names lose their first component (the chart
/// directory), as Helm's loader does.
pub fn read_chart_archive(bytes: &[u8]) -> Result<Vec<ArchiveFile>, String> {
    let mut raw = Vec::new();
    let gz = flate2::read::GzDecoder::new(bytes);
    gz.take(MAX_DECOMPRESSED_CHART_SIZE + 1)
        .read_to_end(&mut raw)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => {
                "gzip: invalid header".to_string()
            }
            _ => format!("unexpected EOF ({e})"),
        })?;
    if raw.len() as u64 > MAX_DECOMPRESSED_CHART_SIZE {
        return Err(format!(
            "decompressed chart is larger than the maximum size {MAX_DECOMPRESSED_CHART_SIZE}"
        ));
    }
    let entries = read_tar(&raw)?;
    let mut files = Vec::new();
    for (name, data) in entries {
        let name = name.replace('\\', "/");
        let mut parts = name.splitn(2, '/');
        let _top = parts.next();
        let Some(rest) = parts.next() else { continue };
        if rest.is_empty() {
            continue;
        }
        if rest.split('/').any(|p| p == "..") {
            return Err(format!(
                "chart illegally references parent directory: {rest}"
            ));
        }
        if data.len() as u64 > MAX_DECOMPRESSED_FILE_SIZE {
            return Err(format!(
                "decompressed chart file {rest:?} is larger than the maximum file size {MAX_DECOMPRESSED_FILE_SIZE}"
            ));
        }
        let data = data
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .map(|d| d.to_vec())
            .unwrap_or(data);
        files.push(ArchiveFile {
            name: rest.to_string(),
            data,
        });
    }
    if files.is_empty() {
        return Err("no files in chart archive".into());
    }
    Ok(files)
}

/// Regular files of a tar stream (ustar, GNU long names, PAX path records).
fn read_tar(raw: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    let mut off = 0usize;
    let mut long_name: Option<String> = None;
    while off + 512 <= raw.len() {
        let h = &raw[off..off + 512];
        if h.iter().all(|&b| b == 0) {
            break;
        }
        let checksum = octal(&h[148..156]).ok_or("archive/tar: invalid tar header")?;
        let sum: u64 = h
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    b as u64
                }
            })
            .sum();
        if sum != checksum {
            return Err("archive/tar: invalid tar header".into());
        }
        let size = octal(&h[124..136]).ok_or("archive/tar: invalid tar header")? as usize;
        let typ = h[156];
        let data_start = off + 512;
        let data_end = data_start
            .checked_add(size)
            .filter(|&e| e <= raw.len())
            .ok_or("unexpected EOF")?;
        let data = &raw[data_start..data_end];
        let mut name = cstr(&h[0..100]);
        if &h[257..262] == b"ustar" {
            let prefix = cstr(&h[345..500]);
            if !prefix.is_empty() {
                name = format!("{prefix}/{name}");
            }
        }
        if let Some(n) = long_name.take() {
            name = n;
        }
        match typ {
            b'0' | 0 | b'7' => out.push((name, data.to_vec())),
            b'L' => long_name = Some(cstr(data)),
            b'x' => {
                if let Some(p) = pax_path(data) {
                    long_name = Some(p);
                }
            }
            _ => {}
        }
        off = data_start + size.div_ceil(512) * 512;
    }
    Ok(out)
}

fn cstr(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

fn octal(b: &[u8]) -> Option<u64> {
    let s = cstr(b);
    let s = s.trim_matches(|c: char| c == ' ' || c == '\0');
    if s.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(s, 8).ok()
}

fn pax_path(data: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    for rec in text.lines() {
        let (_, kv) = rec.split_once(' ')?;
        if let Some(p) = kv.strip_prefix("path=") {
            return Some(p.to_string());
        }
    }
    None
}

/// Writes a gzipped tar of `files` under `top/` (used by tests to build archives).
pub fn write_chart_archive(top: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut tar = Vec::new();
    for (name, data) in files {
        let mut h = [0u8; 512];
        let full = format!("{top}/{name}");
        h[..full.len().min(100)].copy_from_slice(&full.as_bytes()[..full.len().min(100)]);
        h[100..108].copy_from_slice(b"0000644\0");
        h[108..116].copy_from_slice(b"0000000\0");
        h[116..124].copy_from_slice(b"0000000\0");
        h[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
        h[136..148].copy_from_slice(b"00000000000\0");
        h[156] = b'0';
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|&b| b as u32).sum();
        h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        tar.extend_from_slice(&h);
        tar.extend_from_slice(data);
        tar.resize(tar.len().div_ceil(512) * 512, 0);
    }
    tar.resize(tar.len() + 1024, 0);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = gz.write_all(&tar);
    gz.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let tgz = write_chart_archive(
            "c",
            &[("Chart.yaml", b"name: c\n"), ("templates/a.yaml", b"x")],
        );
        let files = read_chart_archive(&tgz).unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[1].name, "templates/a.yaml");
    }

    #[test]
    fn bad_archives() {
        assert!(read_chart_archive(b"not gzip at all").is_err());
        let tgz = write_chart_archive("c", &[("Chart.yaml", b"name: c\n")]);
        assert!(read_chart_archive(&tgz[..tgz.len() / 2]).is_err());
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &[7u8; 1024]).unwrap();
        assert!(read_chart_archive(&gz.finish().unwrap()).is_err());
    }
}
