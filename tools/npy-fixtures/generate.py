#!/usr/bin/env python3
"""Regenerates the .npy/.npz test fixtures of xent-npy with real NumPy.

    /work/venv/bin/python tools/npy-fixtures/generate.py [--check-writer DIR]

Writes xent-npy/src/test/resources/npy/: one small .npy per dtype x order x byte order x rank, a few .npz
archives (stored and deflated), hand-made headers (versions 2.0 and 3.0, '=' byte order, Python 2 'L' suffixes,
old 16-byte padding, double quotes), files that must be refused, and manifest.tsv with what each must read as:

    SPEC <TAB> ok <TAB> DESCR <TAB> FORTRAN(0/1) <TAB> SHAPE(comma-separated) <TAB> NATURAL <TAB> VALUES
    SPEC <TAB> error <TAB> FRAGMENT OF THE EXPECTED MESSAGE

VALUES are the C-order values as the natural dtype, space-separated: Python's repr of the double value for floats
(nan, inf, -inf included), decimal for integers, or "@mod K" for value[i] = i % K. The build only reads these files;
run this script after changing it and commit the result (keep the directory well under 1 MB).

--check-writer DIR loads every .npy in DIR (written by NpyWriterTest when -Dxent.npy.writerOut=DIR is set) with
np.load and checks it against DIR/expected.tsv, to confirm that NumPy reads what NpyWriter writes.
"""
import io
import os
import shutil
import sys
import zipfile

import numpy as np
from numpy.lib import format as npformat

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'xent-npy', 'src', 'test', 'resources',
                   'npy')
RNG = np.random.default_rng(20240611)
MANIFEST = []

DTYPES = ['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32',
          'uint64', 'bool']
SHAPES = {0: (), 1: (5,), 2: (3, 4), 3: (2, 3, 4)}
NATURAL = {'float16': 'float32', 'float32': 'float32', 'float64': 'float64', 'bool': 'int32', 'int8': 'int32',
           'int16': 'int32', 'int32': 'int32', 'uint8': 'int32', 'uint16': 'int32', 'int64': 'int64',
           'uint32': 'int64', 'uint64': 'int64'}


def values_for(dtype, shape):
    """Random values with the dtype's awkward ones (extremes, NaN, infinities, -0, subnormals) first."""
    n = int(np.prod(shape, dtype=np.int64))
    dt = np.dtype(dtype)
    if dt.kind == 'f':
        info = np.finfo(dt)
        special = [np.nan, np.inf, -np.inf, -0.0, 0.0, info.smallest_subnormal, -info.smallest_subnormal,
                   info.max, info.min, info.tiny, 1.0 / 3.0]
        v = np.concatenate([np.array(special, dtype=np.float64), RNG.normal(0, 10, n)])[:n].astype(dt)
    elif dt.kind == 'b':
        v = RNG.integers(0, 2, n).astype(dt)
    else:
        info = np.iinfo(dt)
        hi = min(int(info.max), 2 ** 63 - 1)  # uint64 above int64 max is an error case of its own
        special = np.array([info.min, hi, 0, 1], dtype=dt)
        rand = RNG.integers(int(info.min), hi, n, dtype=np.int64 if dtype != 'uint64' else np.uint64,
                            endpoint=True).astype(dt)
        v = np.concatenate([special, rand])[:n]
    return v.reshape(shape)


def expected(a):
    flat = np.ascontiguousarray(a).reshape(-1)
    nat = NATURAL[a.dtype.name]
    if nat.startswith('float'):
        return ' '.join(repr(float(x)) for x in flat.astype(nat))
    return ' '.join(str(int(x)) for x in flat)


def ok(spec, a, descr, fortran):
    MANIFEST.append('\t'.join([spec, 'ok', descr, '1' if fortran else '0', ','.join(str(d) for d in a.shape),
                               NATURAL[a.dtype.name], expected(a)]))


