package dev.lamina.runtime;

import dev.lamina.runtime.serving.ServingSignature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.TensorFlow;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.VariableDef;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Writes a model as a TensorFlow SavedModel, for TensorFlow Serving and Python's
 * {@code tf.saved_model.load}: the inference pass in a graph of its own, the weights' current
 * values as variables, and a {@code serving_default} signature keyed by the model's input and
 * output names.
 *
 * <p>Why a graph of its own: the model's graph also holds, once compiled, the training and
 * evaluation passes and the optimizer's variables, which serving has no use for. The export
 * builds the model's inference pass again, exactly as {@code predict} runs it (the same
 * {@link Executor}, so the same ops), pushes the layers' current values into it (first handing
 * back any values a training session holds), and saves that.
 *
 * <p>Why not TensorFlow Java's {@code SavedModelBundle.exporter}: it saves variables through
 * {@code Graph.saverDef()}, which collects only reference variables ({@code VariableV2}), so it
 * would silently leave out Lamina's weights, which are resource variables ({@code VarHandleOp});
 * and it finds a saver added by hand only under fixed op names ({@code save/restore_all}...),
 * which a layer named {@code save} could displace. So the export adds the saver that TensorFlow's
 * {@code tf.compat.v1.train.Saver} would (a {@code SaveV2} of every variable's read, a
 * {@code RestoreV2} assigning each one), runs it to write {@code variables/}, and writes
 * {@code saved_model.pb} itself, with that saver's real op names in its {@code SaverDef}.
 * TensorFlow Java's {@code SavedModelBundle.load}, Python's loader and TensorFlow Serving all
 * restore the variables through that {@code SaverDef}.
 *
 * <p>The graph follows the conventions of TensorFlow's own TF1 writers closely enough for its
 * MLIR importer, and so for TensorFlow Lite's converter and tf2onnx: each variable's
 * {@code shared_name} is its node name (see {@link Executor}), the {@code variables} collection
 * and the saver name tensors that exist. The tests check every export for this from the written
 * {@code saved_model.pb}; {@code tools/check_savedmodel.py} converts them and runs them.
 */
final class SavedModelExport {

  /** The tag TensorFlow Serving loads by default. */
  static final String TAG = SavedModelBundle.DEFAULT_TAG;
  /** The signature TensorFlow Serving and Python's loader call by default. */
  static final String SIGNATURE_KEY = Signature.DEFAULT_KEY;
  /** The method name of TensorFlow's predict signatures, which TF Serving's Predict API serves. */
  static final String PREDICT_METHOD = "tensorflow/serving/predict";

  private SavedModelExport() {}

  /**
   * Exports the model of {@code topology} to {@code directory}, all or nothing.
   *
   * @throws java.nio.file.FileAlreadyExistsException if {@code directory} exists and is not an
   *     empty directory; nothing is written
   * @throws IOException if the directory cannot be written; nothing is left behind
   */
  static ServingSignature write(Topology topology, Path directory) throws IOException {
    ExportDirectory.write(directory, temp -> export(topology, temp));
    return new ServingSignature(TAG, SIGNATURE_KEY, inputKeys(topology), outputKeys(topology));
  }

  /** The ops that save and restore the variables, and their {@code SaverDef}. */
  private record Saver(Placeholder<TString> filename, Op save, SaverDef def) {}

