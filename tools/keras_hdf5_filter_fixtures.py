"""HDF5 weights files with chunked, filtered datasets, for the Keras importer's hostile-file tests.

Keras itself writes model.weights.h5 unchunked and unfiltered, but an HDF5 file may store any
dataset in chunks passed through filters (deflate, shuffle, fletcher32, LZF, LZ4, bitshuffle),
and a hostile one may declare or inflate to any size there. Each file written here is
sequential_dense.keras's model.weights.h5 with the kernel of layer 'dense' (layers/dense/vars/0,
float32, 6 x 4) stored differently; everything else (groups, 'name' attributes, the other
weights) is copied as it is. A test puts one into sequential_dense.keras in place of the original.

- good_*:  a legal encoding of the original values; the model must load and predict as Keras.
- refused_*: a legal file whose filter Lamina does not decode (zstd); refused with its name.
- bomb_* and bad_*: hostile chunks written raw (write_direct_chunk) or hostile filter settings.

All go into one zip, hdf5_filters.zip (they are mostly zeros: about 3 KB each when deflated),
beside index.json, which lists every file with what it holds, where its chunks are (byte offset
and size) and its filter descriptions are (for the fuzzer's targeted mutations), and the filter
pipeline's (id, flags, values). Each good_* file is read back by HDF5 itself and must hold the
original kernel.

Run by hand from the repository root (needs h5py and hdf5plugin in the venv; never by CI):

    /work/venv/bin/python tools/keras_hdf5_filter_fixtures.py
"""

import io
import json
import os
import re
import shutil
import tempfile
import struct
import zipfile
import zlib

import h5py
import hdf5plugin
import numpy as np
from h5py import h5d, h5p, h5s, h5t, h5z

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "keras", "src", "test", "resources", "fixtures")
OUT = os.path.join(FIXTURES, "hdf5_filters.zip")
TARGET = "layers/dense/vars/0"

LZ4, BITSHUFFLE, LZF, ZSTD = 32004, 32008, 32000, 32015
HUGE = 0x7FFFFFF0  # about 2 GiB: more than any small test JVM has
TMP = tempfile.mkdtemp(prefix="lamina-hdf5-")


def original_weights():
    with zipfile.ZipFile(os.path.join(FIXTURES, "sequential_dense.keras")) as z:
        return z.read("model.weights.h5")


def copy_except_target(src, dst):
    """Copies every group, attribute and dataset but TARGET, in the source's order."""
    for key, value in src.attrs.items():
        dst.attrs[key] = value

    def visit(name, obj):
        if name == TARGET:
            return
        if isinstance(obj, h5py.Group):
            group = dst.require_group(name)
            for key, value in obj.attrs.items():
                group.attrs[key] = value
        else:
            dst.create_dataset(name, data=obj[()])

    src.visititems(visit)


def write(name, make, libver="earliest", note="", patch=None):
    """make(file, kernel) creates TARGET in file; returns the file's index entry.

    patch: {filter id: values}, written over the pipeline's values for that filter after HDF5
    (whose filters' set_local callbacks rewrite them on creation) has closed the file.
    """
    src = h5py.File(io.BytesIO(original_weights()), "r")
    kernel = src[TARGET][()]
    path = os.path.join(TMP, name + ".h5")
    with h5py.File(path, "w", libver=libver) as dst:
        copy_except_target(src, dst)
        make(dst, kernel)
    for fid, values in (patch or {}).items():
        patch_values(path, fid, values)
    with h5py.File(path, "r") as f:
        d = f[TARGET]
        dcpl = d.id.get_create_plist()
        names = [dcpl.get_filter(i) for i in range(dcpl.get_nfilters())]
        filters = [list(dcpl.get_filter(i)[:3]) for i in range(dcpl.get_nfilters())]
        for entry in filters:
            entry[2] = list(entry[2])
        chunks = []
        if d.chunks is not None:
            for i in range(d.id.get_num_chunks()):
                info = d.id.get_chunk_info(i)
                chunks.append({"offset": list(info.chunk_offset), "byte_offset": info.byte_offset,
                               "size": info.size, "filter_mask": info.filter_mask})
    if name.startswith("good_"):
        # Checked by HDF5 itself (with hdf5plugin's filters): the test's expected values are
        # the original kernel's, which this file must hold.
        with h5py.File(path, "r") as f:
            if not np.array_equal(f[TARGET][()], kernel):
                raise SystemExit(name + ": HDF5 reads other values than the original kernel")
    with open(path, "rb") as f:
        data = f.read()
    # The i-th filter of an id takes the i-th description of it (deflate twice has two); null
    # where the description cannot be told apart from other bytes (no name and no values).
    ids = [n[0] for n in names]
    pipeline = []
    for i, (fid, flags, values, fname) in enumerate(names):
        found = filter_fields(data, fid, flags, values, fname)
        pipeline.append(found[ids[:i].count(fid)] if len(found) == ids.count(fid) else None)
    return {"file": name + ".h5", "bytes": len(data), "libver": libver,
            "chunks_shape": list(d.chunks) if d.chunks else None, "filters": filters,
            "pipeline_fields": pipeline, "chunk_data": chunks, "note": note}


