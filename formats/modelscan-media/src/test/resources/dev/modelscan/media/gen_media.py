#!/usr/bin/python3
"""Regenerates the companion-file fixtures of modelscan-media.

Run with Debian's python3 (PIL from python3-pil):  /usr/bin/python3 gen_media.py
The object-stream PDFs are checked, decoded and encrypted by qpdf (apt-get install qpdf), a real reader.
Images are written by PIL's own encoders; the PDF is written by hand (a four-object document, byte offsets computed
here); the hostile variants append a pickle written opcode by opcode (never pickle.dumps of a live object, never
loaded) or a zip written by zipfile. Payloads are harmless: 'echo pwned'.
"""
import io
import os
import zipfile

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name, data):
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)


def image(fmt, **kw):
    img = Image.new('RGB', (8, 6), (20, 120, 200))
    for x in range(8):
        img.putpixel((x, x % 6), (255, 255, 0))
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


# A protocol-2 pickle calling os.system('echo pwned'), written opcode by opcode.
PICKLE = (b'\x80\x02' + b'cos\nsystem\n' + b'X\x0a\x00\x00\x00echo pwned' + b'\x85' + b'R' + b'.')


def zip_with_pickle():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        # A fixed timestamp keeps the fixture byte-identical across runs.
        z.writestr(zipfile.ZipInfo('archive/data.pkl', date_time=(2020, 1, 1, 0, 0, 0)), PICKLE)
    return buf.getvalue()


png = image('PNG')
out('plot.png', png)
out('photo.jpg', image('JPEG', quality=80))
out('anim.gif', image('GIF'))
out('thumb.webp', image('WEBP', quality=80))
out('logo.bmp', image('BMP'))
out('scan.tiff', image('TIFF'))
out('plot_with_pickle.png', png + PICKLE)
out('plot_with_zip.png', png + zip_with_pickle())

# A minimal PDF: catalog, pages, one page, one content stream; xref offsets computed from the bytes.
def pdf(extra_catalog=b''):
    objs = [
        b'<< /Type /Catalog /Pages 2 0 R ' + extra_catalog + b'>>',
        b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>',
    ]
    content = b'BT /F1 12 Tf 20 50 Td (model card) Tj ET'
    objs.append(b'<< /Length ' + str(len(content)).encode() + b' >>\nstream\n' + content + b'\nendstream')
    body = b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(body))
        body += str(i).encode() + b' 0 obj\n' + o + b'\nendobj\n'
    xref = len(body)
    body += b'xref\n0 ' + str(len(objs) + 1).encode() + b'\n0000000000 65535 f \n'
    for off in offsets:
        body += b'%010d 00000 n \n' % off
    body += b'trailer\n<< /Size ' + str(len(objs) + 1).encode() + b' /Root 1 0 R >>\nstartxref\n'
    body += str(xref).encode() + b'\n%%EOF\n'
    return body


out('card.pdf', pdf())
# The name spelled with a #xx escape, as PDF 1.7 section 7.3.5 allows: readers decode it to /JavaScript.
out('card_js.pdf', pdf(b'/OpenAction << /S /J#61vaScript /JS (app.alert\\(1\\)) >> '))

