#!/usr/bin/env python3
"""Writes small PDFs into corpus/pdf/ to seed the `pdf` fuzz target: a well-formed one-page
letter, and the damaged forms the reader must fail alone on (deep nesting, a reference loop,
a /Length that lies, a truncated xref, a page tree that cites itself, a page that is its own
parent, no text).
Run from fuzz/: `python3 make_pdf_seeds.py`. The project's own PDFs are copied in too."""
import pathlib, shutil

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "corpus" / "pdf"


def pdf(objects, root=1):
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def page(content, length=None, kids=b"[3 0 R]"):
    n = len(content) if length is None else length
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids " + kids + b" /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % n + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


LETTER = (b"BT /F1 11 Tf 72 720 Td (Case Number: CM16-0990001) Tj 0 -14 Td"
          b" (Lumbar MRI: Upheld) Tj ET")

seeds = {
    "letter.pdf": page(LETTER),
    "deep-arrays.pdf": page(b"BT " + b"[" * 5000 + b" ET"),
    "deep-q.pdf": page(b"q " * 5000 + LETTER),
    "length-lies.pdf": page(LETTER, length=10_000),
    "length-short.pdf": page(LETTER, length=5),
    "page-tree-loop.pdf": page(LETTER, kids=b"[2 0 R]"),
    "no-text.pdf": page(b"0 0 612 792 re f"),
}
# Found by the fuzzer: a page whose /Parent is itself kept the extractor busy forever.
seeds["page-parent-loop.pdf"] = seeds["letter.pdf"].replace(b"/Parent 2 0 R", b"/Parent 3 0 R")
seeds["truncated-xref.pdf"] = seeds["letter.pdf"][: seeds["letter.pdf"].rindex(b"xref") + 20]
seeds["reference-loop.pdf"] = pdf([
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
    b"4 0 R",
])

OUT.mkdir(parents=True, exist_ok=True)
for name, data in seeds.items():
    (OUT / name).write_bytes(data)
for own in list((HERE.parent / "data" / "letters").rglob("*.pdf")) + list((HERE.parent / "tests" / "fixtures").rglob("*.pdf")):
    shutil.copy(own, OUT / own.name)
print(f"{len(list(OUT.iterdir()))} seeds in {OUT}")
