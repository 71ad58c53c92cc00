#!/usr/bin/env python3
"""Writes small PDFs into corpus/pdf/ to seed the `pdf` fuzz target: a well-formed one-page
letter, and the damaged forms the reader must fail alone on (deep nesting, a reference loop,
a /Length that lies, a truncated xref, a page tree that cites itself, a page that is its own
parent, no text).
Run from fuzz/: `python3 make_pdf_seeds.py`. The project's own PDFs are copied in too.

`python3 make_pdf_seeds.py --hostile DIR` writes instead the files that go past any limit,
for trying `imr index` on (BENCHMARKS.md): a slow page (forms drawing forms, 20^7 times), a
memory-hungry page (90 KB that unpack to 45 MB of drawing operations), and a form that draws
itself (the reader recurses until its stack overflows). They are not fuzz seeds: read in the
fuzzing process they would stop it at once."""
import pathlib, shutil, sys, zlib

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


def page(content, length=None, kids=b"[3 0 R]", extra=b""):
    n = len(content) if length is None else length
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids " + kids + b" /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d%s >>\nstream\n" % (n, extra) + content + b"\nendstream",
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


def stream(content, extra=b""):
    return b"<< /Length %d%s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def with_forms(content, forms):
    """A one-page PDF drawing `content`, with form XObjects /X0, /X1 ... holding `forms`."""
    names = b" ".join(b"/X%d %d 0 R" % (i, 6 + i) for i in range(len(forms)))
    resources = b"<< /Font << /F1 5 0 R >> /XObject << " + names + b" >> >>"
    form = b" /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources " + resources
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources " + resources + b" >>",
        stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ] + [stream(body, form) for body in forms])


if sys.argv[1:2] == ["--hostile"]:
    out = pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    depth = 8
    slow = [(b"/X%d Do " % (i + 1)) * 20 for i in range(depth - 1)] + [b"BT ET"]
    hungry = zlib.compress(b"1 0 0 1 0 0 cm\n" * 3_000_000, 9)
    hostile = {
        "slow.pdf": with_forms(b"/X0 Do", slow),
        "hungry.pdf": page(hungry, extra=b" /Filter /FlateDecode"),
        "recursive.pdf": with_forms(b"/X0 Do", [b"/X0 Do"]),
    }
    for name, data in hostile.items():
        (out / name).write_bytes(data)
    print(f"{len(hostile)} hostile PDFs in {out}")
    sys.exit(0)

OUT.mkdir(parents=True, exist_ok=True)
for name, data in seeds.items():
    (OUT / name).write_bytes(data)
for own in list((HERE.parent / "data" / "letters").rglob("*.pdf")) + list((HERE.parent / "tests" / "fixtures").rglob("*.pdf")):
    shutil.copy(own, OUT / own.name)
print(f"{len(list(OUT.iterdir()))} seeds in {OUT}")
