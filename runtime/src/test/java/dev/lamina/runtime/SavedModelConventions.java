package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.VariableDef;

/**
 * Reads an export's {@code saved_model.pb} from disk and lists where it departs from the
 * conventions TensorFlow's own TF1 writers ({@code tf.compat.v1.saved_model.Builder} with a
 * {@code tf.compat.v1.train.Saver}) follow and TensorFlow's tools rely on: TensorFlow Lite's
 * converter (its MLIR importer looks each variable up by its {@code shared_name} as a node
 * name, then fetches it), tf2onnx, {@code tf.saved_model.load} and TensorFlow Serving.
 *
 * <p>Shared by the runtime's and the samples' export tests (the samples get it through the
 * runtime's test jar). The rules are written from TensorFlow's protos and its Python writers,
 * not from {@code SavedModelExport}: each names what it found.
 */
public final class SavedModelConventions {

  private SavedModelConventions() {}

  /** Fails with every departure found in {@code export}'s {@code saved_model.pb}. */
  public static void assertFollowed(Path export) throws IOException {
    assertEquals(List.of(), violations(export), export + " breaks TensorFlow's conventions");
  }

  /** Every departure from the conventions in {@code export}; empty when it follows them all. */
  public static List<String> violations(Path export) throws IOException {
    SavedModel savedModel;
    try {
      savedModel = SavedModel.parseFrom(Files.readAllBytes(export.resolve("saved_model.pb")));
    } catch (InvalidProtocolBufferException e) {
      return List.of("saved_model.pb is not a SavedModel proto: " + e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    if (savedModel.getMetaGraphsCount() != 1) {
      problems.add(savedModel.getMetaGraphsCount() + " meta graphs, want 1");
      return problems;
    }
    MetaGraphDef metaGraph = savedModel.getMetaGraphs(0);
    if (!metaGraph.getMetaInfoDef().getTagsList().contains("serve")) {
      problems.add("tags " + metaGraph.getMetaInfoDef().getTagsList() + " lack serve");
    }

    Map<String, NodeDef> nodes = new HashMap<>();
    for (NodeDef node : metaGraph.getGraphDef().getNodeList()) {
      if (nodes.put(node.getName(), node) != null) {
        problems.add("two nodes named " + node.getName());
      }
    }
    for (NodeDef node : nodes.values()) {
      for (String input : node.getInputList()) {
        String name = nodeOf(input);
        if (!nodes.containsKey(name)) {
          problems.add("node " + node.getName() + " has input " + input + ": no such node");
        }
      }
    }

    // Resource variables: shared_name is the node's own name (TensorFlow Lite's converter
    // fetches "<shared_name>:0"), and the names are unique.
    Set<String> handles = new LinkedHashSet<>();
    Set<String> sharedNames = new HashSet<>();
    for (NodeDef node : metaGraph.getGraphDef().getNodeList()) {
      if (!node.getOp().equals("VarHandleOp")) {
        continue;
      }
      handles.add(node.getName());
      AttrValue shared = node.getAttrMap().get("shared_name");
      String sharedName = shared == null ? "" : shared.getS().toStringUtf8();
      if (!sharedName.equals(node.getName())) {
        problems.add("VarHandleOp " + node.getName() + " has shared_name '" + sharedName
            + "', not its node name");
      }
      if (!sharedNames.add(sharedName)) {
        problems.add("shared_name '" + sharedName + "' used twice");
      }
      if (!node.getAttrMap().containsKey("dtype") || !node.getAttrMap().containsKey("shape")) {
        problems.add("VarHandleOp " + node.getName() + " lacks its dtype or shape attr");
      }
    }

    // The variables collection lists every variable once, by tensors that exist.
    Set<String> listed = new LinkedHashSet<>();
    Set<String> trainable = new LinkedHashSet<>();
    problems.addAll(variableDefs(metaGraph, "variables", nodes, listed));
    problems.addAll(variableDefs(metaGraph, "trainable_variables", nodes, trainable));
    if (!listed.equals(handles)) {
      problems.add("variables collection lists " + listed + ", the graph's variables are "
          + handles);
    }
    if (!listed.containsAll(trainable)) {
      problems.add("trainable_variables " + trainable + " not all in variables " + listed);
    }

    problems.addAll(saver(metaGraph, nodes, handles));
    problems.addAll(signature(metaGraph, nodes));
    return problems;
  }

  /** The node of a tensor name ({@code node:0}) or an input ({@code ^node}, {@code node:1}). */
  private static String nodeOf(String tensor) {
    String name = tensor.startsWith("^") ? tensor.substring(1) : tensor;
    int colon = name.lastIndexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }

  /** Whether {@code tensor} is {@code node:index} of an existing node (index 0 unless said). */
  private static boolean isTensor(String tensor, Map<String, NodeDef> nodes) {
    return tensor.matches(".+:\\d+") && nodes.containsKey(nodeOf(tensor));
  }

  private static List<String> variableDefs(MetaGraphDef metaGraph, String key,
      Map<String, NodeDef> nodes, Set<String> handles) {
    List<String> problems = new ArrayList<>();
    CollectionDef collection = metaGraph.getCollectionDefMap().get(key);
    if (collection == null) {
      return problems;
    }
    for (var bytes : collection.getBytesList().getValueList()) {
      VariableDef def;
      try {
        def = VariableDef.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        problems.add(key + ": an entry is not a VariableDef");
        continue;
      }
      String variable = def.getVariableName();
      if (!variable.endsWith(":0") || !nodes.containsKey(nodeOf(variable))
          || !nodes.get(nodeOf(variable)).getOp().equals("VarHandleOp")) {
        problems.add(key + ": variable_name " + variable + " is not a VarHandleOp's output 0");
      } else if (!handles.add(nodeOf(variable))) {
        problems.add(key + ": " + variable + " listed twice");
      }
      if (!def.getIsResource()) {
        problems.add(key + ": " + variable + " not marked is_resource");
      }
      if (!nodes.containsKey(def.getInitializerName())) {
        problems.add(key + ": " + variable + "'s initializer " + def.getInitializerName()
            + " is not a node");
      }
      if (!isTensor(def.getSnapshotName(), nodes)
          || !nodes.get(nodeOf(def.getSnapshotName())).getOp().equals("ReadVariableOp")
          || !nodes.get(nodeOf(def.getSnapshotName())).getInput(0).equals(nodeOf(variable))) {
        problems.add(key + ": " + variable + "'s snapshot " + def.getSnapshotName()
            + " is not a read of it");
      }
    }
    return problems;
  }

  /**
   * The saver: its filename, save and restore names exist, and the restore op assigns every
   * variable, each from a {@code RestoreV2} output.
   */
  private static List<String> saver(MetaGraphDef metaGraph, Map<String, NodeDef> nodes,
      Set<String> handles) {
    List<String> problems = new ArrayList<>();
    if (!metaGraph.hasSaverDef()) {
      if (!handles.isEmpty()) {
        problems.add("no saver_def, but variables " + handles);
      }
      return problems;
    }
    SaverDef saver = metaGraph.getSaverDef();
    if (!isTensor(saver.getFilenameTensorName(), nodes)) {
      problems.add("saver filename tensor " + saver.getFilenameTensorName() + " does not exist");
    } else {
      AttrValue dtype = nodes.get(nodeOf(saver.getFilenameTensorName())).getAttrMap()
          .get("dtype");
      if (dtype == null || dtype.getType() != DataType.DT_STRING) {
        problems.add("saver filename tensor " + saver.getFilenameTensorName()
            + " is not a string placeholder");
      }
    }
    if (!isTensor(saver.getSaveTensorName(), nodes)) {
      problems.add("saver save tensor " + saver.getSaveTensorName() + " does not exist");
    }
    if (!nodes.containsKey(saver.getRestoreOpName())) {
      problems.add("saver restore op " + saver.getRestoreOpName() + " does not exist");
      return problems;
    }
    if (saver.getVersion() != SaverDef.CheckpointFormatVersion.V2) {
      problems.add("saver version " + saver.getVersion() + ", want V2");
    }
    // Every node the restore op depends on, by data or control input.
    Set<String> reached = new HashSet<>();
    Deque<String> queue = new ArrayDeque<>(List.of(saver.getRestoreOpName()));
    while (!queue.isEmpty()) {
      String name = queue.pop();
      NodeDef node = nodes.get(name);
      if (node != null && reached.add(name)) {
        node.getInputList().forEach(input -> queue.push(nodeOf(input)));
      }
    }
    Set<String> restored = new HashSet<>();
    for (String name : reached) {
      NodeDef node = nodes.get(name);
      if (node.getOp().equals("AssignVariableOp") && node.getInputCount() >= 2
          && nodes.containsKey(nodeOf(node.getInput(1)))
          && nodes.get(nodeOf(node.getInput(1))).getOp().equals("RestoreV2")) {
        restored.add(nodeOf(node.getInput(0)));
      }
    }
    if (!restored.equals(handles)) {
      problems.add("restore op " + saver.getRestoreOpName() + " restores " + restored
          + ", the graph's variables are " + handles);
    }
    return problems;
  }

  /** serving_default: a predict signature whose tensors exist, inputs being placeholders. */
  private static List<String> signature(MetaGraphDef metaGraph, Map<String, NodeDef> nodes) {
    List<String> problems = new ArrayList<>();
    SignatureDef signature = metaGraph.getSignatureDefMap().get("serving_default");
    if (signature == null) {
      problems.add("no serving_default signature");
      return problems;
    }
    if (!signature.getMethodName().equals("tensorflow/serving/predict")) {
      problems.add("serving_default method " + signature.getMethodName());
    }
    if (signature.getInputsCount() == 0 || signature.getOutputsCount() == 0) {
      problems.add("serving_default has no inputs or no outputs");
    }
    for (Map.Entry<String, TensorInfo> input : signature.getInputsMap().entrySet()) {
      String tensor = input.getValue().getName();
      if (!isTensor(tensor, nodes)) {
        problems.add("input " + input.getKey() + ": tensor " + tensor + " does not exist");
        continue;
      }
      NodeDef node = nodes.get(nodeOf(tensor));
      AttrValue dtype = node.getAttrMap().get("dtype");
      if (!node.getOp().equals("Placeholder")) {
        problems.add("input " + input.getKey() + ": " + tensor + " is a " + node.getOp()
            + ", not a Placeholder");
      } else if (dtype == null || dtype.getType() != input.getValue().getDtype()) {
        problems.add("input " + input.getKey() + ": dtype " + input.getValue().getDtype()
            + ", its placeholder's " + (dtype == null ? "none" : dtype.getType()));
      }
    }
    Set<String> outputTensors = new HashSet<>();
    for (Map.Entry<String, TensorInfo> output : signature.getOutputsMap().entrySet()) {
      String tensor = output.getValue().getName();
      if (!isTensor(tensor, nodes)) {
        problems.add("output " + output.getKey() + ": tensor " + tensor + " does not exist");
      } else if (!outputTensors.add(tensor)) {
        problems.add("output " + output.getKey() + ": tensor " + tensor + " serves two keys");
      }
      if (output.getValue().getDtype() == DataType.DT_INVALID) {
        problems.add("output " + output.getKey() + " has no dtype");
      }
    }
    return problems;
  }
}
