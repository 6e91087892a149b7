// Expected: the build FAILED because weights.bin (64 bytes 0x00..0x3F, a format no scanner knows) was not completely
// scanned, and failOnIncomplete is true by default.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('1 file(s) not completely scanned') : 'the failure must be about the incomplete file'
assert log.contains('SKIPPED  src/main/resources/weights.bin') : 'the failure message must name the file'
assert new File(basedir, 'target/modelscan/modelscan.json').text.contains('weights.bin')
return true
