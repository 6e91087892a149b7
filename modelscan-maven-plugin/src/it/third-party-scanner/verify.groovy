// Expected: the build FAILED because the toy-model scanner, found in its own jar in the plugin's dependencies with
// no configuration, reported the exec line of agent.toym as CRITICAL; the message lists severity, rule, file and
// offset.
def log = new File(basedir, 'build.log').text
def scanners = log.readLines().find { it.contains('modelscan ') && it.contains(' with [') }
assert scanners != null && scanners.contains('toy-model') : "the toy-model scanner was not discovered: ${scanners}"
assert log.contains('BUILD FAILURE')
assert log.contains('1 finding(s) at or above MEDIUM')
assert log.contains('CRITICAL  TOY-EXEC  src/main/resources/models/agent.toym @21  exec')
assert log.contains("Loading this file runs the shell command 'echo pwned'.")

// docs/embedding.md shows this build's log (<!-- output: third-party-scanner -->): every line it shows is a line of
// the log, in order, where '...' stands for any text.
File root = basedir
while (root != null && !new File(root, 'docs/embedding.md').isFile()) {
  root = root.parentFile
}
assert root != null : 'docs/embedding.md not found above ' + basedir
def doc = new File(root, 'docs/embedding.md').readLines('UTF-8')
int marker = doc.findIndexOf { it.contains('<!-- output: third-party-scanner -->') }
assert marker >= 0 : 'docs/embedding.md has no <!-- output: third-party-scanner --> block'
int start = doc.findIndexOf(marker + 1) { it.startsWith('```') }
int end = doc.findIndexOf(start + 1) { it.startsWith('```') }
def logLines = log.readLines()
int at = 0
for (String shown : doc.subList(start + 1, end)) {
  def pattern = shown.split(/\.\.\./, -1).collect { java.util.regex.Pattern.quote(it) }.join('.*')
  int found = logLines.findIndexOf(at) { it ==~ pattern }
  assert found >= 0 : "docs/embedding.md shows a log line the build did not print (in this order):\n${shown}"
  at = found + 1
}
return true
