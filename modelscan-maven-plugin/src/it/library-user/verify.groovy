// Expected: the application compiled against modelscan-all alone, and the quick start, run on a folder with a
// malicious pickle and an unknown binary file, prints exactly what docs/embedding.md shows and exits 1 (UNSAFE).
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')

File root = basedir
while (root != null && !new File(root, 'docs/embedding.md').isFile()) {
  root = root.parentFile
}
assert root != null : 'docs/embedding.md not found above ' + basedir

// The folder of the guide's example: a pickle that calls os.system (the bundled sample) and bytes nobody knows.
def sub = new File(basedir, 'models/sub')
sub.mkdirs()
new File(sub, 'm.pkl').bytes = new File(root, 'samples/malicious/os_system.pkl').bytes
new File(basedir, 'models/blob.bin').bytes = [0x13, 0x37, 0, 1, 2, 3, 4, 5, 6, 7] as byte[]

def cp = new File(basedir, 'target/classes').path + File.pathSeparator + new File(basedir, 'target/classpath.txt').text.trim()
def java = new File(System.getProperty('java.home'), 'bin/java').path
def p = new ProcessBuilder(java, '-cp', cp, 'ScanModels', 'models').directory(basedir).redirectErrorStream(true).start()
def printed = p.inputStream.getText('UTF-8')
p.waitFor()
assert p.exitValue() == 1 : "exit ${p.exitValue()}, printed:\n${printed}"

// The block after <!-- output: library-user --> in the guide: the command line, then what it prints.
def lines = new File(root, 'docs/embedding.md').readLines('UTF-8')
int marker = lines.findIndexOf { it.contains('<!-- output: library-user -->') }
assert marker >= 0 : 'docs/embedding.md has no <!-- output: library-user --> block'
int start = lines.findIndexOf(marker + 1) { it.startsWith('```') }
int end = lines.findIndexOf(start + 1) { it.startsWith('```') }
def shown = lines.subList(start + 1, end)
assert shown[0] == '$ java -cp ... ScanModels models'
def expected = shown.drop(1).join('\n') + '\n'
assert printed.replace('\r\n', '\n') == expected : "the guide shows:\n${expected}\nthe program printed:\n${printed}"
return true
