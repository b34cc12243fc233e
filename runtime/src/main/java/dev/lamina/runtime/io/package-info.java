/**
 * Reading and writing model files with nothing but the JDK: strict JSON ({@link
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
