package dev.lamina.spark;

import dev.lamina.runtime.LambdaLayer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.registry.LambdaFactory;
import dev.lamina.runtime.registry.LambdaRegistry;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What the driver knows about a model without running it: its inputs and outputs, and the
 * registry names of the {@code @Lambda} methods it needs (which every executor must find).
 */
final class ModelSignature implements Serializable {
  private static final long serialVersionUID = 1L;

  final List<TensorSpec> inputs;
  final List<TensorSpec> outputs;
  final List<String> lambdas;

  private ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs,
      List<String> lambdas) {
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.lambdas = List.copyOf(lambdas);
  }

  static ModelSignature of(Model model) {
    List<TensorSpec> inputs = specs(model.inputs(), "input");
    List<TensorSpec> outputs = specs(model.outputs(), "output");
    TreeSet<String> lambdas = new TreeSet<>();
    LambdaRegistry registry = null;
    for (Layer layer : model.layers()) {
      if (layer instanceof LambdaLayer lambda) {
        if (registry == null) {
          registry = LambdaRegistry.load();
        }
        lambdas.add(registryName(lambda, registry));
      }
    }
    return new ModelSignature(inputs, outputs, new ArrayList<>(lambdas));
  }

  /**
   * The signature as text, one line per input, output and lambda, e.g. {@code input float32 -1 64}
   * (per-sample sizes, -1 where open), for a saved pipeline stage.
   */
  String encode() {
    StringBuilder text = new StringBuilder("lamina-spark-signature 1\n");
    for (TensorSpec spec : inputs) {
      line(text, "input", spec);
    }
    for (TensorSpec spec : outputs) {
      line(text, "output", spec);
    }
    for (String lambda : lambdas) {
      text.append("lambda ").append(lambda).append('\n');
    }
    return text.toString();
  }

  private static void line(StringBuilder text, String role, TensorSpec spec) {
    text.append(role).append(' ').append(spec.kind.dtypeName);
    for (long dim : spec.dims()) {
      text.append(' ').append(dim);
    }
    text.append('\n');
  }

  /** Reads {@link #encode()}'s text; anything else is an {@code IllegalArgumentException}. */
  static ModelSignature decode(String text, String source) {
    String[] lines = text.split("\n");
    if (lines.length == 0 || !lines[0].equals("lamina-spark-signature 1")) {
      throw new IllegalArgumentException(source + ": not a Lamina stage signature (version 1)");
    }
    List<long[]> inDims = new ArrayList<>();
    List<ElementKind> inKinds = new ArrayList<>();
    List<long[]> outDims = new ArrayList<>();
    List<ElementKind> outKinds = new ArrayList<>();
    List<String> lambdas = new ArrayList<>();
    for (int n = 1; n < lines.length; n++) {
      String[] words = lines[n].split(" ");
      try {
        switch (words[0]) {
          case "input", "output" -> {
            ElementKind kind = null;
            for (ElementKind k : ElementKind.values()) {
              kind = k.dtypeName.equals(words[1]) ? k : kind;
            }
            if (kind == null) {
              throw new IllegalArgumentException("unknown dtype " + words[1]);
            }
            long[] dims = new long[words.length - 2];
            for (int i = 0; i < dims.length; i++) {
              dims[i] = Long.parseLong(words[i + 2]);
              if (dims[i] < -1) {
                throw new IllegalArgumentException("size " + dims[i]);
              }
            }
            (words[0].equals("input") ? inDims : outDims).add(dims);
            (words[0].equals("input") ? inKinds : outKinds).add(kind);
          }
          case "lambda" -> {
            if (words.length != 2) {
              throw new IllegalArgumentException("a lambda name has no spaces");
            }
            lambdas.add(words[1]);
          }
          default -> throw new IllegalArgumentException("unknown entry " + words[0]);
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(source + ":" + (n + 1) + ": " + e.getMessage(), e);
      }
    }
    if (inKinds.isEmpty() || outKinds.isEmpty()) {
      throw new IllegalArgumentException(source + ": a model has inputs and outputs");
    }
    return new ModelSignature(specs(inKinds, inDims, "input"), specs(outKinds, outDims, "output"),
        lambdas);
  }

  private static List<TensorSpec> specs(List<ElementKind> kinds, List<long[]> dims, String role) {
    List<TensorSpec> specs = new ArrayList<>();
    for (int i = 0; i < kinds.size(); i++) {
      specs.add(new TensorSpec(kinds.size() == 1 ? role : role + " " + i, kinds.get(i),
          dims.get(i)));
    }
    return specs;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ModelSignature that && inputs.equals(that.inputs)
        && outputs.equals(that.outputs) && lambdas.equals(that.lambdas);
  }

  @Override
  public int hashCode() {
    return inputs.hashCode() * 31 + outputs.hashCode() * 7 + lambdas.hashCode();
  }

  private static String registryName(LambdaLayer lambda, LambdaRegistry registry) {
    for (String name : registry.names()) {
      LambdaFactory factory = registry.find(name).orElseThrow();
      if (factory.signature() == lambda.signature()) {
        return name;
      }
    }
    throw new IllegalArgumentException(lambda.describe() + ": its lambda "
        + lambda.signature().function() + " is not in the lambda registry of this JVM's class "
        + "path, so executors could not find it either");
  }

  private static List<TensorSpec> specs(List<SymbolicTensor<?>> tensors, String role) {
    List<TensorSpec> specs = new ArrayList<>();
    for (int i = 0; i < tensors.size(); i++) {
      SymbolicTensor<?> tensor = tensors.get(i);
      String name = tensors.size() == 1 ? role : role + " " + i;
      ElementKind kind = ElementKind.of(tensor.dtype());
      if (kind == null) {
        throw new IllegalArgumentException("The model's " + name + " has dtype "
            + tensor.dtype().getSimpleName() + "; a Spark column carries float32, float64, int32, "
            + "int64 or bool");
      }
      long[] full = tensor.shape().asArray();
      if (full == null || full.length == 0) {
        throw new IllegalArgumentException("The model's " + name + " has no batch dimension "
            + "(shape " + tensor.shape() + "); rows are its samples, so it needs one");
      }
      long[] dims = new long[full.length - 1];
      System.arraycopy(full, 1, dims, 0, dims.length);
      specs.add(new TensorSpec(name, kind, dims));
    }
    return specs;
  }
}
