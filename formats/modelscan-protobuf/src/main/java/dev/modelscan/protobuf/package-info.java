/**
 * {@link dev.modelscan.protobuf.ProtoReader}: the protobuf wire format, read within bounds, for scanners.
 *
 * @since 0.1
 */
package dev.modelscan.protobuf;
