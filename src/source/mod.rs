//! File -> text: sniffing, text encodings, PDF extraction, and the isolation that keeps one
//! bad file (or a panicking dependency) from stopping a run.

mod decode;
mod isolate;
mod pdf;
pub mod walk;

pub use decode::decode_text;
pub use isolate::isolate;

use std::path::Path;
use thiserror::Error;

/// Why a file gave no letter text although it should have.
#[derive(Debug, Error)]
pub enum SourceError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("PDF is password-protected (only the empty password is tried)")]
    Password,
    #[error("PDF has no text layer (scanned image?); OCR is not supported")]
    NoText,
    /// A panic inside the reader: its message, kept for a hint of the damage, never shown.
    #[error("{}; the file was skipped, the run goes on", isolate::plain_reason(.0))]
    Panic(String),
}

/// What reading a file gave.
#[derive(Debug)]
pub enum Source {
    /// Letter text, and what it was read from.
    Text { text: String, from: Format },
    /// Not a letter file; the reason says why.
    Skip(String),
}

/// Where the text came from, for the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Utf8 => "utf-8",
            Format::Utf8Bom => "utf-8 (BOM)",
            Format::Utf16Le => "utf-16le",
            Format::Utf16Be => "utf-16be",
            Format::Windows1252 => "windows-1252",
        }
    }
}

/// Reads one file and returns its letter text. The contents decide how it is read, not the
/// name: a PDF named `.txt` is read as a PDF, and a JPEG named `.pdf` is skipped as binary.
/// Runs under [`isolate`], so a panic inside the PDF library fails this file only.
pub fn read(path: &Path) -> Result<Source, SourceError> {
    let bytes = std::fs::read(path)?;
    isolate(|| from_bytes(&bytes))?
}

/// [`read`] for bytes already in memory.
pub fn from_bytes(bytes: &[u8]) -> Result<Source, SourceError> {
    if bytes.is_empty() {
        return Ok(Source::Skip("empty file".to_string()));
    }
    if let Some(kind) = binary_signature(bytes) {
        return Ok(Source::Skip(format!("not a letter: {kind} data")));
    }
    if is_pdf(bytes) {
        let text = pdf::extract(bytes)?;
        if text.trim().is_empty() {
            return Err(SourceError::NoText);
        }
        return Ok(Source::Text { text, from: Format::Pdf });
    }
    match decode_text(bytes) {
        Some((text, from)) if text.trim().is_empty() => {
            let _ = from;
            Ok(Source::Skip("blank file (whitespace only)".to_string()))
        }
        Some((text, from)) => Ok(Source::Text { text, from }),
        None => Ok(Source::Skip("not a letter: binary data".to_string())),
    }
}

/// PDF files start with `%PDF-`, some after a little junk (the spec allows 1024 bytes).
fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

fn binary_signature(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"GIF8", "GIF image"),
        (b"II*\0", "TIFF image"),
        (b"MM\0*", "TIFF image"),
        (b"PK\x03\x04", "ZIP archive (or Office document)"),
        (b"\xD0\xCF\x11\xE0", "Office document"),
        (b"\x1F\x8B", "gzip"),
        (b"\x7FELF", "executable"),
    ];
    SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)).map(|(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_binary_files_are_skipped_with_a_reason() {
        assert!(matches!(from_bytes(b""), Ok(Source::Skip(r)) if r == "empty file"));
        assert!(matches!(from_bytes(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0"), Ok(Source::Skip(r)) if r.contains("JPEG")));
        assert!(matches!(from_bytes(b"  \n \r\n"), Ok(Source::Skip(r)) if r.contains("blank")));
        assert!(matches!(from_bytes(b"abc\0\0\x01\x02def\0"), Ok(Source::Skip(r)) if r.contains("binary")));
    }

    #[test]
    fn a_broken_pdf_fails_with_a_reason() {
        let err = from_bytes(b"%PDF-1.5\n1 0 obj << /Type /Catalog").unwrap_err();
        assert!(matches!(err, SourceError::Pdf(_) | SourceError::Panic(_)), "{err}");
    }
}
