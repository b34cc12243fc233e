package dev.lamina.runtime.serving;

import java.util.List;
import java.util.Objects;

/**
 * What {@code Model.exportSavedModel} wrote: the tag and signature to ask for, and the names of
 * the signature's inputs and outputs, in the model's order. These are the keys of a TensorFlow
 * Serving request's {@code instances} objects and of its {@code predictions}, and the keyword
 * arguments and result keys of Python's {@code loaded.signatures["serving_default"]}.
 *
 * @param tag the MetaGraph's tag, {@code serve}
 * @param key the signature's key, {@code serving_default}
 * @param inputs the input keys: each input layer's name in the model
 * @param outputs the output keys: each output layer's name in the model; a layer giving several
 *     outputs keys the later ones {@code name_1}, {@code name_2}...
 */
public record ServingSignature(String tag, String key, List<String> inputs, List<String> outputs) {

  public ServingSignature {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(key, "key");
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }
}
