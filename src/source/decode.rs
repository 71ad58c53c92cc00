//! Bytes -> text for `.txt` letters: UTF-8 (with or without BOM), UTF-16 (BOM, or detected
//! from its zero bytes), and Windows-1252 as the fallback so curly quotes survive.

use super::Format;
use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Decodes letter text, or `None` when the bytes are binary (NULs outside UTF-16).
pub fn decode_text(bytes: &[u8]) -> Option<(String, Format)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Some((String::from_utf8_lossy(rest).into_owned(), Format::Utf8Bom));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Some((UTF_16LE.decode_without_bom_handling(rest).0.into_owned(), Format::Utf16Le));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Some((UTF_16BE.decode_without_bom_handling(rest).0.into_owned(), Format::Utf16Be));
    }
    if let Some(format) = utf16_without_bom(bytes) {
        let enc = if format == Format::Utf16Le { UTF_16LE } else { UTF_16BE };
        return Some((enc.decode_without_bom_handling(bytes).0.into_owned(), format));
    }
    if bytes.contains(&0) {
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Some((s.to_string(), Format::Utf8)),
        Err(_) => Some((WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(), Format::Windows1252)),
    }
}

/// ASCII text in UTF-16 has a zero in every other byte: the odd bytes for little-endian.
fn utf16_without_bom(bytes: &[u8]) -> Option<Format> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let zero_odd = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let zero_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    if zero_odd * 10 >= pairs * 9 && zero_even == 0 {
        Some(Format::Utf16Le)
    } else if zero_even * 10 >= pairs * 9 && zero_odd == 0 {
        Some(Format::Utf16Be)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    #[test]
    fn encodings() {
        assert_eq!(decode_text(b"Case Number").unwrap(), ("Case Number".to_string(), Format::Utf8));
        assert_eq!(decode_text(b"\xEF\xBB\xBFCase").unwrap(), ("Case".to_string(), Format::Utf8Bom));
        assert_eq!(
            decode_text(&utf16le("Case \u{201c}x\u{201d}", true)).unwrap(),
            ("Case \u{201c}x\u{201d}".to_string(), Format::Utf16Le)
        );
        assert_eq!(decode_text(&utf16le("Case Number: CM16", false)).unwrap().1, Format::Utf16Le);
        let cp1252 = b"the \x93MRI\x94 isn\x92t caf\xe9";
        assert_eq!(
            decode_text(cp1252).unwrap(),
            ("the \u{201c}MRI\u{201d} isn\u{2019}t caf\u{e9}".to_string(), Format::Windows1252)
        );
        assert_eq!(decode_text(b"ab\0cd\x01\x02"), None);
    }
}
