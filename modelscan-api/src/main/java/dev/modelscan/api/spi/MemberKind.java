package dev.modelscan.api.spi;

/**
 * What a scanner knows about nested content it hands back to {@link ScanContext#scanMember}.
 *
 * @since 0.1
 */
public enum MemberKind {
  /**
   * Content a loader may interpret: it is dispatched by content, and if no scanner claims it the member is {@link
   * dev.modelscan.api.ScanStatus#SKIPPED}, which makes its parent partial.
   */
  CONTENT,
  /**
   * Raw data of a known layout that the loader never interprets as code (the tensor storages of a PyTorch checkpoint,
   * the array bytes of a NumPy file). It is still dispatched by content, so a pickle hidden there is found; if no
   * scanner claims it, it counts as completely scanned data.
   */
  OPAQUE_DATA
}
