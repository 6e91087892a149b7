"""Regenerates many_layers.h5.gz: the weights layout of a Keras 2 legacy .h5 with 2,600 Dense layers, written by h5py.

Run with /usr/bin/python3 (h5py, numpy). A Keras model stores each layer's weights as model_weights/<layer>/<layer>/
kernel:0 and bias:0, so 2,600 layers are 10,401 HDF5 objects: more than the 10,000 archive members the object walk
was once bounded by, and far below maxHdf5Objects. Datasets are compact (their one value lives in the object header)
and the file is stored gzipped, because the uncompressed file is 2.3 MB of mostly identical object headers; the
tests decompress it. No payload: only the object count matters here.
"""
import gzip, os, shutil
import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
LAYERS = 2600

path = os.path.join(HERE, "many_layers.h5")
with h5py.File(path, "w", libver="latest") as f:
    f.attrs["keras_version"] = "2.11.0"
    f.attrs["backend"] = "tensorflow"
    weights = f.create_group("model_weights")
    for i in range(LAYERS):
        inner = weights.create_group("dense_%d" % i).create_group("dense_%d" % i)
        for name, shape in (("kernel:0", (1, 1)), ("bias:0", (1,))):
            plist = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
            plist.set_layout(h5py.h5d.COMPACT)
            h5py.h5d.create(inner.id, name.encode(), h5py.h5t.IEEE_F32LE, h5py.h5s.create_simple(shape), plist)
with open(path, "rb") as src, gzip.GzipFile(path + ".gz", "wb", compresslevel=9, mtime=0) as dst:
    shutil.copyfileobj(src, dst)
os.remove(path)
