/**
 * The plain-text scanner: text members of model archives (vocabularies, licences, version files) that loaders read
 * as data.
 */
package dev.modelscan.core.text;
