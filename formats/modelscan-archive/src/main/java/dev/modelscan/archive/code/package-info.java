/**
 * What a model must not carry and what it may carry as plain data: native executables and scripts (ELF, PE, Mach-O,
 * shebang scripts), found wherever they are nested, and plain text (version files, vocabularies) that loaders read as
 * data and that is claimed only when no other scanner recognises it.
 */
package dev.modelscan.archive.code;
