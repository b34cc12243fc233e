/**
 * Internal: not part of Lamina's API; may change without notice. Lamina's own modules (the
 * runtime, {@code lamina-keras}) use it; user code should not import it, with the exceptions
 * below.
 *
 * <p>What is API here, and stays: {@link dev.lamina.runtime.io.ModelFormatException}, the one
 * exception every model file reader throws ({@code Model.load}, {@code Model.loadWeights},
 * {@code LayerType.fromConfig}, Keras import), which callers catch and custom layer types throw;
 * and the JSON values {@link dev.lamina.runtime.io.JsonObject}, {@link
 * dev.lamina.runtime.io.JsonArray} and {@link dev.lamina.runtime.io.JsonNumber} as far as they
 * appear in {@link dev.lamina.runtime.registry.LayerConfig}'s signatures, for custom layer types
 * with nested configurations. The parser, JSON paths and the zip archive classes are internal.
 * (These types live here for history; moving them would break users' imports.)
 *
 * <p>Reading and writing model files with nothing but the JDK: strict JSON ({@link
 * dev.lamina.runtime.io.Json}, {@link dev.lamina.runtime.io.JsonObject}, {@link
 * dev.lamina.runtime.io.JsonArray}, {@link dev.lamina.runtime.io.JsonNumber}) and zip archives
 * ({@link dev.lamina.runtime.io.ZipArchive}, {@link dev.lamina.runtime.io.ZipArchiveWriter}).
 *
 * <p>Every reader here treats its input as hostile: each has limits, checked before it allocates
 * what the input claims, and each reports bad content with one exception type, {@link
 * dev.lamina.runtime.io.ModelFormatException}, whose message says what is wrong and where (file
 * or zip entry, line and column or byte offset, JSON path). No other exception escapes a reader
 * for any input bytes, which a seeded fuzz test in the regular suite checks. Writers are
 * deterministic and fail with {@code IllegalArgumentException} on a value the format cannot hold,
 * since that is the program's fault, not the file's.
 */
package dev.lamina.runtime.io;
