package dev.lamina.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;

/**
 * Where a model's ops run: {@link #CPU}, {@link #gpu(int)}, or {@link #AUTO} (the default: the
 * first GPU when TensorFlow can use one, else the CPU). Models run with soft placement, so an op
 * with no kernel for the chosen device falls back to the CPU instead of failing.
 *
 * <p>TensorFlow can use a GPU only with its CUDA build ({@code mvn -Pgpu}, classifier
 * {@code linux-x86_64-gpu}) on a machine with an NVIDIA GPU. Asking for a GPU explicitly where
 * there is none is an error when the model is built, not a silent fall-back.
 */
public final class Device {

  /** The CPU. */
  public static final Device CPU = new Device("CPU", 0);

  /** The first GPU if TensorFlow can use one, else the CPU. */
  public static final Device AUTO = new Device("AUTO", 0);

  private static final Map<Integer, Boolean> GPU_PRESENT = new ConcurrentHashMap<>();

  private final String kind;
  private final int index;

  private Device(String kind, int index) {
    this.kind = kind;
    this.index = index;
  }

  /** GPU number {@code index}, counted from 0. */
  public static Device gpu(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("GPU index must be 0 or more, got " + index);
    }
    return new Device("GPU", index);
  }

  /**
   * Whether TensorFlow can place ops on GPU {@code index}: tried once per process with a
   * one-op graph and no soft placement, so the answer is TensorFlow's own.
   */
  public static boolean gpuAvailable(int index) {
    return GPU_PRESENT.computeIfAbsent(index, Device::probeGpu);
  }

  private static boolean probeGpu(int index) {
    NativeLogging.configure();
    ConfigProto strict = ConfigProto.newBuilder().setAllowSoftPlacement(false).build();
    try (Graph graph = new Graph(); Session session = new Session(graph, strict)) {
      Ops tf = Ops.create(graph).withDevice(spec("GPU", index));
      session.runner().fetch(tf.constant(1f)).run().close();
      return true;
    } catch (RuntimeException noSuchDevice) {
      return false;
    }
  }

  /**
   * The device to pin ops to: AUTO becomes the first GPU, or {@code null} without one, which
   * leaves placement to TensorFlow (the CPU then; pinning every op to it measurably slowed small
   * batches, see benchmarks/README.md).
   */
  DeviceSpec resolve() {
    switch (kind) {
      case "CPU":
        return spec("CPU", 0);
      case "AUTO":
        return gpuAvailable(0) ? spec("GPU", 0) : null;
      default:
        if (!gpuAvailable(index)) {
          throw new IllegalStateException("GPU " + index + " was requested, but TensorFlow can "
              + "use no such GPU here: it needs TensorFlow's CUDA build (build with -Pgpu, or "
              + "depend on tensorflow-core-native with classifier linux-x86_64-gpu) and an NVIDIA "
              + "GPU with its driver. Use Device.AUTO to fall back to the CPU.");
        }
        return spec("GPU", index);
    }
  }

  /** The placement asked for, without checking that it exists; for tests of soft placement. */
  DeviceSpec requested() {
    return kind.equals("GPU") ? spec("GPU", index) : spec("CPU", 0);
  }

  private static DeviceSpec spec(String type, int index) {
    return DeviceSpec.newBuilder()
        .deviceType(DeviceSpec.DeviceType.valueOf(type))
        .deviceIndex(index)
        .build();
  }

  @Override
  public String toString() {
    return kind.equals("GPU") ? "GPU:" + index : kind;
  }
}
