// Expected: the build FAILED because the pickle scanner reported os.system as a CRITICAL finding, and the failure
// message lists it with its severity, rule and file.
//
// This needs the pickle scanner (modelscan-pickle) on the plugin's class path. Without it the build still fails, but
// only because model.pkl is not recognised (not completely scanned); that is not what this test is about, so it
// fails with a message that says so.
def log = new File(basedir, 'build.log').text
def scanners = log.readLines().find { it.contains('modelscan ') && it.contains(' with [') }
assert scanners != null : 'the plugin did not log its scanners; did it run?'
if (!(scanners =~ /\bpickle\b/)) {
  throw new AssertionError("EXPECTED TO FAIL UNTIL modelscan-pickle HAS ITS SCANNER: no 'pickle' scanner was loaded"
      + " (${scanners.trim()}), so model.pkl cannot be flagged as os.system")
}
assert log.contains('BUILD FAILURE')
assert log =~ /modelscan found \d+ finding\(s\) at or above MEDIUM/ : 'the failure must come from a finding'
def critical = log.readLines().find { it.contains('CRITICAL') && it.contains('src/main/resources/models/model.pkl') }
assert critical != null : 'no CRITICAL finding for src/main/resources/models/model.pkl in the failure message'
assert log.contains('system') : 'the failure message should name os.system'
assert new File(basedir, 'target/modelscan/modelscan.sarif').text.contains('model.pkl')
return true