def error(spec, fragment):
    MANIFEST.append('\t'.join([spec, 'error', fragment]))


def write_npy(path, a, fortran):
    """Writes a with NumPy's own header writer, forcing fortran_order (np.save only sets it for F-contiguous
    arrays of rank >= 2)."""
    d = {'descr': npformat.dtype_to_descr(a.dtype), 'fortran_order': fortran, 'shape': a.shape}
    with open(path, 'wb') as f:
        npformat.write_array_header_1_0(f, d)
        f.write(a.tobytes(order='F' if fortran else 'C'))
    return d['descr']


def raw_npy(path, header_text, data, version=(1, 0), align=64):
    """A .npy file with a hand-written header dict (padded with spaces and a newline to `align` bytes)."""
    prefix = 10 if version[0] == 1 else 12
    enc = 'utf-8' if version[0] == 3 else 'latin1'
    body = header_text.encode(enc)
    pad = -(prefix + len(body) + 1) % align
    body = body + b' ' * pad + b'\n'
    length = len(body).to_bytes(2 if version[0] == 1 else 4, 'little')
    with open(path, 'wb') as f:
        f.write(b'\x93NUMPY' + bytes(version) + length + body + data)


def matrix():
    for dtype in DTYPES:
        orders = ['<', '>'] if np.dtype(dtype).itemsize > 1 else ['|']
        for bo in orders:
            dt = np.dtype(dtype).newbyteorder(bo) if bo != '|' else np.dtype(dtype)
            for rank, shape in SHAPES.items():
                a = values_for(dtype, shape).astype(dt)
                for fortran in (False, True):
                    name = '%s_%s_%s_r%d.npy' % (dtype, 'F' if fortran else 'C',
                                                 {'<': 'le', '>': 'be', '|': 'na'}[bo], rank)
                    path = os.path.join(OUT, name)
                    if rank >= 2:
                        np.save(path, np.asfortranarray(a) if fortran else a)  # NumPy's own writer
                        descr = npformat.dtype_to_descr(a.dtype)
                    else:
                        descr = write_npy(path, a, fortran)
                    ok(name, a, descr, fortran)


def special_headers():
    a = values_for('float32', (3, 4))
    data = a.astype('<f4').tobytes()
    raw_npy(os.path.join(OUT, 'hdr_v2.npy'), "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", data,
            version=(2, 0))
    ok('hdr_v2.npy', a, '<f4', False)
    raw_npy(os.path.join(OUT, 'hdr_v3.npy'), "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", data,
            version=(3, 0))
    ok('hdr_v3.npy', a, '<f4', False)
    raw_npy(os.path.join(OUT, 'hdr_py2_long.npy'), "{'descr': '<f4', 'fortran_order': False, 'shape': (3L, 4L), }",
            data)
    ok('hdr_py2_long.npy', a, '<f4', False)
    raw_npy(os.path.join(OUT, 'hdr_align16.npy'), "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }",
            data, align=16)
    ok('hdr_align16.npy', a, '<f4', False)
    raw_npy(os.path.join(OUT, 'hdr_double_quotes.npy'),
            '{"shape": (3, 4),"fortran_order":False,\n"descr":"<f4"}', data)
    ok('hdr_double_quotes.npy', a, '<f4', False)
    native = '<' if sys.byteorder == 'little' else '>'
    raw_npy(os.path.join(OUT, 'hdr_equals_order.npy'), "{'descr': '=f4', 'fortran_order': False, 'shape': (3, 4), }",
            a.astype(native + 'f4').tobytes())
    ok('hdr_equals_order.npy', a, '=f4', False)
    b = values_for('float64', (4, 1))
    raw_npy(os.path.join(OUT, 'hdr_fortran_column.npy'),
            "{'descr': '>f8', 'fortran_order': True, 'shape': (4, 1), }", b.astype('>f8').tobytes(order='F'))
    ok('hdr_fortran_column.npy', b, '>f8', True)
    for name, shape in (('empty_r1.npy', (0,)), ('empty_r3.npy', (2, 0, 3))):
        e = np.zeros(shape, dtype='<f8')
        np.save(os.path.join(OUT, name), e)
        ok(name, e, '<f8', False)
    h = np.array([0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0x3555, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00,
                  0x7c01, 0xc000], dtype='<u2').view('<f2')
    np.save(os.path.join(OUT, 'float16_specials.npy'), h)
    ok('float16_specials.npy', h, '<f2', False)


