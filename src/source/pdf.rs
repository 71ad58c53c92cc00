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
            PdfError::Decryption(DecryptionError::IncorrectPassword) | PdfError::InvalidPassword => {
                SourceError::Password
            }
            e => pdf_error(e),
        })?;
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(SourceError::Pdf("damaged PDF: no page can be found in it".to_string()));
    }
    // pdf-extract follows each page's /Parent chain for inherited resources without end; a
    // chain that comes back on itself would keep it busy forever (found by fuzzing).
    for &id in pages.values() {
        if parents_loop(&doc, id) {
            return Err(SourceError::Pdf("damaged PDF: its page tree loops back on itself".to_string()));
        }
    }
    let numbers: Vec<u32> = pages.keys().copied().collect();
    let mut text = String::new();
    for page in numbers {
        if !text.is_empty() {
            text.push('\u{c}');
        }
        let mut out = PlainTextOutput::new(&mut text);
        pdf_extract::output_doc_page(&doc, &mut out, page).map_err(|e| match e {
            pdf_extract::OutputError::PdfError(e) => SourceError::Pdf(format!("{} (page {page})", plain(&e))),
            _ => SourceError::Pdf(format!("damaged PDF: page {page} cannot be read")),
        })?;
    }
    if text.trim().is_empty() {
        // A page whose content is missing (its stream could not be read, most often because
        // its /Length lies) also gives no text, but it is damage, not a scan.
        for (n, &id) in &pages {
            if let Err(why) = content_of(&doc, id) {
                return Err(SourceError::Pdf(format!("damaged PDF: the content of page {n} {why}")));
            }
        }
        return Err(SourceError::NoText);
    }
    Ok(text)
}

/// Checks that every content stream a page names is there and is a stream; else says what
/// is wrong with it.
fn content_of(doc: &Document, page: pdf_extract::ObjectId) -> Result<(), &'static str> {
    use pdf_extract::Object;
    let Ok(dict) = doc.get_dictionary(page) else { return Err("cannot be found") };
    let Ok(contents) = dict.get(b"Contents") else { return Ok(()) }; // a blank page
    let streams: Vec<&Object> = match resolve(doc, contents)? {
        Object::Array(parts) => parts.iter().map(|p| resolve(doc, p)).collect::<Result<_, _>>()?,
        one => vec![one],
    };
    match streams.iter().find(|o| !matches!(o, Object::Stream(_))) {
        None => Ok(()),
        // lopdf keeps the dictionary of a stream whose data it could not find.
        Some(Object::Dictionary(d)) if d.has(b"Length") => Err("cannot be read: its /Length does not match its data"),
        Some(_) => Err("is not a stream of drawing operations"),
    }
}

/// Follows references from `object` to what they name.
fn resolve<'a>(
    doc: &'a Document,
    mut object: &'a pdf_extract::Object,
) -> Result<&'a pdf_extract::Object, &'static str> {
    let mut seen = std::collections::HashSet::new();
    while let pdf_extract::Object::Reference(id) = object {
        if !seen.insert(*id) || seen.len() > 32 {
            return Err("cannot be found: its references loop");
        }
        object = doc.objects.get(id).ok_or("is missing")?;
    }
    Ok(object)
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
    SourceError::Pdf(plain(&e).to_string())
}

/// What a PDF library error means, in words a user can act on (the library's own texts name
/// its internals: "failed parsing cross reference table: invalid start value").
fn plain(e: &PdfError) -> &'static str {
    // lopdf does not export the types of its parse and xref errors; their texts are stable.
    match e {
        PdfError::Parse(p) => match p.to_string().as_str() {
            "invalid file header" => "damaged PDF: its header is broken",
            "invalid content stream" => "damaged PDF: the content of a page cannot be read",
            "unexpected end of input" => "damaged PDF: it ends too early (cut short?)",
            _ => "damaged PDF: its table of objects is broken or cut short",
        },
        PdfError::Xref(_) | PdfError::MissingXrefEntry | PdfError::InvalidOffset(_) | PdfError::ObjectIdMismatch => {
            "damaged PDF: its table of objects is broken or cut short"
        }
        PdfError::IndirectObject { .. } | PdfError::ObjectNotFound(_) | PdfError::InvalidObjectStream(_) => {
            "damaged PDF: a part it refers to is missing or broken"
        }
        PdfError::ReferenceCycle(_) | PdfError::ReferenceLimit => {
            "damaged PDF: its parts refer to each other in a loop"
        }
        PdfError::Decryption(DecryptionError::IncorrectPassword) | PdfError::InvalidPassword => {
            "PDF is password-protected (only the empty password is tried)"
        }
        PdfError::UnsupportedSecurityHandler(_)
        | PdfError::Decryption(
            DecryptionError::UnsupportedEncryption
            | DecryptionError::UnsupportedVersion
            | DecryptionError::UnsupportedRevision,
        ) => "encrypted PDF of a kind imr cannot decrypt",
        PdfError::Decryption(_) | PdfError::AlreadyEncrypted | PdfError::NotEncrypted => {
            "damaged PDF: its encryption settings are broken"
        }
        PdfError::Decompress(_) | PdfError::InvalidStream(_) | PdfError::Unimplemented(_) => {
            "damaged PDF: a compressed part of it cannot be unpacked"
        }
        PdfError::ToUnicodeCMap(_)
        | PdfError::InvalidEncodingDifferenceCode { .. }
        | PdfError::InvalidEncodingDifferenceGlyph { .. }
        | PdfError::CharacterEncoding
        | PdfError::TextStringDecode => "damaged PDF: a font in it cannot be read",
        PdfError::ObjectType { .. }
        | PdfError::DictType { .. }
        | PdfError::NumericCast(_)
        | PdfError::TryFromInt(_) => "damaged PDF: a part of it holds the wrong kind of value",
        PdfError::DictKey(_) => "damaged PDF: a required entry is missing",
        PdfError::PageNumberNotFound(_) => "damaged PDF: a page cannot be found in it",
        PdfError::IO(_) => "the PDF could not be read",
        _ => "damaged PDF: the reader stopped on something in it that it cannot handle",
    }
}
