//! A `.zip` of a written bundle, for sending it as one file.
//!
//! A minimal ZIP writer (PKWARE APPNOTE 6.3: local headers, deflate via flate2, central
//! directory, no ZIP64) instead of a zip crate: flate2 is already in the workspace and the
//! format needed here is a few dozen lines. Entries are written under a folder named after
//! the bundle directory, so unpacking gives the bundle again; `MANIFEST.sha256` inside still
//! verifies it.

use std::io::{self, Write};
use std::path::Path;

use chrono::{DateTime, Datelike, Timelike, Utc};
use flate2::write::DeflateEncoder;
use flate2::{Compression, Crc};
use smgw_model::time::to_berlin;

use crate::bundle::{read_sums, BundleError, SHA256_FILE};

/// Why a zip could not be written, beyond file errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    /// The bundle needs ZIP64 (a file or the whole archive above 4 GiB, or more than
    /// 65,535 files), which this writer does not do.
    #[error("the bundle is too large for a plain zip (4 GiB, 65,535 files); keep the directory")]
    TooLarge,
}

struct Entry {
    name: String,
    crc: u32,
    compressed: u32,
    size: u32,
    method: u16,
    offset: u32,
}

/// MS-DOS date and time (local time, as zip tools expect), 2-second resolution.
fn dos_time(t: DateTime<Utc>) -> (u16, u16) {
    let l = to_berlin(t);
    let year = l.year().clamp(1980, 2107) as u16;
    let date = ((year - 1980) << 9) | ((l.month() as u16) << 5) | l.day() as u16;
    let time = ((l.hour() as u16) << 11) | ((l.minute() as u16) << 5) | (l.second() as u16 / 2);
    (time, date)
}

fn too_large<T>(_: T) -> BundleError {
    BundleError::Zip(ZipError::TooLarge)
}

/// Writes the bundle in `dir` (every file listed in its `MANIFEST.sha256`, and that list)
/// as a zip archive to `out`. Times in the archive are `modified`. Returns the number of
/// entries. The bundle should be verified first ([`crate::verify_bundle`]); this function
/// packs what is on disk.
pub fn zip_bundle(
    dir: &Path,
    modified: DateTime<Utc>,
    out: impl Write,
) -> Result<usize, BundleError> {
    let folder = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "bundle".into());
    let mut files: Vec<String> = read_sums(dir)?.into_iter().map(|(p, _)| p).collect();
    files.push(SHA256_FILE.to_string());
    if files.len() > usize::from(u16::MAX) {
        return Err(BundleError::Zip(ZipError::TooLarge));
    }
    let (time, date) = dos_time(modified);
    let mut out = io::BufWriter::new(out);
    let mut offset: u64 = 0;
    let mut entries = Vec::with_capacity(files.len());
    let io_at = |p: &Path| {
        let p = p.to_path_buf();
        move |source| BundleError::Io { path: p, source }
    };
    for rel in &files {
        let path = dir.join(rel);
        let data = std::fs::read(&path).map_err(io_at(&path))?;
        let mut crc = Crc::new();
        crc.update(&data);
        let mut enc =
            DeflateEncoder::new(Vec::with_capacity(data.len() / 4), Compression::default());
        enc.write_all(&data).map_err(io_at(&path))?;
        let deflated = enc.finish().map_err(io_at(&path))?;
        // Incompressible files (signatures, raw binary answers) are stored as they are.
        let (method, body): (u16, &[u8]) = if deflated.len() < data.len() {
            (8, &deflated)
        } else {
            (0, &data)
        };
        let name = format!("{folder}/{rel}");
        let entry = Entry {
            crc: crc.sum(),
            compressed: u32::try_from(body.len()).map_err(too_large)?,
            size: u32::try_from(data.len()).map_err(too_large)?,
            method,
            offset: u32::try_from(offset).map_err(too_large)?,
            name,
        };
        let name_len = u16::try_from(entry.name.len()).map_err(too_large)?;
        let mut h = Vec::with_capacity(30 + entry.name.len());
        h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        h.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0 (deflate)
        h.extend_from_slice(&0x0800u16.to_le_bytes()); // flags: names are UTF-8
        h.extend_from_slice(&entry.method.to_le_bytes());
        h.extend_from_slice(&time.to_le_bytes());
        h.extend_from_slice(&date.to_le_bytes());
        h.extend_from_slice(&entry.crc.to_le_bytes());
        h.extend_from_slice(&entry.compressed.to_le_bytes());
        h.extend_from_slice(&entry.size.to_le_bytes());
        h.extend_from_slice(&name_len.to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        h.extend_from_slice(entry.name.as_bytes());
        out.write_all(&h)?;
        out.write_all(body)?;
        offset += (h.len() + body.len()) as u64;
        entries.push(entry);
    }
    let cd_start = u32::try_from(offset).map_err(too_large)?;
    let mut cd_size: u64 = 0;
    for e in &entries {
        let mut h = Vec::with_capacity(46 + e.name.len());
        h.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        h.extend_from_slice(&((3u16 << 8) | 20).to_le_bytes()); // made by: Unix, 2.0
        h.extend_from_slice(&20u16.to_le_bytes());
        h.extend_from_slice(&0x0800u16.to_le_bytes());
        h.extend_from_slice(&e.method.to_le_bytes());
        h.extend_from_slice(&time.to_le_bytes());
        h.extend_from_slice(&date.to_le_bytes());
        h.extend_from_slice(&e.crc.to_le_bytes());
        h.extend_from_slice(&e.compressed.to_le_bytes());
        h.extend_from_slice(&e.size.to_le_bytes());
        // The name length was checked when the local header was written.
        h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes()); // extra
        h.extend_from_slice(&0u16.to_le_bytes()); // comment
        h.extend_from_slice(&0u16.to_le_bytes()); // disk
        h.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        h.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes()); // regular file, rw-r--r--
        h.extend_from_slice(&e.offset.to_le_bytes());
        h.extend_from_slice(e.name.as_bytes());
        out.write_all(&h)?;
        cd_size += h.len() as u64;
    }
    if offset + cd_size > u64::from(u32::MAX) {
        return Err(BundleError::Zip(ZipError::TooLarge));
    }
    // Checked above: at most 65,535 entries.
    let count = entries.len() as u16;
    let mut end = Vec::with_capacity(22);
    end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    end.extend_from_slice(&0u16.to_le_bytes()); // this disk
    end.extend_from_slice(&0u16.to_le_bytes()); // disk with the central directory
    end.extend_from_slice(&count.to_le_bytes());
    end.extend_from_slice(&count.to_le_bytes());
    // offset + cd_size fits into u32 (checked above), so cd_size does too.
    end.extend_from_slice(&(cd_size as u32).to_le_bytes());
    end.extend_from_slice(&cd_start.to_le_bytes());
    end.extend_from_slice(&0u16.to_le_bytes()); // comment length
    out.write_all(&end)?;
    out.flush()?;
    Ok(entries.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dos_times_are_german_local() {
        // 2017-10-29 00:45 UTC is 02:45 MESZ; DOS seconds are halved.
        let (time, date) = dos_time("2017-10-29T00:45:07Z".parse().unwrap());
        assert_eq!(date, ((2017 - 1980) << 9) | (10 << 5) | 29);
        assert_eq!(time, (2 << 11) | (45 << 5) | 3);
    }
}
