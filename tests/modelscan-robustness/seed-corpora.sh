#!/bin/sh
# Copies the small committed fixtures of the scanner modules into Jazzer's seed directories
# (src/test/resources/dev/modelscan/robustness/fuzz/<TestClass>Inputs/<method>/), which `mvn verify` replays and
# from which JAZZER_FUZZ=1 starts. Re-run after a scanner module adds fixtures; commit the result.
# Crashing inputs found by fuzzing are committed into the same directories by hand (named crash-*), not by this script.
set -eu
cd "$(dirname "$0")"
R=src/test/resources/dev/modelscan/robustness/fuzz

seed() {
  target="$R/$1"; module="../$2"; shift 2
  [ -d "$module/src/test/resources" ] || return 0
  mkdir -p "$target"
  find "$module/src/test/resources" -type f \( "$@" \) -size -32k | sort | while read -r f; do
    rel=${f#"$module/src/test/resources/"}
    cp "$f" "$target/fixture-$(echo "$rel" | tr '/' '_')"
  done
}

seed PickleFuzzTestInputs/pickle modelscan-pickle -name '*.pkl' -o -name '*.pickle' -o -name '*.joblib' -o -name '*.dill' -o -name '*.p'
seed PickleFuzzTestInputs/numpy modelscan-pickle -name '*.npy'
seed ArchiveFuzzTestInputs/zip modelscan-core -name '*.zip' -o -name '*.pt' -o -name '*.npz' -o -name '*.keras' -o -name '*.pth'
seed ArchiveFuzzTestInputs/tar modelscan-core -name '*.tar' -o -name '*.tgz'
seed ArchiveFuzzTestInputs/sevenZip modelscan-core -name '*.7z'
seed ArchiveFuzzTestInputs/compressedStream modelscan-core -name '*.gz' -o -name '*.bz2' -o -name '*.xz' -o -name '*.lzma' -o -name '*.zst'
seed ArchiveFuzzTestInputs/executable modelscan-core -name '*.exe' -o -name '*.elf' -o -name '*.so' -o -name '*.dll'
seed SafetensorsFuzzTestInputs/safetensors modelscan-safetensors -name '*.safetensors'
seed SafetensorsFuzzTestInputs/safetensorsIndex modelscan-safetensors -name '*.index.json'
seed H5FuzzTestInputs/hdf5 modelscan-h5 -name '*.h5' -o -name '*.hdf5'
seed H5FuzzTestInputs/kerasConfig modelscan-h5 -name '*.json'
seed FormatsFuzzTestInputs/onnx modelscan-onnx -name '*.onnx'
seed FormatsFuzzTestInputs/gguf modelscan-gguf -name '*.gguf'
seed FormatsFuzzTestInputs/tflite modelscan-tensorflow -name '*.tflite'
seed FormatsFuzzTestInputs/tfSavedModel modelscan-tensorflow -name '*saved_model*.pb'
seed FormatsFuzzTestInputs/tfKerasMetadata modelscan-tensorflow -name '*keras_metadata*.pb'
seed FormatsFuzzTestInputs/sentencepiece modelscan-tokenizers -name '*.model'
seed FormatsFuzzTestInputs/flaxMsgpack modelscan-flax -name '*.msgpack'
seed FormatsFuzzTestInputs/jinjaTemplate modelscan-tokenizers -name '*.jinja' -o -name '*.j2' -o -name '*.jinja2' -o -name '*.template'
seed MediaFuzzTestInputs/png modelscan-media -name '*.png'
seed MediaFuzzTestInputs/jpeg modelscan-media -name '*.jpg' -o -name '*.mpo'
seed MediaFuzzTestInputs/gif modelscan-media -name '*.gif'
seed MediaFuzzTestInputs/riff modelscan-media -name '*.webp'
seed MediaFuzzTestInputs/bmp modelscan-media -name '*.bmp'
seed MediaFuzzTestInputs/tiff modelscan-media -name '*.tiff'
seed MediaFuzzTestInputs/pdf modelscan-media -name '*.pdf'
seed MediaFuzzTestInputs/svg modelscan-media -name '*.svg'
seed MediaFuzzTestInputs/csv modelscan-media -name '*.csv'
seed MediaFuzzTestInputs/json modelscan-media -name '*.ipynb'
seed MediaFuzzTestInputs/yaml modelscan-media -name '*.yaml'
for m in modelscan-pickle modelscan-core modelscan-safetensors modelscan-h5 modelscan-onnx modelscan-gguf modelscan-tensorflow \
    modelscan-tokenizers modelscan-flax modelscan-media; do
  seed EngineFuzzTestInputs/engine "$m" -size -4k ! -name '*.py' ! -name '*.properties' ! -name '*.txt' ! -path '*META-INF*'
done
