package dev.lamina.keras;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.registry.LayerType;
import java.util.ArrayList;
import java.util.List;

/** One Keras layer of the file and what it became, filled in by each pass of the import. */
final class LayerSpec {
  final JsonObject json;
  final String className;
  final String name;
  final JsonObject config;
  /** Its nodes (calls) as the file writes them: Keras 3's objects, Keras 2's lists. */
  final List<Object> inbound;
  /**
   * Per Keras node (call) of the layer, in the file's node order, the call's outputs (one for
   * most layers; Keras's {@code tensor_index} picks among several); null while not replayed.
   */
  final List<List<SymbolicTensor<?>>> outputs = new ArrayList<>();
  String weightsGroup;
  /** A {@code KerasCall} layer's call options, from its first node; null until replayed. */
  java.util.Map<String, Object> callOptions;
  /**
   * Keras 3 records the ops its layers' {@code compute_mask} ran ({@code NotEqual}, {@code
   * LogicalOr}, ...) as layers of module {@code keras.src.ops.*} when a mask reaches a layer whose
   * call takes {@code mask=}; they make no layer: see {@code GraphReplay.checkRecordedMask}.
   */
  boolean maskOp;
  Layer layer;
  LayerType<?> type; // the registered type, for every layer but inputs and lambdas
  // Lambda only:
  String functionName;
  LambdaFactory factory;
  String boundBy;
  long[] declaredOutput; // Keras's output_shape as a per-sample list, or null
  /** Keras 2 only: the function's name could not be read from its code (bound by layer name). */
  boolean unreadableFunction;
  /** Keras 2 only: the layer's {@code batch_input_shape}, the input of a Sequential model. */
  dev.lamina.runtime.io.JsonArray batchInputShape;

  LayerSpec(JsonObject json, String className, String name, JsonObject config,
      List<Object> inbound) {
    this.json = json;
    this.className = className;
    this.name = name;
    this.config = config;
    this.inbound = inbound;
  }

  boolean isLambda() {
    return className.equals("Lambda");
  }

  /**
   * Keras's ops that its layers' {@code compute_mask} runs (Embedding, Masking, merges,
   * attention).
   */
  static final java.util.Set<String> MASK_OPS = java.util.Set.of("NotEqual", "Any",
      "LogicalOr", "LogicalAnd", "ConvertToTensor");

  boolean isInput() {
    return className.equals("InputLayer");
  }

  String describe() {
    if (isLambda()) {
      return "Lambda layer '" + name + "' (" + (functionName != null ? "function "
          + functionName : unreadableFunction ? "a Python function whose name its code does not "
          + "give" : "a Python lambda") + ")";
    }
    return "layer '" + name + "' (" + className + ")";
  }
}
