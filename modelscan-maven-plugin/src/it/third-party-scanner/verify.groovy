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
return true
