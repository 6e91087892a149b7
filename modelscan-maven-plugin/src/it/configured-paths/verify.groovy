// Expected: only models/ was scanned (src/main/resources/logo.bin, which would fail the build, was not), the
// unscannable models/weights.bin was reported as a warning, the configuration reached the scan, and only the JSON
// report was written.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('failOnSeverity HIGH, mode QUICK') : 'the configured threshold and mode must reach the scan'
assert log.contains('modelscan: 2 file(s), 1 scanned')
assert log.contains('[WARNING] modelscan: 1 file(s) not completely scanned (failOnIncomplete=false')
assert log.contains('SKIPPED  models/weights.bin')
assert !log.contains('logo.bin') : 'resources must not be scanned when paths are configured'
assert new File(basedir, 'target/modelscan/modelscan.json').isFile()
assert !new File(basedir, 'target/modelscan/modelscan.sarif').exists()
return true