  /** Writes the SavedModel's files into {@code temp}, an empty directory. */
  private static void export(Topology topology, Path temp) throws IOException {
    try (Executor serving = Executor.build(topology, null)) {
      serving.syncWeights();
      Saver saver = addSaver(serving);
      SignatureDef signature = signature(serving, topology);
      Path variables = Files.createDirectory(temp.resolve("variables"));
      if (!serving.variables().isEmpty()) {
        // SaveV2 writes variables/variables.index and .data-00000-of-00001.
        try (TString prefix = TString.scalarOf(variables.resolve("variables").toString())) {
          serving.session().runner().feed(saver.filename(), prefix).addTarget(saver.save()).run()
              .close();
        }
      }
      MetaGraphDef.Builder metaGraph = MetaGraphDef.newBuilder()
          .setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder()
              .addTags(TAG)
              .setTensorflowVersion(TensorFlow.version()))
          .setGraphDef(serving.graph().toGraphDef())
          .setSaverDef(saver.def())
          .putSignatureDef(SIGNATURE_KEY, signature);
      addVariableCollections(metaGraph, serving);
      SavedModel savedModel = SavedModel.newBuilder()
          .setSavedModelSchemaVersion(1)
          .addMetaGraphs(metaGraph)
          .build();
      try (OutputStream out = Files.newOutputStream(temp.resolve("saved_model.pb"),
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        savedModel.writeTo(out);
      }
    } catch (TensorFlowException e) {
      throw new IOException("TensorFlow could not write the SavedModel's variables to " + temp
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * TensorFlow 1's {@code variables} and {@code trainable_variables} collections, which loaders
   * that make variable objects read (Python's {@code tf.saved_model.load} lists them in
   * {@code loaded.variables}); TensorFlow Serving and TensorFlow Java need only the saver.
   */
  private static void addVariableCollections(MetaGraphDef.Builder metaGraph, Executor serving) {
    CollectionDef.BytesList.Builder all = CollectionDef.BytesList.newBuilder();
    CollectionDef.BytesList.Builder trainable = CollectionDef.BytesList.newBuilder();
    for (Executor.Variable variable : serving.variables().values()) {
      VariableDef def = VariableDef.newBuilder()
          .setVariableName(variable.handle().asOutput().name())
          .setInitializerName(variable.assign().op().name())
          .setSnapshotName(variable.read().asOutput().name())
          .setIsResource(true)
          .setTrainable(variable.weight().trainable())
          .build();
      all.addValue(def.toByteString());
      if (variable.weight().trainable()) {
        trainable.addValue(def.toByteString());
      }
    }
    if (all.getValueCount() > 0) {
      metaGraph.putCollectionDef("variables", CollectionDef.newBuilder().setBytesList(all).build());
    }
    if (trainable.getValueCount() > 0) {
      metaGraph.putCollectionDef("trainable_variables",
          CollectionDef.newBuilder().setBytesList(trainable).build());
    }
  }

  /** {@code serving_default}: each input's placeholder and each output, by layer name. */
  static SignatureDef signature(Executor serving, Topology topology) {
    SignatureDef.Builder builder = SignatureDef.newBuilder().setMethodName(PREDICT_METHOD);
    List<String> inputs = inputKeys(topology);
    for (int i = 0; i < inputs.size(); i++) {
      builder.putInputs(inputs.get(i), tensorInfo(serving.feeds().get(i).asOutput()));
    }
    List<String> outputs = outputKeys(topology);
    List<Operand<?>> operands = serving.outputs();
    // One tensor per output, named by its key: a tensor listed as two outputs is fetched once
    // per key (TensorFlow Java's SessionFunction cannot fetch one tensor twice), and the graph
    // says which tensor serves which output.
    Ops named = serving.ops().withSubScope(SIGNATURE_KEY);
    for (int j = 0; j < outputs.size(); j++) {
      Operand<?> output = named.withName(outputs.get(j)).identity(operands.get(j));
      builder.putOutputs(outputs.get(j), tensorInfo(output.asOutput()));
    }
    return builder.build();
  }

  /** A tensor's name, dtype and shape, unknown dimensions as -1. */
  private static TensorInfo tensorInfo(Output<?> output) {
    Shape shape = output.shape();
    TensorShapeProto.Builder proto = TensorShapeProto.newBuilder();
    if (shape.isUnknown()) {
      proto.setUnknownRank(true);
    } else {
      for (long size : shape.asArray()) {
        proto.addDim(TensorShapeProto.Dim.newBuilder().setSize(size));
      }
    }
    return TensorInfo.newBuilder()
        .setName(output.name())
        .setDtype(output.dataType())
        .setTensorShape(proto)
        .build();
  }

  /** The signature's input keys: each input's name in the model (unique, as every layer's). */
  static List<String> inputKeys(Topology topology) {
    List<String> keys = new ArrayList<>();
    topology.inputs().forEach(input -> keys.add(topology.names().get(input.producer().layer())));
    return keys;
  }

  /**
   * The signature's output keys: each output's layer name in the model. A layer that gives
   * several outputs (listed twice, or called twice) keys the first by its name and the next ones
   * {@code name_1}, {@code name_2}..., skipping names already used.
   */
  static List<String> outputKeys(Topology topology) {
    Set<String> used = new HashSet<>();
    List<String> keys = new ArrayList<>();
    for (SymbolicTensor<?> output : topology.outputs()) {
      String name = topology.names().get(output.producer().layer());
      String key = name;
      for (int n = 1; used.contains(key); n++) {
        key = name + "_" + n;
      }
      used.add(key);
      keys.add(key);
    }
    return keys;
  }

  /**
   * Adds the saver ops for the executor's resource variables, each saved under the key
   * {@code <layer name>/<weight name>} (e.g. {@code dense/kernel}), as Keras names its weights.
   */
  private static Saver addSaver(Executor serving) {
    Ops save = serving.ops().withSubScope("save");
    Placeholder<TString> filename = save.withName("filename")
        .placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    Map<Weight, Executor.Variable> variables = serving.variables();
    Op saveAll;
    Op restoreAll;
    if (variables.isEmpty()) {
      // Nothing to save: what tf.compat.v1.train.Saver and TensorFlow Java add for no variables.
      saveAll = save.withName("control_dependency").identity(filename);
      restoreAll = save.withName("restore_all").noOp();
    } else {
      Map<Layer, String> names = serving.topology().names();
      String[] keys = new String[variables.size()];
      List<Operand<?>> reads = new ArrayList<>();
      List<Class<? extends TType>> types = new ArrayList<>();
      int index = 0;
      for (Executor.Variable variable : variables.values()) {
        Weight weight = variable.weight();
        keys[index++] = names.get(weight.layer()) + "/" + weight.name();
        reads.add(variable.read());
        types.add(variable.read().type());
      }
      Operand<TString> tensorNames = save.withName("tensor_names")
          .constant(NdArrays.vectorOfObjects(keys));
      String[] wholeTensors = new String[keys.length];
      Arrays.fill(wholeTensors, "");
      Operand<TString> slices = save.withName("shape_and_slices")
          .constant(NdArrays.vectorOfObjects(wholeTensors));
      Op written = save.train.save(filename, tensorNames, slices, reads);
      saveAll = save.withControlDependencies(List.of(written)).withName("control_dependency")
          .identity(filename);
      Restore restore = save.train.restore(filename, tensorNames, slices, types);
      List<Op> assigns = new ArrayList<>();
      index = 0;
      for (Executor.Variable variable : variables.values()) {
        assigns.add(save.withName("assign" + index)
            .assignVariableOp(variable.handle(), restore.tensors().get(index)));
        index++;
      }
      restoreAll = save.withControlDependencies(assigns).withName("restore_all").noOp();
    }
    SaverDef def = SaverDef.newBuilder()
        .setFilenameTensorName(filename.asOutput().name())
        .setSaveTensorName(saveAll.op().output(0).name())
        .setRestoreOpName(restoreAll.op().name())
        .setVersion(SaverDef.CheckpointFormatVersion.V2)
        .build();
    return new Saver(filename, saveAll, def);
  }
}