def filter_fields(data, fid, flags, values, name):
    """Where one filter's description is in the file: {"id": offset of its 2-byte id,
    "values": offset of its 4-byte client values}. A version 1 description is id, name length,
    flags, count, name (padded to 8), values; version 2 leaves out the name (and its length)
    for ids below 256."""
    found = []
    packed = struct.pack("<%dI" % len(values), *values)
    for m in re.finditer(re.escape(struct.pack("<H", fid)), data):
        at = m.start()
        if at + 8 > len(data):
            continue
        name_len, flag_field, count = struct.unpack_from("<HHH", data, at + 2)
        v1 = (flag_field == flags and count == len(values) and name
              and data[at + 8:at + 8 + len(name)] == name and name_len >= len(name))
        if v1 and data[at + 8 + name_len:at + 8 + name_len + len(packed)] == packed:
            found.append({"id": at, "values": at + 8 + name_len})
            continue
        flag_field, count = struct.unpack_from("<HH", data, at + 2)
        if fid < 256 and flag_field == flags and count == len(values) \
                and data[at + 6:at + 6 + len(packed)] == packed and len(found) == 0 \
                and len(values) > 0:
            found.append({"id": at, "values": at + 6})
    return found


def patch_values(path, fid, values):
    with h5py.File(path, "r") as f:
        dcpl = f[TARGET].id.get_create_plist()
        old = [dcpl.get_filter(i) for i in range(dcpl.get_nfilters())
               if dcpl.get_filter(i)[0] == fid][0]
    if len(old[2]) != len(values):
        raise SystemExit("filter %d has %d values, cannot patch %s" % (fid, len(old[2]), values))
    with open(path, "rb") as f:
        data = bytearray(f.read())
    found = filter_fields(bytes(data), fid, old[1], list(old[2]), old[3])
    if len(found) != 1:
        raise SystemExit("filter %d: %d descriptions found" % (fid, len(found)))
    at = found[0]["values"]
    data[at:at + 4 * len(values)] = struct.pack("<%dI" % len(values), *values)
    with open(path, "wb") as f:
        f.write(data)


def filtered(**kwargs):
    def make(f, kernel):
        f.create_dataset(TARGET, data=kernel, **kwargs)
    return make


def raw(chunk_shape, pipeline, chunks, maxshape=None):
    """A dataset of the kernel's shape whose chunks are the given raw bytes, never encoded."""
    def make(f, kernel):
        dcpl = h5p.create(h5p.DATASET_CREATE)
        dcpl.set_chunk(chunk_shape)
        for fid, values in pipeline:
            dcpl.set_filter(fid, h5z.FLAG_OPTIONAL, tuple(values))
        space = h5s.create_simple(kernel.shape, maxshape or kernel.shape)
        group = f.require_group(os.path.dirname(TARGET))
        d = h5d.create(group.id, os.path.basename(TARGET).encode(), h5t.IEEE_F32LE, space,
                       dcpl=dcpl)
        for offset, data in chunks:
            d.write_direct_chunk(offset, data)
    return make


def raw_of_kernel(chunks_of, chunk_shape, pipeline):
    """raw() whose chunks are computed from the kernel's values."""
    def make(f, kernel):
        raw(chunk_shape, pipeline, chunks_of(kernel))(f, kernel)
    return make


def lz4_frame(total, block, blocks):
    """HDF5's LZ4 filter framing: total size and block size (big-endian), then sized blocks."""
    out = struct.pack(">QI", total, block)
    for data in blocks:
        out += struct.pack(">I", len(data)) + data
    return out


def lzf_literals(data):
    """An LZF stream of literal runs only (a control byte n < 32 copies the next n + 1 bytes)."""
    out = b""
    for at in range(0, len(data), 32):
        run = data[at:at + 32]
        out += bytes([len(run) - 1]) + run
    return out


