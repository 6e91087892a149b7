// Copies the bundled clean HDF5 sample (samples/clean/weights.h5, made by samples/generate_samples.py) into the
// project's resources, so that the test needs no second copy of the fixture.
File root = basedir
while (root != null && !new File(root, 'samples/clean/weights.h5').isFile()) {
  root = root.parentFile
}
assert root != null : 'samples/clean/weights.h5 not found above ' + basedir
def models = new File(basedir, 'src/main/resources/models')
models.mkdirs()
new File(models, 'weights.h5').bytes = new File(root, 'samples/clean/weights.h5').bytes
return true
