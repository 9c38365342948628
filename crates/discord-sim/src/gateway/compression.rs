//! Transport compression chosen by the `compress` query parameter.
//!
//! Both streams keep one context per connection and flush after every message, so each
//! binary frame decodes on its own given the ones before it: zlib ends each message with a
//! `Z_SYNC_FLUSH` (`00 00 ff ff`), zstd flushes a block and never ends the frame.

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;

/// zstd level 1: the gateway favours speed, as Discord's own stream does.
const ZSTD_LEVEL: i32 = 1;

/// The `compress` query parameter's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompressionKind {
    /// Plain text frames.
    None,
    /// `zlib-stream`.
    Zlib,
    /// `zstd-stream`.
    Zstd,
}

impl CompressionKind {
    /// Parses the query value; unknown values mean no compression.
    pub fn from_query(value: Option<&str>) -> Self {
        match value {
            Some("zlib-stream") => Self::Zlib,
            Some("zstd-stream") => Self::Zstd,
            _ => Self::None,
        }
    }
}

/// A per-connection compression stream.
pub enum Compressor {
    /// Messages go out as text.
    None,
    /// One zlib context for the connection.
    Zlib(ZlibEncoder<Vec<u8>>),
    /// One zstd stream for the connection.
    Zstd(Box<zstd::stream::write::Encoder<'static, Vec<u8>>>),
}

impl std::fmt::Debug for Compressor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Compressor::None => "Compressor::None",
            Compressor::Zlib(_) => "Compressor::Zlib",
            Compressor::Zstd(_) => "Compressor::Zstd",
        })
    }
}

impl Compressor {
    /// A fresh stream of the given kind.
    pub fn new(kind: CompressionKind) -> std::io::Result<Self> {
        Ok(match kind {
            CompressionKind::None => Self::None,
            CompressionKind::Zlib => Self::Zlib(ZlibEncoder::new(Vec::new(), Compression::fast())),
            CompressionKind::Zstd => Self::Zstd(Box::new(zstd::stream::write::Encoder::new(
                Vec::new(),
                ZSTD_LEVEL,
            )?)),
        })
    }

    /// Compresses one message; `None` means send it as text.
    pub fn compress(&mut self, message: &[u8]) -> std::io::Result<Option<Vec<u8>>> {
        match self {
            Compressor::None => Ok(None),
            Compressor::Zlib(encoder) => {
                encoder.write_all(message)?;
                // flate2's flush is a Z_SYNC_FLUSH.
                encoder.flush()?;
                Ok(Some(std::mem::take(encoder.get_mut())))
            }
            Compressor::Zstd(encoder) => {
                encoder.write_all(message)?;
                encoder.flush()?;
                Ok(Some(std::mem::take(encoder.get_mut())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn zlib_messages_end_with_sync_marker_and_decode_in_sequence() {
        let mut compressor = Compressor::new(CompressionKind::Zlib).unwrap();
        let mut decoder = flate2::Decompress::new(true);
        for text in ["{\"op\":10}", "{\"op\":11}"] {
            let frame = compressor.compress(text.as_bytes()).unwrap().unwrap();
            assert!(frame.ends_with(&[0, 0, 0xff, 0xff]));
            let mut out = Vec::with_capacity(1024);
            decoder
                .decompress_vec(&frame, &mut out, flate2::FlushDecompress::Sync)
                .unwrap();
            assert_eq!(out, text.as_bytes());
        }
    }

    #[test]
    fn zstd_messages_decode_in_sequence() {
        let mut compressor = Compressor::new(CompressionKind::Zstd).unwrap();
        let first = compressor.compress(b"hello ").unwrap().unwrap();
        let second = compressor.compress(b"world").unwrap().unwrap();
        let mut all = first.clone();
        all.extend_from_slice(&second);
        let mut decoder = zstd::stream::read::Decoder::new(&all[..]).unwrap();
        let mut out = vec![0; 11];
        decoder.read_exact(&mut out).unwrap();
        assert_eq!(out, b"hello world");
    }
}
