/**
 * Scanners for the inert companions of models (images, PDF, SVG, CSV, JSON, Jupyter notebooks, YAML), recognised by
 * content and walked structurally to their end, so that a model folder with a logo or a plot scans complete, and so
 * that what hides after the end of an image (a pickle, a zip) is handed back to the engine and scanned. Not API: use
 * them through the scanner registry.
 */
package dev.modelscan.media;
