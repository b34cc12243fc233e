package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SeedStream;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * What Keras's random image layers share (its {@code BaseImagePreprocessingLayer}): a
 * channels_last batch of numeric images, cast to float32 as Keras casts to its compute dtype; in
 * training ({@code fit}) a random transformation drawn from the call's {@link SeedStream}, from
 * the layer's own {@code seed} as Keras's {@code SeedGenerator(seed)} draws, or from
 * {@code FitOptions.seed} without one; in {@code predict} and {@code evaluate} the identity unless
 * a layer says otherwise; a saved config of Keras's arguments and the seed. No weights.
 */
public abstract class RandomImageLayer extends Layer {

  private final Long seed;

  /** {@code seed} null for none. */
  protected RandomImageLayer(String name, Long seed) {
    super(name);
    this.seed = seed;
  }

  /** Keras's {@code seed}, or {@code null}. */
  protected final Long seed() {
    return seed;
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<? extends TNumber> x) {
    return applyTyped(x);
  }

  /** The arguments and the seed (null if none), so that a loaded model draws as the saved one. */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(arguments());
    config.put("seed", seed);
    return config;
  }

  /** A batch of images of any size, out as float32 of the same shape. */
  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    return Layers.spec(ImageLayers.requireImages(this, inputs.get(0)), TFloat32.class);
  }

  @Override
  protected final Operand<?> build(Ops tf, List<Operand<?>> inputs,
      List<Operand<TFloat32>> weights, CallContext context) {
    Operand<TFloat32> x = ImageLayers.floats(tf, inputs.get(0));
    return context.training() ? augment(tf, x, context.seeds()) : infer(tf, x);
  }

  /** What the layer does in {@code predict} and {@code evaluate}: the identity by default. */
  protected Operand<TFloat32> infer(Ops tf, Operand<TFloat32> images) {
    return tf.identity(images);
  }

  /** What the layer does in {@code fit}, drawing from {@code seeds} (see {@link #draw}). */
  protected abstract Operand<TFloat32> augment(Ops tf, Operand<TFloat32> images,
      SeedStream seeds);

  /**
   * The seed of draw {@code draw} of the {@code draws} a step makes: with the layer's own seed,
   * Keras's {@code SeedGenerator(seed)} (step {@code k} draws {@code [seed, k * draws + draw]});
   * without one, the next seed of {@code FitOptions.seed}'s stream.
   */
  protected final Operand<TInt64> draw(SeedStream seeds, int draws, int draw) {
    if (composed) {
      return AffineTransforms.seed(seeds, composedSeed, composedDraws, composedOffset + draw);
    }
    return AffineTransforms.seed(seeds, seed, draws, draw);
  }

  /** Set only while {@link #augmentComposed} builds: whose generator the draws come from. */
  private boolean composed;
  private Long composedSeed;
  private int composedDraws;
  private int composedOffset;

  /**
   * This layer's {@link #augment} as a step of a composing layer (Keras's RandomColorJitter,
   * which hands its own {@code SeedGenerator} to each layer it composes): draw {@code i} of
   * this layer is draw {@code offset + i} of the {@code draws} the composing layer, with seed
   * {@code seed} (null for none), makes per call.
   */
  final Operand<TFloat32> augmentComposed(Ops tf, Operand<TFloat32> images, SeedStream seeds,
      Long seed, int draws, int offset) {
    composed = true;
    composedSeed = seed;
    composedDraws = draws;
    composedOffset = offset;
    try {
      return augment(tf, images, seeds);
    } finally {
      composed = false;
    }
  }

  /**
   * The arguments every random image layer's builder takes: a name and Keras's {@code seed}.
   *
   * @param <B> the concrete builder, which each setter returns
   */
  public abstract static class Builder<B extends Builder<B>> {
    String name;
    Long seed;

    @SuppressWarnings("unchecked")
    final B self() {
      return (B) this;
    }

    public B name(String name) {
      this.name = name;
      return self();
    }

    /** Keras's {@code seed}: draws as Keras's layer with that seed; null for none. */
    public B seed(Long seed) {
      this.seed = seed;
      return self();
    }
  }
}
