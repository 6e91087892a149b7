// Expected: the scan ran over src/main/resources, found nothing, and wrote both reports.
def log = new File(basedir, 'build.log').text
// Both files are text: seen and clean, but no model, so the verdict is NOTHING_SCANNED (the CLI's exit 3); the build
// passes because nothing reached the threshold and nothing is incomplete.
assert log.contains('modelscan: 2 file(s), 2 scanned, 0 finding(s), verdict NOTHING_SCANNED') : 'expected 2 text files'
assert log.contains('BUILD SUCCESS')
def sarif = new File(basedir, 'target/modelscan/modelscan.sarif')
def json = new File(basedir, 'target/modelscan/modelscan.json')
assert sarif.isFile() : "no SARIF report at ${sarif}"
assert json.isFile() : "no JSON report at ${json}"
assert sarif.text.contains('"2.1.0"')
assert json.text.contains('config.txt')
return true
