/**
 * A bounded reader of the protobuf wire format, shared by the scanners of protobuf-based model formats.
 *
 * @since 0.1
 */
module dev.modelscan.protobuf {
  requires transitive dev.modelscan.api;

  exports dev.modelscan.protobuf;
}
