package dev.lamina.keras;

import dev.lamina.runtime.LambdaLayer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.tensorflow.ndarray.Shape;

/**
 * The replay's checks of shapes: the shapes (and dtypes) Keras recorded against the ones Lamina
 * computes, the output_shape a Lambda declares against its Java layer (a note, or an error when
 * strict, once per layer, and nothing more downstream of it), and the size limit of a tensor.
 */
final class ShapeChecks {

  private final String fileName;
  private final KerasImportOptions options;
  private final Map<SymbolicTensor<?>, LayerSpec> producers = new IdentityHashMap<>();
  private final Set<SymbolicTensor<?>> tainted = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<LayerSpec> noted = Collections.newSetFromMap(new IdentityHashMap<>());

  ShapeChecks(String fileName, KerasImportOptions options) {
    this.fileName = fileName;
    this.options = options;
  }

  void checkSize(Shape shape, LayerSpec spec, JsonObject where) throws ModelFormatException {
    String problem = sizeProblem(shape);
    if (problem != null) {
      throw where.error((spec == null ? "" : spec.describe() + ": ") + problem);
    }
  }

  void checkSize(Shape shape, LayerSpec spec, JsonArray where) throws ModelFormatException {
    String problem = sizeProblem(shape);
    if (problem != null) {
      throw where.error((spec == null ? "" : spec.describe() + ": ") + problem);
    }
  }

  /** Too many values per sample, checked before a layer could size anything from the shape. */
  private String sizeProblem(Shape shape) {
    if (shape.isUnknown()) {
      return null;
    }
    long values = 1;
    for (int i = 1; i < shape.numDimensions(); i++) {
      long d = shape.get(i);
      if (d > 0) {
        values = Math.multiplyHigh(values, d) != 0 || values * d < 0 ? Long.MAX_VALUE
            : values * d;
      }
    }
    return values > options.maxTensorValues() ? "a tensor of shape " + Shapes.format(shape)
        + " has more than " + options.maxTensorValues() + " values per sample" : null;
  }

  /**
   * Records what a layer call made: its producer, whether it is downstream of a reported Lambda,
   * and a note when a Lambda's declared output_shape contradicts its Java layer's shape.
   */
  void applied(LayerSpec spec, SymbolicTensor<?> out, List<SymbolicTensor<?>> inputs)
      throws ModelFormatException {
    producers.put(out, spec);
    if (inputs.stream().anyMatch(tainted::contains)) {
      tainted.add(out);
    }
    if (spec.isLambda() && spec.declaredOutput != null) {
      Shape sample = Shapes.perSample(out.shape());
      if (!fits(spec.declaredOutput, sample.asArray())) {
        shapeNote(spec, "declares output_shape " + Shapes.format(spec.declaredOutput), out,
            inputs);
        tainted.add(out);
      }
    }
  }

  /** Compares a tensor Lamina computed with the shape (and dtype) Keras recorded for it. */
  void checkRecorded(SymbolicTensor<?> actual, long[] recorded, String dtype,
      LayerSpec consumer) throws ModelFormatException {
    if (tainted.contains(actual)) {
      return; // downstream of a Lambda whose declared shape Keras trusted: already reported
    }
    LayerSpec producer = producers.get(actual);
    boolean shapeOk = actual.shape().isUnknown() || fits(recorded, actual.shape().asArray());
    boolean dtypeOk = dtype == null || dtype.equals(Shapes.dtypeName(actual.dtype()));
    if (shapeOk && dtypeOk) {
      return;
    }
    if (producer != null && producer.isLambda() && dtypeOk) {
      shapeNote(producer, "made Keras record " + Shapes.format(recorded)
          + " as its output (from its output_shape)", actual, null);
      tainted.add(actual);
      return;
    }
    String what = producer == null ? "an input" : "the output of " + producer.describe();
    throw consumer.json.error(consumer.describe() + ": Keras recorded " + what + " as "
        + Shapes.format(recorded) + " " + dtype + ", but Lamina computes "
        + Shapes.format(actual.shape()) + " " + Shapes.dtypeName(actual.dtype())
        + " from the same configuration: the file is inconsistent");
  }

  private void shapeNote(LayerSpec lambda, String claim, SymbolicTensor<?> out,
      List<SymbolicTensor<?>> inputs) throws ModelFormatException {
    if (!noted.add(lambda)) {
      return;
    }
    LambdaLayer layer = (LambdaLayer) lambda.layer;
    String text = fileName + ": " + lambda.describe() + " " + claim + ", but its Java layer "
        + layer.typeName() + " (" + layer.signature().function() + ") gives "
        + Shapes.format(Shapes.perSample(out.shape())) + " per sample, checked against its ops"
        + " (output " + Shapes.format(out.shape())
        + (inputs == null ? "" : " for input " + formatShapes(inputs)) + ").";
    if (options.strictOutputShapes()) {
      throw lambda.config.error("output_shape", text
          + " Keras never checks output_shape; the strict option makes this an error.");
    }
    options.note(text + " Keras never checks output_shape; Lamina uses the Java layer's shape"
        + " and the model computes what Keras computes.");
  }

  /** Same rank, and every size both know is equal. */
  private static boolean fits(long[] want, long[] actual) {
    if (want.length != actual.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      if (want[i] != Shape.UNKNOWN_SIZE && actual[i] != Shape.UNKNOWN_SIZE
          && want[i] != actual[i]) {
        return false;
      }
    }
    return true;
  }

  static String formatShapes(List<SymbolicTensor<?>> tensors) {
    StringJoiner joined = new StringJoiner(", ");
    tensors.forEach(t -> joined.add(Shapes.format(t.shape())));
    return joined.toString();
  }
}