with open(os.path.join(HERE, 'chart.svg'), 'w') as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            '<rect width="10" height="10" fill="#3a7"/><text x="1" y="8">only</text></svg>\n')
with open(os.path.join(HERE, 'chart_script.svg'), 'w') as f:
    f.write('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            '<rect width="10" height="10"/><script>alert(1)</script></svg>\n')
with open(os.path.join(HERE, 'chart_onload.svg'), 'w') as f:
    f.write('<svg xmlns="http://www.w3.org/2000/svg" onload = "alert(1)"><rect width="1" height="1"/></svg>\n')

# Text companions: a label table, a notebook as Jupyter writes it (code cell with an output) and a training config.
with open(os.path.join(HERE, 'labels.csv'), 'w') as f:
    f.write('id,label\n1,"cat, small"\n2,dog\n')
with open(os.path.join(HERE, 'train.ipynb'), 'w') as f:
    f.write('{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": 1,\n   "metadata": {},\n'
            '   "outputs": [{"name": "stdout", "output_type": "stream", "text": ["2\\n"]}],\n'
            '   "source": ["print(1 + 1)"]\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n')
with open(os.path.join(HERE, 'train.yaml'), 'w') as f:
    f.write('model:\n  lr: 0.001\n  layers: [64, 64]\ndata:\n  path: ./data\n')

# A multi-picture file (MPO, as stereo cameras and phones with depth maps write it): PIL writes the MPF APP2 segment
# and stores the second picture after the first EOI.
frames = [Image.new('RGB', (8, 6), c) for c in ((20, 120, 200), (200, 120, 20))]
buf = io.BytesIO()
frames[0].save(buf, 'MPO', save_all=True, append_images=frames[1:])
out('stereo.mpo', buf.getvalue())


# PDF 1.5 documents whose JavaScript action (object 5, the catalog's /OpenAction) is stored compressed in an object
# stream (object 6), found through a cross-reference stream (object 7), as PDF 1.7 sections 7.5.7 and 7.5.8 describe.
# The action's dictionary is only in the object stream's decoded bytes; how they are encoded is the variant.
ACTION = b'<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>'


def png_up(data, columns):
    """PNG 'Up' prediction (predictor 12) by rows of `columns` bytes, as a /DecodeParms << /Predictor 12 >> declares."""
    data += b'\0' * (-len(data) % columns)
    rows, prev = [], bytes(columns)
    for i in range(0, len(data), columns):
        row = data[i:i + columns]
        rows.append(b'\x02' + bytes((row[j] - prev[j]) & 0xFF for j in range(columns)))
        prev = row
    return b''.join(rows)


def pdf_objstm(encoding):
    import struct
    import zlib
    header = b'5 0 '
    raw = header + ACTION
    if encoding == 'flate':
        keys, data = b'/Filter /FlateDecode', zlib.compress(raw)
    elif encoding == 'flate2':  # a filter chain of two Flates: one inflate gives zlib data, not the objects
        keys, data = b'/Filter [/FlateDecode /FlateDecode]', zlib.compress(zlib.compress(raw))
    elif encoding == 'hex':
        keys, data = b'/Filter /ASCIIHexDecode', raw.hex().encode() + b'>'
    elif encoding == 'predictor':
        keys, data = b'/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 8 >>', zlib.compress(png_up(raw, 8))
    else:
        raise ValueError(encoding)
    objs = {
        1: b'<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>',
        2: b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        3: b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>',
    }
    content = b'BT /F1 12 Tf 20 50 Td (model card) Tj ET'
    objs[4] = b'<< /Length ' + str(len(content)).encode() + b' >>\nstream\n' + content + b'\nendstream'
    objs[6] = (b'<< /Type /ObjStm /N 1 /First ' + str(len(header)).encode() + b' ' + keys + b' /Length '
               + str(len(data)).encode() + b' >>\nstream\n' + data + b'\nendstream')
    body = b'%PDF-1.5\n%\xe2\xe3\xcf\xd3\n'
    offsets = {}
    for n in sorted(objs):
        offsets[n] = len(body)
        body += str(n).encode() + b' 0 obj\n' + objs[n] + b'\nendobj\n'
    offsets[7] = len(body)
    rows = [struct.pack('>BIH', 0, 0, 0xFFFF)]  # /W [1 4 2]: type, offset or stream number, generation or index
    for n in range(1, 8):
        rows.append(struct.pack('>BIH', 2, 6, 0) if n == 5 else struct.pack('>BIH', 1, offsets[n], 0))
    xref = b''.join(rows)
    body += (b'7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Length ' + str(len(xref)).encode()
             + b' >>\nstream\n' + xref + b'\nendstream\nendobj\n')
    body += b'startxref\n' + str(offsets[7]).encode() + b'\n%%EOF\n'
    return body


def qpdf(*args):
    import subprocess
    return subprocess.run(['qpdf', *args], check=True, capture_output=True).stdout


for variant in ('flate', 'flate2', 'hex', 'predictor'):
    name = 'card_objstm_%s.pdf' % variant
    out(name, pdf_objstm(variant))
    path = os.path.join(HERE, name)
    qpdf('--check', path)  # a reader opens it without a warning
    # ...and finds the action where the scanner must look for it: object 5, decoded from the object stream.
    assert b'/JavaScript' in qpdf('--show-object=5', path), name
# The flate variant encrypted by qpdf (AES-256, empty user password: it opens without asking): the object stream's
# bytes are ciphertext, so no scanner reads the action without decrypting it. (AES draws fresh IVs: this file's
# bytes change on every run, its structure does not.)
qpdf('--static-id', '--encrypt', '', 'owner', '256', '--', os.path.join(HERE, 'card_objstm_flate.pdf'),
     os.path.join(HERE, 'card_objstm_aes.pdf'))
aes = os.path.join(HERE, 'card_objstm_aes.pdf')
qpdf('--check', aes)
assert b'/ObjStm' in open(aes, 'rb').read() and b'/JavaScript' not in open(aes, 'rb').read()
assert b'/JavaScript' in qpdf('--decrypt', '--object-streams=disable', aes, '-')
