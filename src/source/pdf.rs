//! PDF text extraction with `pdf-extract`, page by page, decrypting DWC's empty-password AES.

use super::SourceError;
use pdf_extract::encryption::DecryptionError;
use pdf_extract::{Document, Error as PdfError, PlainTextOutput};

/// The text of every page, pages separated by form feeds. A page that cannot be read fails
/// the whole file: a letter with a missing page could lose items silently.
pub fn extract(bytes: &[u8]) -> Result<String, SourceError> {
    let mut doc = Document::load_mem(bytes).map_err(pdf_error)?;
    if doc.is_encrypted() {
        doc.decrypt("").map_err(|e| match e {
            PdfError::Decryption(DecryptionError::IncorrectPassword) => SourceError::Password,
            e => pdf_error(e),
        })?;
    }
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    if pages.is_empty() {
        return Err(SourceError::Pdf("no pages".to_string()));
    }
    let mut text = String::new();
    for page in pages {
        if !text.is_empty() {
            text.push('\u{c}');
        }
        let mut out = PlainTextOutput::new(&mut text);
        pdf_extract::output_doc_page(&doc, &mut out, page)
            .map_err(|e| SourceError::Pdf(format!("page {page}: {e}")))?;
    }
    Ok(text)
}

fn pdf_error(e: PdfError) -> SourceError {
    SourceError::Pdf(e.to_string())
}
