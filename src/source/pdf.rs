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
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(SourceError::Pdf("no pages".to_string()));
    }
    // pdf-extract follows each page's /Parent chain for inherited resources without end; a
    // chain that comes back on itself would keep it busy forever (found by fuzzing).
    for &id in pages.values() {
        if parents_loop(&doc, id) {
            return Err(SourceError::Pdf("damaged: its page tree loops back on itself".to_string()));
        }
    }
    let pages: Vec<u32> = pages.keys().copied().collect();
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

/// Whether following /Parent from `page` comes back to an object already passed (or runs
/// deeper than any real page tree).
fn parents_loop(doc: &Document, page: pdf_extract::ObjectId) -> bool {
    let mut seen = std::collections::HashSet::new();
    let mut at = page;
    loop {
        if !seen.insert(at) || seen.len() > 256 {
            return true;
        }
        let parent =
            doc.get_dictionary(at).ok().and_then(|d| d.get(b"Parent").ok()).and_then(|p| p.as_reference().ok());
        match parent {
            Some(p) => at = p,
            None => return false,
        }
    }
}

fn pdf_error(e: PdfError) -> SourceError {
    SourceError::Pdf(e.to_string())
}
