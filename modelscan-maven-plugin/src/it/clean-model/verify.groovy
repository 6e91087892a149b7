// Expected: the scan ran over src/main/resources, found nothing, and wrote both reports.
def log = new File(basedir, 'build.log').text
assert log.contains('modelscan: 2 file(s), 2 scanned, 0 finding(s), verdict CLEAN') : 'expected a clean scan of 2 files'
def sarif = new File(basedir, 'target/modelscan/modelscan.sarif')
def json = new File(basedir, 'target/modelscan/modelscan.json')
assert sarif.isFile() : "no SARIF report at ${sarif}"
assert json.isFile() : "no JSON report at ${json}"
assert sarif.text.contains('"2.1.0"')
assert json.text.contains('config.txt')
return true
