//! Download as .zip: a stored (uncompressed) archive, which every unzip tool reads and which
//! needs nothing but a CRC-32.

/// A zip of `files` (absolute workspace paths become archive names without the leading `/`).
pub fn zip<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let mut count: u16 = 0;
    for (path, data) in files {
        let name = path.trim_start_matches('/').as_bytes();
        let crc = crc32fast::hash(data);
        let offset = out.len() as u32;
        let size = data.len() as u32;
        // Local file header: version 2.0, flag bit 11 (UTF-8 names), stored, DOS time 1980-01-01.
        let header = |sig: u32, central: bool, buf: &mut Vec<u8>| {
            buf.extend_from_slice(&sig.to_le_bytes());
            if central {
                buf.extend_from_slice(&20u16.to_le_bytes());
            }
            for v in [20u16, 0x0800, 0, 0, 0x21] {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            buf.extend_from_slice(&crc.to_le_bytes());
            buf.extend_from_slice(&size.to_le_bytes());
            buf.extend_from_slice(&size.to_le_bytes());
            buf.extend_from_slice(&(name.len() as u16).to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes());
        };
        header(0x0403_4b50, false, &mut out);
        out.extend_from_slice(name);
        out.extend_from_slice(data);
        header(0x0201_4b50, true, &mut central);
        // Comment length, disk, internal and external attributes, offset.
        central.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
        count += 1;
    }
    let central_at = out.len() as u32;
    let central_len = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&central_len.to_le_bytes());
    out.extend_from_slice(&central_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_reads_it() {
        let data = zip([
            ("/a/b.yaml", b"kind: Pod\n".as_slice()),
            ("/c.txt", b"".as_slice()),
        ]);
        let dir = std::env::temp_dir().join(format!("kubeplay-zip-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.zip");
        std::fs::write(&file, &data).unwrap();
        let out = std::process::Command::new("python3")
            .args(["-c", "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;print(sorted(z.namelist()), z.read('a/b.yaml'))"])
            .arg(&file)
            .output();
        let _ = std::fs::remove_dir_all(&dir);
        match out {
            Ok(o) => assert_eq!(
                String::from_utf8_lossy(&o.stdout).trim(),
                "['a/b.yaml', 'c.txt'] b'kind: Pod\\n'",
                "{}",
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => panic!("python3 is needed for this test: {e}"),
        }
    }
}
