// Expected: -Dmodelscan.skip=true skipped the scan, so the unscannable file did not fail the build.
def log = new File(basedir, 'build.log').text
assert log.contains('modelscan: skipped')
assert !new File(basedir, 'target/modelscan').exists() : 'a skipped scan writes no reports'
return true
