/** Importing Keras 3 {@code .keras} files into Lamina models. */
package dev.lamina.keras;
