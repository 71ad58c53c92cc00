#!/usr/bin/env python3
"""Remake the sample corpus's PDF letters from their text.

Each `pdf-src/<case>.txt` beside this script is drawn line by line (Helvetica 10pt, a new
page every 50 lines) into a plain text PDF, which is then encrypted the way DWC publishes
its letters: AES-128 (AESv2, R=4) with an EMPTY user password, a non-empty owner password,
and the same permissions as the real letters (P = -1340: printing allowed, copying and
changing not allowed). The result goes to `data/letters/c-2016/<case>.pdf`.

With --fixtures it also remakes the two PDF fixtures derived from them in
`tests/fixtures/bad/`: `truncated.pdf` (the first 40% of an encrypted letter) and
`password.pdf` (the same letter encrypted with a NON-empty user password).

Needs: `pip install reportlab` and qpdf (`apt-get install -y qpdf`).
qpdf's --static-id/--static-aes-iv keep the output byte-for-byte reproducible; they weaken
the encryption, which does not matter for these invented letters.

Usage: python3 data/tools/make_pdfs.py [--fixtures]
"""
import argparse
import pathlib
import subprocess
import tempfile

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent
REPO = DATA.parent
OUT = DATA / "letters" / "c-2016"
BAD = REPO / "tests" / "fixtures" / "bad"
OWNER_PASSWORD = "imr-sample-owner"
USER_PASSWORD_FOR_FIXTURE = "imr-sample-user"
LINES_PER_PAGE = 50
# Same permission bits as the real DWC letters (qpdf --show-encryption: P = -1340).
PERMISSIONS = ["--print=full", "--modify=none", "--extract=n", "--accessibility=y"]


def render(src: pathlib.Path, dst: pathlib.Path) -> None:
    c = canvas.Canvas(str(dst), pagesize=letter, invariant=1, pageCompression=1)
    c.setTitle(f"IMR Final Determination {src.stem} (synthetic sample)")
    y = 0.0
    for n, line in enumerate(src.read_text(encoding="ascii").splitlines()):
        if n % LINES_PER_PAGE == 0:
            if n:
                c.showPage()
            c.setFont("Helvetica", 10)
            y = 740.0
        c.drawString(54, y, line)
        y -= 13.5
    c.showPage()
    c.save()


def encrypt(src: pathlib.Path, dst: pathlib.Path, user: str = "") -> None:
    subprocess.run(
        ["qpdf", "--static-id", "--static-aes-iv", "--encrypt", user, OWNER_PASSWORD, "128",
         "--use-aes=y", *PERMISSIONS, "--", str(src), str(dst)],
        check=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fixtures", action="store_true", help="also remake tests/fixtures/bad PDFs")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    made = []
    with tempfile.TemporaryDirectory() as tmp:
        for src in sorted((HERE / "pdf-src").glob("*.txt")):
            plain = pathlib.Path(tmp) / f"{src.stem}.pdf"
            render(src, plain)
            dst = OUT / f"{src.stem}.pdf"
            encrypt(plain, dst)
            made.append((plain, dst))
            print(f"{dst.relative_to(REPO)}: {dst.stat().st_size} bytes")
        if args.fixtures and made:
            plain, enc = made[0]
            BAD.mkdir(parents=True, exist_ok=True)
            data = enc.read_bytes()
            (BAD / "truncated.pdf").write_bytes(data[: len(data) * 40 // 100])
            encrypt(plain, BAD / "password.pdf", user=USER_PASSWORD_FOR_FIXTURE)
            print(f"{(BAD / 'truncated.pdf').relative_to(REPO)}, {(BAD / 'password.pdf').relative_to(REPO)}")


if __name__ == "__main__":
    main()
