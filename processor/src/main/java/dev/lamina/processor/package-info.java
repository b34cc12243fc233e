/**
 * Internal: not part of Lamina's API; may change without notice. The annotation processor that
 * turns each {@code @Lambda} method into a layer class; it belongs on the compiler's processor
 * path ({@code annotationProcessorPaths}), not on a program's class path, and nothing here is
 * meant to be imported. What it promises is what it generates and the compile errors it reports,
 * both described in the README; the classes that do it may change in any release.
 */
package dev.lamina.processor;
