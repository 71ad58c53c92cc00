//! File -> text: sniffing, text encodings, PDF extraction, and the isolation that keeps one
//! bad file (or a panicking dependency) from stopping a run.

mod decode;
mod isolate;
mod pdf;
pub mod walk;
pub mod worker;

pub use decode::decode_text;
pub use isolate::isolate;

use std::path::Path;
use thiserror::Error;

/// Why a file gave no letter text although it should have.
#[derive(Debug, Error)]
pub enum SourceError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// What is wrong with a PDF, in plain words.
    #[error("{0}")]
    Pdf(String),
    #[error("PDF is password-protected (only the empty password is tried)")]
    Password,
    #[error("PDF has no text layer (scanned image?); OCR is not supported")]
    NoText,
    /// A panic inside the reader: its message, kept for a hint of the damage, never shown.
    #[error("{}", isolate::plain_reason(.0))]
    Panic(String),
    /// Reading it took longer than the time limit (seconds).
    #[error("took longer than {0} s to read (the limit is --file-timeout)")]
    TooSlow(u64),
    /// Reading it needed more memory than the limit (MB).
    #[error("needed more than {0} MB of memory to read (the limit is --file-memory)")]
    TooMuchMemory(u64),
    /// The reader process died on it (a crash, not a limit), in plain words.
    #[error("{0}")]
    Crashed(String),
    /// The reader process was killed by something else (the system, out of memory?).
    #[error("{0}")]
    Killed(String),
    /// No reader process could be started.
    #[error("cannot start imr's PDF reader: {0}")]
    Start(String),
}

impl SourceError {
    /// Whether the failure comes from the file's content (and will come again from the same
    /// bytes), not from the machine: such failures are remembered, so as not to read the file
    /// again until it changes.
    pub fn is_the_files(&self) -> bool {
        !matches!(self, SourceError::Io(_) | SourceError::Killed(_) | SourceError::Start(_))
    }
}

/// How PDFs are read: in this process (a panic fails the file; a hang, runaway memory or a
/// stack overflow does not stop there), or in worker processes, each file within limits.
pub enum Extractor {
    InProcess,
    Workers(worker::Pool),
}

impl Extractor {
    /// Worker processes running `imr` itself, with these limits.
    pub fn workers(limits: worker::Limits) -> std::io::Result<Extractor> {
        Ok(Extractor::Workers(worker::Pool::new(std::env::current_exe()?, limits)))
    }

    /// The limits each file is read within, if any.
    pub fn limits(&self) -> Option<worker::Limits> {
        match self {
            Extractor::InProcess => None,
            Extractor::Workers(pool) => Some(pool.limits()),
        }
    }

    /// [`from_bytes`], with PDFs read the chosen way (text files are always read here).
    pub fn read_bytes(&self, bytes: &[u8]) -> Result<Source, SourceError> {
        match self {
            Extractor::Workers(pool) if sniff(bytes) == Kind::Pdf => pool.extract(bytes),
            _ => isolate(|| from_bytes(bytes))?,
        }
    }
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

/// What a file's first bytes say it is.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Empty,
    Binary(&'static str),
    Pdf,
    Text,
}

fn sniff(bytes: &[u8]) -> Kind {
    if bytes.is_empty() {
        Kind::Empty
    } else if let Some(kind) = binary_signature(bytes) {
        Kind::Binary(kind)
    } else if is_pdf(bytes) {
        Kind::Pdf
    } else {
        Kind::Text
    }
}

/// [`read`] for bytes already in memory.
pub fn from_bytes(bytes: &[u8]) -> Result<Source, SourceError> {
    match sniff(bytes) {
        Kind::Empty => Ok(Source::Skip("empty file".to_string())),
        Kind::Binary(kind) => Ok(Source::Skip(format!("not a letter: {kind} data"))),
        Kind::Pdf => Ok(Source::Text { text: pdf::extract(bytes)?, from: Format::Pdf }),
        Kind::Text => match decode_text(bytes) {
            Some((text, _)) if text.trim().is_empty() => Ok(Source::Skip("blank file (whitespace only)".to_string())),
            Some((text, from)) => Ok(Source::Text { text, from }),
            None => Ok(Source::Skip("not a letter: binary data".to_string())),
        },
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
