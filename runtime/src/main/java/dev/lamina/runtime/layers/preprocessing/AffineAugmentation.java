package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What Keras's affine augmentation layers ({@link RandomRotation}, {@link RandomZoom},
 * {@link RandomTranslation}, {@link RandomShear}) share beyond {@link RandomImageLayer}: in training, each image's
 * own transform matrix, applied as Keras's TensorFlow backend applies it
 * ({@link AffineTransforms#transform}, {@code ImageProjectiveTransformV3}), with Keras's
 * {@code fill_mode}, {@code interpolation} and {@code fill_value}. TensorFlow has no C++ gradient
 * of that op: after a trainable weight the model cannot be trained (compiling its training step
 * fails naming the layer); right after the input, where augmentation sits, it trains.
 */
public abstract class AffineAugmentation extends RandomImageLayer {

  private final String fillMode;
  private final String interpolation;
  private final double fillValue;

  AffineAugmentation(Builder<?> b) {
    super(b.name, b.seed);
    this.fillMode = b.fillMode;
    this.interpolation = b.interpolation;
    this.fillValue = b.fillValue;
  }

  /** Adds Keras's {@code fill_mode}, {@code interpolation}, {@code fill_value} and data format. */
  final Map<String, Object> withFillArguments(Map<String, Object> arguments) {
    arguments.put("fill_mode", fillMode);
    arguments.put("interpolation", interpolation);
    arguments.put("fill_value", fillValue);
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  @Override
  protected final Operand<TFloat32> augment(Ops tf, Operand<TFloat32> images,
      SeedStream seeds) {
    return AffineTransforms.transform(tf, images, matrix(tf, images, seeds), interpolation,
        fillMode, fillValue);
  }

  /**
   * Each image's flat {@code [a0, a1, a2, b0, b1, b2, c0, c1]} transform, float32
   * {@code [batch, 8]}, from this step's draws.
   */
  abstract Operand<TFloat32> matrix(Ops tf, Operand<TFloat32> images, SeedStream seeds);

  /**
   * The arguments every affine augmentation's builder takes, with Keras's defaults; each setter
   * refuses what Keras refuses.
   *
   * @param <B> the concrete builder, which each setter returns
   */
  public abstract static class Builder<B extends Builder<B>> extends RandomImageLayer.Builder<B> {
    private final String type;
    String fillMode = "reflect";
    String interpolation = "bilinear";
    double fillValue;

    Builder(String type) {
      this.type = type;
    }

    /**
     * {@code "reflect"} (Keras's default), {@code "wrap"}, {@code "constant"} or
     * {@code "nearest"}.
     */
    public B fillMode(String fillMode) {
      this.fillMode = AffineTransforms.requireFillMode(type, fillMode);
      return self();
    }

    /** {@code "bilinear"} (Keras's default) or {@code "nearest"}. */
    public B interpolation(String interpolation) {
      this.interpolation = AffineTransforms.requireInterpolation(type, interpolation);
      return self();
    }

    /** The value of points outside the image with {@code fill_mode="constant"}. */
    public B fillValue(double fillValue) {
      this.fillValue = fillValue;
      return self();
    }
  }
}
