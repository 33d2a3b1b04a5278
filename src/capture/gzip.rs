//! gzip: streams decompressed as they are read, and bodies decompressed within a bound.
//!
//! A stream (a `.gz` capture) is never held: it is decompressed block by block, and its
//! records are bounded like any other's. A truncated or corrupt stream ends the text where
//! decompression stopped, and the reason is kept as the input's [`Damage`], which the
//! reader reports as one unreadable record.
//!
//! A body (`Content-Encoding: gzip`) is decompressed whole, up to a limit: a small body
//! that expands past it (a compression bomb) costs no more than the limit.

use std::io::{self, Read};

use crate::reader::{Damage, io_message};

/// A decompressing reader that ends, instead of failing, when the compressed stream is cut
/// or corrupt, and records why in its damage.
pub struct Gunzip<R> {
    inner: flate2::read::MultiGzDecoder<R>,
    damage: Damage,
    failed: bool,
}

impl<R: Read> Gunzip<R> {
    pub fn new(src: R, damage: Damage) -> Gunzip<R> {
        Gunzip {
            inner: flate2::read::MultiGzDecoder::new(src),
            damage,
            failed: false,
        }
    }
}

impl<R: Read> Read for Gunzip<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failed {
            return Ok(0);
        }
        match self.inner.read(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                self.failed = true;
                let _ = self.damage.set(format!(
                    "gzip stream is truncated or corrupt: {}",
                    lower(&io_message(&e))
                ));
                Ok(0)
            }
        }
    }
}

fn lower(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Why a body could not be decompressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// It expands past the limit.
    TooLarge(usize),
    /// It is not gzip, or it is cut or corrupt.
    Corrupt(String),
}

/// Decompresses a whole gzip body, up to `limit` bytes of output.
pub fn body(bytes: &[u8], limit: usize) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::new();
    let decoder = flate2::read::MultiGzDecoder::new(bytes);
    match decoder.take(limit as u64 + 1).read_to_end(&mut out) {
        Ok(_) if out.len() > limit => Err(BodyError::TooLarge(limit)),
        Ok(_) => Ok(out),
        Err(e) => Err(BodyError::Corrupt(io_message(&e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::Arc;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn a_bomb_costs_no_more_than_the_limit() {
        // 64 MiB of zeros compresses to about 64 KiB.
        let bomb = gz(&vec![0u8; 64 << 20]);
        assert!(bomb.len() < 100_000);
        assert_eq!(body(&bomb, 1 << 20), Err(BodyError::TooLarge(1 << 20)));
        assert_eq!(body(&gz(b"{}"), 1 << 20), Ok(b"{}".to_vec()));
        assert!(matches!(body(b"not gzip", 10), Err(BodyError::Corrupt(_))));
    }

    #[test]
    fn a_cut_stream_ends_with_its_damage() {
        let data = gz(b"{\"a\": 1}\n");
        let damage: Damage = Arc::new(std::sync::OnceLock::new());
        let mut out = Vec::new();
        Gunzip::new(&data[..data.len() - 4], damage.clone())
            .read_to_end(&mut out)
            .unwrap();
        assert!(
            damage
                .get()
                .unwrap()
                .starts_with("gzip stream is truncated or corrupt"),
            "{damage:?}"
        );
    }
}
