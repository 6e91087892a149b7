// Expected: the HDF5 file was scanned (complete, clean) and jHDF, which logs every file and group it reads at info
// level through SLF4J (Maven's logger, in a build), added no line to the build log.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('modelscan: 1 file(s), 1 scanned, 0 finding(s), verdict CLEAN') : 'the HDF5 file must be scanned'
assert !log.contains('jHDF version') : 'jHDF logged at info level into the build log'
assert !log.contains('Lazy loading children') : 'jHDF logged at info level into the build log'
assert !log.contains('Reading HDF5 file') : 'jHDF logged at info level into the build log'
return true
