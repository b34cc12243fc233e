package dev.lamina.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;

/**
 * A hand-run harness for the peak heap of loading a large model: {@code write <file> <width>}
 * writes Input(width) → Dense(width, no bias), width² random float32 values; loading it is then
 * {@link HostileModelFileTest#main}, run with the heap to try, e.g. {@code java -Xmx300m -cp ...
 * dev.lamina.runtime.HostileModelFileTest file}, which prints the outcome and the peak heap.
 * {@code save <file> <width>} builds that model and saves it, for the peak heap of saving.
 */
public final class LoadPeakHeap {

  private LoadPeakHeap() {}

  public static void main(String[] args) throws Exception {
    int width = Integer.parseInt(args[2]);
    if (args[0].equals("save")) { // builds that model (glorot values) and saves it
      var x = Input.of(org.tensorflow.types.TFloat32.class, width);
      try (Model model = Model.of(x, dev.lamina.runtime.layers.core.Dense.builder(width).useBias(false)
          .build().apply(x))) {
        model.weights().get(0).current(); // the values drawn before saving starts
        model.save(Path.of(args[1]));
      }
      System.out.println("saved");
      return;
    }
    byte[] data = new byte[Math.multiplyExact(width * width, Float.BYTES)];
    ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    Random random = new Random(1);
    for (int i = 0; i < width * width; i++) {
      buffer.putFloat(random.nextFloat() * 2 - 1);
    }
    HostileModelFileTest.denseChain(Path.of(args[1]), 1, width, i -> "weights/0.bin", data);
  }
}