def writer_golden():
    """np.save output that NpyWriter must reproduce byte for byte (NpyWriterTest)."""
    arrays = {
        'writer_f4_r2.npy': (np.arange(12, dtype='<f4').reshape(3, 4) / 8).astype('<f4'),
        'writer_f8_r1.npy': np.array([0.5, -1.25, np.inf, 1e300, -0.0], dtype='<f8'),
        'writer_i4_r0.npy': np.array(7, dtype='<i4'),
        'writer_i8_r3.npy': np.arange(24, dtype='<i8').reshape(2, 3, 4) - 12,
        'writer_f4_empty.npy': np.zeros((0, 3), dtype='<f4'),
        'writer_f4_long_axis.npy': np.zeros((123456789012, 0), dtype='<f4'),
    }
    for name, a in arrays.items():
        np.save(os.path.join(OUT, name), a)
        ok(name, a, npformat.dtype_to_descr(a.dtype), False)


def archives():
    y_true = np.array([1, 2, 0, 1], dtype='<i8')
    y_pred = values_for('float32', (4, 3))
    np.savez(os.path.join(OUT, 'stored.npz'), y_true=y_true, y_pred=y_pred)
    ok('stored.npz:y_true', y_true, '<i8', False)
    ok('stored.npz:y_pred.npy', y_pred, '<f4', False)
    error('stored.npz:nope', "no array 'nope' in the archive (keys: y_true, y_pred)")
    error('stored.npz', 'is an .npz archive with 2 entries')

    fa = np.asfortranarray(values_for('float64', (300, 7)).astype('>f8'))
    big = (np.arange(100000, dtype='<i8') % 7).astype('<i8')
    np.savez_compressed(os.path.join(OUT, 'deflated.npz'), y_true=y_true, fortran=fa, big=big)
    ok('deflated.npz:y_true', y_true, '<i8', False)
    ok('deflated.npz:fortran', fa, '>f8', True)
    MANIFEST.append('\t'.join(['deflated.npz:big.npy', 'ok', '<i8', '0', '100000', 'int64', '@mod 7']))

    single = values_for('uint16', (2, 5)).astype('>u2')
    np.savez_compressed(os.path.join(OUT, 'single.npz'), single)
    ok('single.npz', single, '>u2', False)
    ok('single.npz:arr_0', single, '>u2', False)

    with zipfile.ZipFile(os.path.join(OUT, 'bzip2.npz'), 'w', compression=zipfile.ZIP_BZIP2) as z:
        buf = io.BytesIO()
        np.save(buf, y_true)
        z.writestr(zipfile.ZipInfo('y_true.npy', date_time=(1980, 1, 1, 0, 0, 0)), buf.getvalue(),
                   compress_type=zipfile.ZIP_BZIP2)
    error('bzip2.npz:y_true', 'uses compression method 12; only stored (0) and deflated (8) are supported')