def main():
    kernel_bytes = 6 * 4 * 4
    entries = [
        write("good_gzip", filtered(chunks=(6, 4), compression="gzip", compression_opts=4)),
        write("good_shuffle_gzip", filtered(chunks=(4, 3), shuffle=True, compression="gzip"),
              note="2 x 2 chunks, three of them partial"),
        write("good_fletcher_gzip", filtered(chunks=(6, 4), fletcher32=True, compression="gzip")),
        write("good_lzf", filtered(chunks=(3, 4), compression="lzf")),
        write("good_lzf_literals", raw_of_kernel(lambda k: [((0, 0), lzf_literals(k.tobytes()))],
              (6, 4), [(LZF, [4, 261, 96])]),
              note="an LZF stream of literal runs, which HDF5's own LZF never writes for 96 bytes"),
        write("good_lz4", filtered(chunks=(6, 4), **hdf5plugin.LZ4())),
        write("good_lz4_blocks", filtered(chunks=(6, 4), **hdf5plugin.LZ4(nbytes=32)),
              note="LZ4 blocks of 32 bytes: three per chunk"),
        write("good_bitshuffle", filtered(chunks=(6, 4), **hdf5plugin.Bitshuffle(cname="none"))),
        write("good_bitshuffle_lz4",
              filtered(chunks=(4, 3), **hdf5plugin.Bitshuffle(cname="lz4")),
              note="12-value chunks: 8 bit-shuffled, 4 left over"),
        write("good_bitshuffle_lz4_big",
              filtered(chunks=(6, 4), **hdf5plugin.Bitshuffle(nelems=8, cname="lz4")),
              note="bitshuffle blocks of 8 values"),
        write("good_latest_gzip", filtered(chunks=(6, 4), compression="gzip"), libver="latest",
              note="HDF5 1.10+ layout: single-chunk index"),
        write("good_latest_chunks", filtered(chunks=(2, 2), shuffle=True, compression="gzip"),
              libver="latest", note="HDF5 1.10+ layout: fixed-array chunk index, 12 chunks"),
        write("good_contiguous", filtered(), note="unchunked, as Keras writes it"),
        write("refused_zstd", filtered(chunks=(6, 4), **hdf5plugin.Zstd())),
        # Bombs: small chunks that inflate, or declare, far more than the 96 bytes of the kernel.
        write("bomb_deflate_twice", raw((6, 4), [(1, [4]), (1, [4])], [((0, 0), zlib.compress(
            zlib.compress(bytes(1 << 29), 9), 9))]),
              note="deflate twice: under 1 KB that inflates to 512 MiB"),
        write("bomb_deflate", raw((6, 4), [(1, [4])], [((0, 0), zlib.compress(
            bytes(16 << 20), 9))]), note="16 MiB of zeros for a 96-byte chunk"),
        write("bomb_lz4_total", raw((6, 4), [(LZ4, [0])], [((0, 0), lz4_frame(
            HUGE, 1 << 30, [b"\x00" * 4]))]), note="declares a ~2 GiB chunk"),
        write("bomb_lz4_block", raw((6, 4), [(LZ4, [0])], [((0, 0), lz4_frame(
            kernel_bytes, kernel_bytes, []) + struct.pack(">I", HUGE) + b"\x00" * 8)]),
              note="a legal total, then a block that declares ~2 GiB of compressed bytes"),
        write("bomb_bitshuffle_total", raw((6, 4), [(BITSHUFFLE, [0, 2])], [((0, 0),
            lz4_frame(HUGE, 1 << 30, [b"\x00" * 4]))]), note="bitshuffle+LZ4 declaring ~2 GiB"),
        write("bomb_bitshuffle_block", raw((6, 4), [(BITSHUFFLE, [0, 2])], [((0, 0),
            struct.pack(">QI", kernel_bytes, HUGE) + b"\x00" * 8)]),
              note="bitshuffle+LZ4 declaring a ~2 GiB block"),
        write("bomb_lzf", raw((6, 4), [(LZF, [4, 261, 96])], [((0, 0), b"\x00\x01" * 8)]),
              patch={LZF: [4, 261, HUGE]}, note="LZF declaring a ~2 GiB chunk"),
        write("bad_huge_chunk", raw((1 << 20, 256), [(1, [4])], [((0, 0), zlib.compress(
            bytes(kernel_bytes)))], maxshape=(h5s.UNLIMITED, h5s.UNLIMITED)),
              note="a 1 GiB chunk shape for a 96-byte dataset"),
        write("bad_shuffle_zero", raw((6, 4), [(2, [4])], [((0, 0), bytes(kernel_bytes))]),
              patch={2: [0]}, note="shuffle with an element size of 0"),
        write("bad_bitshuffle_values", raw((6, 4), [(BITSHUFFLE, [0, 0])], [((0, 0),
            bytes(kernel_bytes))]), patch={BITSHUFFLE: [0, 4, 0, HUGE, 0]},
              note="bitshuffle with an element size of 0 and a ~2 GiB block"),
        write("bad_unknown_filter", raw((6, 4), [(40000, [])], [((0, 0), bytes(kernel_bytes))]),
              note="a filter id nobody registered"),
    ]
    index = json.dumps({"h5py": h5py.version.version, "hdf5": h5py.version.hdf5_version,
                        "hdf5plugin": hdf5plugin.version, "target": TARGET, "files": entries},
                       indent=1) + "\n"
    with zipfile.ZipFile(OUT, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("index.json", (1980, 1, 1, 0, 0, 0)), index,
                   zipfile.ZIP_DEFLATED)
        for e in entries:
            with open(os.path.join(TMP, e["file"]), "rb") as f:
                z.writestr(zipfile.ZipInfo(e["file"], (1980, 1, 1, 0, 0, 0)), f.read(),
                           zipfile.ZIP_DEFLATED)
    shutil.rmtree(TMP)
    for e in entries:
        print("%7d  %-28s %s %s" % (e["bytes"], e["file"], e["filters"], e["note"]))
    print("%7d  %s" % (os.path.getsize(OUT), OUT))


if __name__ == "__main__":
    main()
