package dev.modelscan.media;

import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;

/** The rules of the companion-file scanners. */
final class MediaRules {

  private MediaRules() {}

  /**
   * Bytes after the end of an image or document. Viewers stop at the end marker and never show them, which makes the
   * space after it a classic hiding place (a pickle or a zip appended to a PNG is still loadable by a loader that is
   * pointed at the file). The appended bytes are scanned as content of their own.
   */
  static final Rule APPENDED_DATA =
      Rule.of(
          "MEDIA-APPENDED-DATA",
          "Data after the end of an image or document",
          "Bytes follow the end marker of the image or document. Viewers ignore them; a loader pointed at the file may"
              + " not. The appended bytes were scanned as content of their own.",
          Severity.MEDIUM,
          ThreatType.DISGUISED_CONTENT);

  /** Script in an SVG image: runs when the image is opened in a browser or rendered in a notebook or model card. */
  static final Rule SVG_SCRIPT =
      Rule.of(
          "MEDIA-SVG-SCRIPT",
          "Script in an SVG image",
          "The SVG image carries script (a script element, an event handler attribute or a javascript: link). It runs"
              + " when the image is opened in a browser, a model card or a notebook.",
          Severity.HIGH,
          ThreatType.CODE_INJECTION);

  /** SVG/XML that declares external entities: files or URLs read by parsers that resolve them (XXE). */
  static final Rule XML_EXTERNAL_ENTITY =
      Rule.of(
          "MEDIA-XML-EXTERNAL-ENTITY",
          "External entity in XML",
          "The document declares an entity that refers to an external file or URL. XML parsers that resolve entities"
              + " read local files or reach the network when they parse it.",
          Severity.HIGH,
          ThreatType.FILE_ACCESS);

  /** PDF content that acts on opening: JavaScript, launch actions, embedded files. */
  static final Rule PDF_ACTIVE_CONTENT =
      Rule.of(
          "MEDIA-PDF-ACTIVE-CONTENT",
          "Active content in a PDF",
          "The PDF carries JavaScript, an action run on opening, a launch action or embedded files. None of it belongs"
              + " in documentation shipped with a model; embedded files are not extracted or scanned.",
          Severity.MEDIUM,
          ThreatType.CODE_INJECTION);

  /** YAML with Python tags: PyYAML's unsafe loaders import and call what they name. */
  static final Rule YAML_PYTHON_TAG =
      Rule.of(
          "MEDIA-YAML-PYTHON-TAG",
          "Python object tag in YAML",
          "The YAML carries a python/ tag (!!python/object/apply, !!python/name, ...). yaml.load with the unsafe or"
              + " (before PyYAML 5.4) full loader imports and calls what the tag names.",
          Severity.CRITICAL,
          ThreatType.DESERIALIZATION);

  /** Text that does not follow its declared structure (JSON that does not parse, CSV with an open quote). */
  static final Rule MALFORMED_TEXT =
      Rule.of(
          "MEDIA-MALFORMED-TEXT",
          "Structured text that does not parse",
          "The file looks like JSON, a notebook or CSV but does not parse as one. It was read as plain text; loaders"
              + " that parse it will fail or read it differently.",
          Severity.LOW,
          ThreatType.MALFORMED_CONTENT);
}