def refused():
    np.save(os.path.join(OUT, 'bad_object.npy'), np.array([1, 'a', None], dtype=object), allow_pickle=True)
    error('bad_object.npy', "header at byte 20: descr '|O' is an object dtype")
    np.save(os.path.join(OUT, 'bad_structured.npy'), np.zeros(2, dtype=[('a', '<f4'), ('b', '<i4')]))
    error('bad_structured.npy', 'descr is a list, which means a structured dtype')
    np.save(os.path.join(OUT, 'bad_complex.npy'), np.zeros(2, dtype='<c8'))
    error('bad_complex.npy', "descr '<c8' is a complex dtype")
    np.save(os.path.join(OUT, 'bad_unicode.npy'), np.array(['ab', 'c']))
    error('bad_unicode.npy', "descr '<U2' is a string dtype")
    np.save(os.path.join(OUT, 'bad_datetime.npy'), np.array(['2024-01-01'], dtype='datetime64[D]'))
    error('bad_datetime.npy', "descr '<M8[D]' is a datetime dtype")
    np.save(os.path.join(OUT, 'bad_longdouble.npy'), np.zeros(2, dtype=np.longdouble))
    error('bad_longdouble.npy', 'has an unsupported item size')
    np.save(os.path.join(OUT, 'bad_uint64_big.npy'), np.array([[1, 2], [3, 2 ** 64 - 1]], dtype='<u8'))
    error('bad_uint64_big.npy', 'element 3 (index (1, 1)) at byte 152: uint64 value 18446744073709551615 is larger'
                                ' than the int64 maximum')
    raw_npy(os.path.join(OUT, 'bad_bool_byte.npy'), "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
            bytes([1, 0, 2]))
    error('bad_bool_byte.npy', "element 2 (index (2,)) at byte 130: bool byte is 2, but NumPy bools are 0 or 1")
    raw_npy(os.path.join(OUT, 'bad_negative_dim.npy'), "{'descr': '<f4', 'fortran_order': False, 'shape': (3, -1), }",
            b'')
    error('bad_negative_dim.npy', 'header at byte 10: shape (3, -1) has a negative dimension')
    raw_npy(os.path.join(OUT, 'bad_size.npy'), "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }",
            b'\0' * 40)
    error('bad_size.npy', "shape (3, 4) of '<f4' needs 48 data bytes but 40 follow the 128-byte header")
    raw_npy(os.path.join(OUT, 'bad_version.npy'), "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
            b'\0' * 4, version=(4, 0))
    error('bad_version.npy', 'at byte 6: format version 4.0 is not supported')
    raw_npy(os.path.join(OUT, 'bad_extra_key.npy'),
            "{'descr': '<f4', 'fortran_order': False, 'shape': (), 'extra': 1}", b'\0' * 4)
    error('bad_extra_key.npy', "unexpected key 'extra'")
    raw_npy(os.path.join(OUT, 'bad_overflow.npy'),
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", b'')
    error('bad_overflow.npy', 'has more than 2^63-1 elements')


def check_writer(directory):
    """Confirms NumPy reads NpyWriter's output: every line of expected.tsv is NAME, DTYPE, SHAPE, VALUES."""
    with open(os.path.join(directory, 'expected.tsv')) as f:
        lines = [line.rstrip('\n').split('\t') for line in f if line.strip()]
    for name, dtype, shape, values in lines:
        a = np.load(os.path.join(directory, name))
        shape = tuple(int(d) for d in shape.split(',') if d)
        parse = float if np.dtype(dtype).kind == 'f' else int
        want = np.array([parse(v) for v in values.split()], dtype=dtype).reshape(shape)
        assert a.dtype == np.dtype(dtype) and a.shape == shape, (name, a.dtype, a.shape)
        np.testing.assert_array_equal(a, want)
        print('numpy reads %s: %s %s' % (name, a.dtype, a.shape))
    print('ok: %d files' % len(lines))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--check-writer':
        check_writer(sys.argv[2])
        return
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    matrix()
    special_headers()
    writer_golden()
    archives()
    refused()
    with open(os.path.join(OUT, 'manifest.tsv'), 'w') as f:
        f.write('\n'.join(MANIFEST) + '\n')
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print('wrote %d fixtures, %d bytes, to %s' % (len(MANIFEST), total, os.path.normpath(OUT)))


if __name__ == '__main__':
    main()
