package dev.lamina.runtime.layers;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.activations.Activation;
import dev.lamina.runtime.layers.activations.ELU;
import dev.lamina.runtime.layers.activations.LeakyReLU;
import dev.lamina.runtime.layers.activations.PReLU;
import dev.lamina.runtime.layers.activations.ReLU;
import dev.lamina.runtime.layers.activations.Softmax;
import dev.lamina.runtime.layers.attention.AttentionTypes;
import dev.lamina.runtime.layers.convolutional.ConvolutionalTypes;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.core.EinsumDense;
import dev.lamina.runtime.layers.core.Embedding;
import dev.lamina.runtime.layers.core.ReversibleEmbedding;
import dev.lamina.runtime.layers.core.Identity;
import dev.lamina.runtime.layers.core.Masking;
import dev.lamina.runtime.layers.merging.Add;
import dev.lamina.runtime.layers.merging.Average;
import dev.lamina.runtime.layers.merging.Concatenate;
import dev.lamina.runtime.layers.merging.Dot;
import dev.lamina.runtime.layers.merging.Maximum;
import dev.lamina.runtime.layers.merging.Minimum;
import dev.lamina.runtime.layers.merging.Multiply;
import dev.lamina.runtime.layers.merging.Subtract;
import dev.lamina.runtime.layers.normalization.BatchNormalization;
import dev.lamina.runtime.layers.normalization.GroupNormalization;
import dev.lamina.runtime.layers.normalization.LayerNormalization;
import dev.lamina.runtime.layers.normalization.RMSNormalization;
import dev.lamina.runtime.layers.normalization.UnitNormalization;
import dev.lamina.runtime.layers.pooling.AdaptiveAveragePooling1D;
import dev.lamina.runtime.layers.pooling.AdaptiveAveragePooling2D;
import dev.lamina.runtime.layers.pooling.AdaptiveAveragePooling3D;
import dev.lamina.runtime.layers.pooling.AdaptiveMaxPooling1D;
import dev.lamina.runtime.layers.pooling.AdaptiveMaxPooling2D;
import dev.lamina.runtime.layers.pooling.AdaptiveMaxPooling3D;
import dev.lamina.runtime.layers.pooling.AveragePooling1D;
import dev.lamina.runtime.layers.pooling.AveragePooling2D;
import dev.lamina.runtime.layers.pooling.AveragePooling3D;
import dev.lamina.runtime.layers.pooling.GlobalAveragePooling1D;
import dev.lamina.runtime.layers.pooling.GlobalAveragePooling2D;
import dev.lamina.runtime.layers.pooling.GlobalAveragePooling3D;
import dev.lamina.runtime.layers.pooling.GlobalMaxPooling1D;
import dev.lamina.runtime.layers.pooling.GlobalMaxPooling2D;
import dev.lamina.runtime.layers.pooling.GlobalMaxPooling3D;
import dev.lamina.runtime.layers.pooling.MaxPooling1D;
import dev.lamina.runtime.layers.pooling.MaxPooling2D;
import dev.lamina.runtime.layers.pooling.MaxPooling3D;
import dev.lamina.runtime.layers.pooling.PoolingTypes;
import dev.lamina.runtime.layers.preprocessing.Normalization;
import dev.lamina.runtime.layers.preprocessing.PreprocessingTypes;
import dev.lamina.runtime.layers.preprocessing.Rescaling;
import dev.lamina.runtime.layers.regularization.ActivityRegularization;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.layers.regularization.RegularizationTypes;
import dev.lamina.runtime.layers.reshaping.Cropping1D;
import dev.lamina.runtime.layers.reshaping.Cropping2D;
import dev.lamina.runtime.layers.reshaping.Cropping3D;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.layers.reshaping.Permute;
import dev.lamina.runtime.layers.reshaping.RepeatVector;
import dev.lamina.runtime.layers.reshaping.Reshape;
import dev.lamina.runtime.layers.reshaping.ReshapingTypes;
import dev.lamina.runtime.layers.reshaping.UpSampling1D;
import dev.lamina.runtime.layers.reshaping.UpSampling2D;
import dev.lamina.runtime.layers.reshaping.UpSampling3D;
import dev.lamina.runtime.layers.reshaping.ZeroPadding1D;
import dev.lamina.runtime.layers.reshaping.ZeroPadding2D;
import dev.lamina.runtime.layers.reshaping.ZeroPadding3D;
import dev.lamina.runtime.layers.rnn.RnnTypes;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypeProvider;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Lamina's built-in layer types, each with Keras's argument names and defaults: the one list of
 * them, read by {@link dev.lamina.runtime.registry.LayerTypes} through the service file. A new
 * built-in layer adds its line here.
 */
public final class BuiltInLayerTypes implements LayerTypeProvider {

  @Override
  public List<LayerType<?>> layerTypes() {
    return List.of(
        LayerType.of("Dense", Dense.class, BuiltInLayerTypes::dense),
        LayerType.of("Identity", Identity.class, (name, c) -> new Identity(name)),
        LayerType.of("EinsumDense", EinsumDense.class, BuiltInLayerTypes::einsumDense),
        ConvolutionalTypes.CONV1D,
        ConvolutionalTypes.CONV2D,
        ConvolutionalTypes.CONV3D,
        ConvolutionalTypes.CONV1D_TRANSPOSE,
        ConvolutionalTypes.CONV2D_TRANSPOSE,
        ConvolutionalTypes.CONV3D_TRANSPOSE,
        ConvolutionalTypes.DEPTHWISE_CONV1D,
        ConvolutionalTypes.DEPTHWISE_CONV2D,
        ConvolutionalTypes.SEPARABLE_CONV1D,
        ConvolutionalTypes.SEPARABLE_CONV2D,
        LayerType.of("Dropout", Dropout.class, BuiltInLayerTypes::dropout),
        LayerType.of("ActivityRegularization", ActivityRegularization.class,
            BuiltInLayerTypes::activityRegularization),
        RegularizationTypes.SPATIAL_DROPOUT1D,
        RegularizationTypes.SPATIAL_DROPOUT2D,
        RegularizationTypes.SPATIAL_DROPOUT3D,
        RegularizationTypes.GAUSSIAN_NOISE,
        RegularizationTypes.GAUSSIAN_DROPOUT,
        RegularizationTypes.ALPHA_DROPOUT,
        LayerType.of("Flatten", Flatten.class, (name, c) -> {
          ReshapingTypes.channelsLast(c);
          return new Flatten(name);
        }),
        LayerType.of("Reshape", Reshape.class,
            (name, c) -> new Reshape(name, c.requireLongs("target_shape"))),
        LayerType.of("Permute", Permute.class, ReshapingTypes::permute),
        LayerType.of("RepeatVector", RepeatVector.class, ReshapingTypes::repeatVector),
        LayerType.of("Cropping1D", Cropping1D.class, ReshapingTypes::cropping1d),
        LayerType.of("Cropping2D", Cropping2D.class, ReshapingTypes::cropping2d),
        LayerType.of("Cropping3D", Cropping3D.class, ReshapingTypes::cropping3d),
        LayerType.of("ZeroPadding1D", ZeroPadding1D.class, ReshapingTypes::zeroPadding1d),
        LayerType.of("ZeroPadding2D", ZeroPadding2D.class, ReshapingTypes::zeroPadding2d),
        LayerType.of("ZeroPadding3D", ZeroPadding3D.class, ReshapingTypes::zeroPadding3d),
        LayerType.of("UpSampling1D", UpSampling1D.class, ReshapingTypes::upSampling1d),
        LayerType.of("UpSampling2D", UpSampling2D.class, ReshapingTypes::upSampling2d),
        LayerType.of("UpSampling3D", UpSampling3D.class, ReshapingTypes::upSampling3d),
        LayerType.of("MaxPooling1D", MaxPooling1D.class, PoolingTypes::maxPooling1d),
        LayerType.of("MaxPooling2D", MaxPooling2D.class, PoolingTypes::maxPooling2d),
        LayerType.of("MaxPooling3D", MaxPooling3D.class, PoolingTypes::maxPooling3d),
        LayerType.of("AveragePooling1D", AveragePooling1D.class, PoolingTypes::averagePooling1d),
        LayerType.of("AveragePooling2D", AveragePooling2D.class, PoolingTypes::averagePooling2d),
        LayerType.of("AveragePooling3D", AveragePooling3D.class, PoolingTypes::averagePooling3d),
        LayerType.of("GlobalMaxPooling1D", GlobalMaxPooling1D.class,
            PoolingTypes::globalMaxPooling1d),
        LayerType.of("GlobalMaxPooling2D", GlobalMaxPooling2D.class,
            PoolingTypes::globalMaxPooling2d),
        LayerType.of("GlobalMaxPooling3D", GlobalMaxPooling3D.class,
            PoolingTypes::globalMaxPooling3d),
        LayerType.of("GlobalAveragePooling1D", GlobalAveragePooling1D.class,
            PoolingTypes::globalAveragePooling1d),
        LayerType.of("GlobalAveragePooling2D", GlobalAveragePooling2D.class,
            PoolingTypes::globalAveragePooling2d),
        LayerType.of("GlobalAveragePooling3D", GlobalAveragePooling3D.class,
            PoolingTypes::globalAveragePooling3d),
        LayerType.of("AdaptiveMaxPooling1D", AdaptiveMaxPooling1D.class,
            PoolingTypes::adaptiveMaxPooling1d),
        LayerType.of("AdaptiveMaxPooling2D", AdaptiveMaxPooling2D.class,
            PoolingTypes::adaptiveMaxPooling2d),
        LayerType.of("AdaptiveMaxPooling3D", AdaptiveMaxPooling3D.class,
            PoolingTypes::adaptiveMaxPooling3d),
        LayerType.of("AdaptiveAveragePooling1D", AdaptiveAveragePooling1D.class,
            PoolingTypes::adaptiveAveragePooling1d),
        LayerType.of("AdaptiveAveragePooling2D", AdaptiveAveragePooling2D.class,
            PoolingTypes::adaptiveAveragePooling2d),
        LayerType.of("AdaptiveAveragePooling3D", AdaptiveAveragePooling3D.class,
            PoolingTypes::adaptiveAveragePooling3d),
        LayerType.of("Concatenate", Concatenate.class,
            (name, c) -> new Concatenate(name, c.optInt("axis", -1))),
        LayerType.of("Activation", Activation.class,
            (name, c) -> new Activation(name, Activation.read(c, "activation"))),
        LayerType.of("ReLU", ReLU.class, BuiltInLayerTypes::relu),
        LayerType.of("LeakyReLU", LeakyReLU.class, (name, c) -> {
          double slope = c.optDouble("negative_slope", LeakyReLU.DEFAULT_NEGATIVE_SLOPE);
          return construct(c, "negative_slope", () -> new LeakyReLU(name, slope));
        }),
        LayerType.of("PReLU", PReLU.class, BuiltInLayerTypes::prelu),
        LayerType.of("ELU", ELU.class, (name, c) -> {
          double alpha = c.optDouble("alpha", 1.0);
          return construct(c, "alpha", () -> new ELU(name, alpha));
        }),
        LayerType.of("Softmax", Softmax.class, (name, c) -> {
          int[] axis = c.optInts("axis", -1);
          return construct(c, "axis", () -> new Softmax(name, axis));
        }),
        LayerType.of("Add", Add.class, (name, c) -> new Add(name)),
        LayerType.of("Multiply", Multiply.class, (name, c) -> new Multiply(name)),
        LayerType.of("Subtract", Subtract.class, (name, c) -> new Subtract(name)),
        LayerType.of("Average", Average.class, (name, c) -> new Average(name)),
        LayerType.of("Maximum", Maximum.class, (name, c) -> new Maximum(name)),
        LayerType.of("Minimum", Minimum.class, (name, c) -> new Minimum(name)),
        LayerType.of("Dot", Dot.class, BuiltInLayerTypes::dot),
        BatchNormalization.TYPE,
        dev.lamina.runtime.layers.normalization.SpectralNormalization.TYPE,
        LayerType.of("Embedding", Embedding.class, BuiltInLayerTypes::embedding),
        LayerType.of("ReversibleEmbedding", ReversibleEmbedding.class,
            BuiltInLayerTypes::reversibleEmbedding),
        LayerType.of("LayerNormalization", LayerNormalization.class,
            BuiltInLayerTypes::layerNormalization),
        LayerType.of("GroupNormalization", GroupNormalization.class,
            BuiltInLayerTypes::groupNormalization),
        LayerType.of("RMSNormalization", RMSNormalization.class,
            BuiltInLayerTypes::rmsNormalization),
        LayerType.of("UnitNormalization", UnitNormalization.class,
            (name, c) -> new UnitNormalization(name, c.optInts("axis", -1))),
        LayerType.of("Rescaling", Rescaling.class, BuiltInLayerTypes::rescaling),
        LayerType.of("Normalization", Normalization.class, BuiltInLayerTypes::normalization),
        PreprocessingTypes.RESIZING,
        PreprocessingTypes.CENTER_CROP,
        PreprocessingTypes.RANDOM_FLIP,
        PreprocessingTypes.RANDOM_ROTATION,
        PreprocessingTypes.RANDOM_SHEAR,
        PreprocessingTypes.RANDOM_ZOOM,
        PreprocessingTypes.RANDOM_TRANSLATION,
        PreprocessingTypes.RANDOM_CONTRAST,
        PreprocessingTypes.RANDOM_BRIGHTNESS,
        PreprocessingTypes.RANDOM_CROP,
        PreprocessingTypes.RANDOM_GRAYSCALE,
        PreprocessingTypes.RANDOM_INVERT,
        PreprocessingTypes.SOLARIZATION,
        PreprocessingTypes.RANDOM_POSTERIZATION,
        PreprocessingTypes.AUTO_CONTRAST,
        PreprocessingTypes.RANDOM_COLOR_DEGENERATION,
        PreprocessingTypes.RANDOM_SATURATION,
        PreprocessingTypes.RANDOM_HUE,
        PreprocessingTypes.RANDOM_SHARPNESS,
        PreprocessingTypes.RANDOM_GAUSSIAN_BLUR,
        PreprocessingTypes.RANDOM_ERASING,
        PreprocessingTypes.RANDOM_PERSPECTIVE,
        PreprocessingTypes.RANDOM_COLOR_JITTER,
        PreprocessingTypes.CATEGORY_ENCODING,
        PreprocessingTypes.DISCRETIZATION,
        PreprocessingTypes.HASHING,
        PreprocessingTypes.HASHED_CROSSING,
        PreprocessingTypes.EQUALIZATION,
        RnnTypes.SIMPLE_RNN,
        RnnTypes.LSTM_TYPE,
        RnnTypes.GRU_TYPE,
        RnnTypes.GENERIC_RNN,
        RnnTypes.CONV_LSTM1D,
        RnnTypes.CONV_LSTM2D,
        RnnTypes.CONV_LSTM3D,
        RnnTypes.BIDIRECTIONAL,
        RnnTypes.TIME_DISTRIBUTED,
        LayerType.of("Masking", Masking.class,
            (name, c) -> {
              double maskValue = c.optDouble("mask_value", 0.0);
              return construct(c, "mask_value", () -> new Masking(name, maskValue));
            }),
        AttentionTypes.MULTI_HEAD_ATTENTION,
        AttentionTypes.GROUP_QUERY_ATTENTION,
        AttentionTypes.ATTENTION,
        AttentionTypes.ADDITIVE_ATTENTION);
  }

  private static Embedding embedding(String name, LayerConfig c) throws ModelFormatException {
    int inputDim = c.requireInt("input_dim");
    int outputDim = c.requireInt("output_dim");
    if (inputDim < 1 || outputDim < 1) {
      throw c.error(inputDim < 1 ? "input_dim" : "output_dim", "input_dim and output_dim must "
          + "be 1 or more, got " + inputDim + " and " + outputDim);
    }
    // The weights come from the file; Keras 3 drops input_length with a warning.
    c.ignore("embeddings_initializer", "input_length", "lora_alpha");
    Regularizer embeddingsRegularizer = regularizer(c, "embeddings_regularizer");
    Regularizer activityRegularizer = regularizer(c, "activity_regularizer");
    Constraint embeddingsConstraint = constraint(c, "embeddings_constraint");
    for (String option : List.of("quantization_config", "lora_rank")) {
      c.requireDefault(option, null);
    }
    return Embedding.builder(inputDim, outputDim).name(name)
        .maskZero(c.optBoolean("mask_zero", false)).seed(0)
        .embeddingsRegularizer(embeddingsRegularizer).activityRegularizer(activityRegularizer)
        .embeddingsConstraint(embeddingsConstraint).build();
  }

  private static ReversibleEmbedding reversibleEmbedding(String name, LayerConfig c)
      throws ModelFormatException {
    int inputDim = c.requireInt("input_dim");
    int outputDim = c.requireInt("output_dim");
    // The weights come from the file.
    c.ignore("embeddings_initializer", "input_length", "lora_alpha");
    Regularizer embeddingsRegularizer = regularizer(c, "embeddings_regularizer");
    Regularizer activityRegularizer = regularizer(c, "activity_regularizer");
    Constraint embeddingsConstraint = constraint(c, "embeddings_constraint");
    for (String option : List.of("quantization_config", "lora_rank")) {
      c.requireDefault(option, null);
    }
    ReversibleEmbedding.Builder b = ReversibleEmbedding.builder(inputDim, outputDim).name(name)
        .maskZero(c.optBoolean("mask_zero", false))
        .tieWeights(c.optBoolean("tie_weights", true))
        .logitSoftCap(c.has("logit_soft_cap") ? c.optDouble("logit_soft_cap", 0.0) : null)
        .reverseDtype(c.has("reverse_dtype") ? c.optString("reverse_dtype", null) : null)
        .seed(0).embeddingsRegularizer(embeddingsRegularizer)
        .activityRegularizer(activityRegularizer).embeddingsConstraint(embeddingsConstraint);
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      throw c.error(m.contains("logit_soft_cap") ? "logit_soft_cap"
          : m.contains("reverse_dtype") ? "reverse_dtype" : "input_dim", m);
    }
  }

  private static LayerNormalization layerNormalization(String name, LayerConfig c)
      throws ModelFormatException {
    double epsilon = c.optDouble("epsilon", 1e-3);
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw c.error("epsilon", "epsilon is " + epsilon + "; it must be finite and not negative");
    }
    c.ignore("beta_initializer", "gamma_initializer");
    return LayerNormalization.builder().name(name).axis(c.optInts("axis", -1)).epsilon(epsilon)
        .center(c.optBoolean("center", true)).scale(c.optBoolean("scale", true))
        .rmsScaling(c.optBoolean("rms_scaling", false))
        .betaRegularizer(regularizer(c, "beta_regularizer"))
        .gammaRegularizer(regularizer(c, "gamma_regularizer"))
        .betaConstraint(constraint(c, "beta_constraint"))
        .gammaConstraint(constraint(c, "gamma_constraint")).build();
  }

  private static RMSNormalization rmsNormalization(String name, LayerConfig c)
      throws ModelFormatException {
    int[] axis = c.optInts("axis", -1);
    double epsilon = c.optDouble("epsilon", 1e-6);
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw c.error("epsilon", "epsilon is " + epsilon + "; it must be finite and not negative");
    }
    return construct(c, "axis",
        () -> RMSNormalization.builder().name(name).axis(axis).epsilon(epsilon).build());
  }

  private static GroupNormalization groupNormalization(String name, LayerConfig c)
      throws ModelFormatException {
    int groups = c.optInt("groups", 32);
    if (groups == 0 || groups < -1) {
      throw c.error("groups", "groups is " + groups + "; it must be a positive integer (or -1 "
          + "for instance normalization)");
    }
    int[] axis = c.optInts("axis", -1);
    if (axis.length != 1) {
      throw c.error("axis", "axis must be one int, got " + axis.length);
    }
    double epsilon = c.optDouble("epsilon", 1e-3);
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw c.error("epsilon", "epsilon is " + epsilon + "; it must be finite and not negative");
    }
    return GroupNormalization.builder().name(name).groups(groups).axis(axis[0])
        .epsilon(epsilon).center(c.optBoolean("center", true))
        .scale(c.optBoolean("scale", true))
        .betaInitializer(initializer(c, "beta_initializer"))
        .gammaInitializer(initializer(c, "gamma_initializer"))
        .betaRegularizer(regularizer(c, "beta_regularizer"))
        .gammaRegularizer(regularizer(c, "gamma_regularizer"))
        .betaConstraint(constraint(c, "beta_constraint"))
        .gammaConstraint(constraint(c, "gamma_constraint")).build();
  }

  private static ActivityRegularization activityRegularization(String name, LayerConfig c)
      throws ModelFormatException {
    double l1 = c.optDouble("l1", 0.0);
    double l2 = c.optDouble("l2", 0.0);
    return construct(c, !(l1 >= 0) || Double.isInfinite(l1) ? "l1" : "l2",
        () -> new ActivityRegularization(name, l1, l2));
  }

  private static Rescaling rescaling(String name, LayerConfig c) throws ModelFormatException {
    if (!c.has("scale")) {
      throw c.error("scale", "scale is missing");
    }
    float[] scale = numbers(c, "scale", 1);
    float[] offset = c.has("offset") ? numbers(c, "offset", 1) : null;
    return Rescaling.perChannel(name, scale, offset == null ? new float[] {0} : offset);
  }

  /** A number, or a list of numbers nested at most {@code maxRank} deep, flattened. */
  private static float[] numbers(LayerConfig c, String key, int maxRank)
      throws ModelFormatException {
    List<Long> shape = new ArrayList<>();
    List<Float> values = new ArrayList<>();
    flatten(c, key, c.json().get(key), 0, maxRank, shape, values);
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  /** The shape of what {@link #numbers} flattens (empty for a number). */
  private static long[] shapeOf(Object value) {
    List<Long> shape = new ArrayList<>();
    while (value instanceof JsonArray list) {
      shape.add((long) list.size());
      value = list.isEmpty() ? null : list.get(0);
    }
    return shape.stream().mapToLong(Long::longValue).toArray();
  }

  private static void flatten(LayerConfig c, String key, Object value, int depth, int maxRank,
      List<Long> shape, List<Float> values) throws ModelFormatException {
    if (value instanceof Number n) {
      if (depth < shape.size()) {
        throw c.error(key, key + " is not a rectangular array of numbers");
      }
      values.add(n.floatValue());
      return;
    }
    if (!(value instanceof JsonArray list)) {
      throw c.error(key, key + " must be a number or a list of numbers");
    }
    if (depth >= maxRank) {
      throw c.error(key, key + " is nested " + (depth + 1) + " or more deep; at most "
          + maxRank + (maxRank == 1 ? " level is" : " levels are") + " allowed here");
    }
    if (depth == shape.size()) {
      shape.add((long) list.size());
    } else if (shape.get(depth) != list.size()) {
      throw c.error(key, key + " is not a rectangular array of numbers");
    }
    if (list.isEmpty()) {
      throw c.error(key, key + " is empty");
    }
    for (Object item : list) {
      flatten(c, key, item, depth + 1, maxRank, shape, values);
    }
  }

  private static Normalization normalization(String name, LayerConfig c)
      throws ModelFormatException {
    // Keras: axis=None keeps no axis (one mean for everything); missing means -1.
    boolean none = c.json().containsKey("axis") && c.json().get("axis") == null;
    int[] axis = none ? new int[0] : c.optInts("axis", -1);
    c.ignore("axis");
    boolean invert = c.optBoolean("invert", false);
    boolean hasMean = c.has("mean");
    boolean hasVariance = c.has("variance");
    if (hasMean != hasVariance) {
      throw c.error(hasMean ? "variance" : "mean", "mean and variance must be given together");
    }
    try {
      var builder = Normalization.builder().name(name).axis(axis).invert(invert);
      if (!hasMean) {
        return builder.build();
      }
      // Keras: the statistics' rank is at most the number of kept axes.
      float[] mean = numbers(c, "mean", axis.length);
      float[] variance = numbers(c, "variance", axis.length);
      long[] shape = shapeOf(c.json().get("mean"));
      if (!java.util.Arrays.equals(shape, shapeOf(c.json().get("variance")))) {
        throw c.error("variance", "mean and variance must have the same shape");
      }
      return builder.meanAndVariance(mean, variance, shape).build();
    } catch (IllegalArgumentException e) {
      throw c.error("mean", e.getMessage());
    }
  }

  private static Dense dense(String name, LayerConfig c) throws ModelFormatException {
    int units = c.requireInt("units");
    if (units < 1) {
      throw c.error("units", "units is " + units + "; it must be 1 or more");
    }
    String activation = Activation.read(c, "activation");
    boolean useBias = c.optBoolean("use_bias", true);
    // A file's weights replace what the initializers draw; they are kept for the config.
    Initializer kernelInitializer = kerasObject(c, "kernel_initializer", Initializer::get,
        Initializer::get);
    Initializer biasInitializer = kerasObject(c, "bias_initializer", Initializer::get,
        Initializer::get);
    Regularizer kernelRegularizer = kerasObject(c, "kernel_regularizer", Regularizer::get,
        Regularizer::get);
    Regularizer biasRegularizer = kerasObject(c, "bias_regularizer", Regularizer::get,
        Regularizer::get);
    Regularizer activityRegularizer = kerasObject(c, "activity_regularizer", Regularizer::get,
        Regularizer::get);
    Constraint kernelConstraint = kerasObject(c, "kernel_constraint", Constraint::get,
        Constraint::get);
    Constraint biasConstraint = kerasObject(c, "bias_constraint", Constraint::get,
        Constraint::get);
    c.ignore("lora_alpha");
    for (String option : List.of("quantization_config", "lora_rank")) {
      c.requireDefault(option, null);
    }
    try {
      return Dense.builder(units).name(name).activation(activation).useBias(useBias).seed(0)
          .kernelInitializer(kernelInitializer).biasInitializer(biasInitializer)
          .kernelRegularizer(kernelRegularizer).biasRegularizer(biasRegularizer)
          .activityRegularizer(activityRegularizer).kernelConstraint(kernelConstraint)
          .biasConstraint(biasConstraint).build();
    } catch (IllegalArgumentException e) { // glu with an odd number of units
      throw c.error("units", e.getMessage());
    }
  }

  private static EinsumDense einsumDense(String name, LayerConfig c)
      throws ModelFormatException {
    String equation = c.requireString("equation");
    if (!c.has("output_shape")) {
      throw c.error("output_shape", "EinsumDense needs output_shape");
    }
    Object shape = c.json().get("output_shape");
    c.ignore("output_shape");
    long[] outputShape;
    if (shape instanceof Number n) {
      outputShape = new long[] {n.longValue()};
    } else if (shape instanceof JsonArray list) {
      outputShape = new long[list.size()];
      for (int i = 0; i < outputShape.length; i++) {
        Object d = list.get(i);
        if (d == null) {
          outputShape[i] = -1;
        } else if (d instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() > 0) {
          outputShape[i] = n.longValue();
        } else {
          throw c.error("output_shape", "output_shape holds " + d + "; its sizes are positive "
              + "integers or null");
        }
      }
    } else {
      throw c.error("output_shape", "output_shape must be an int or a list, got " + shape);
    }
    String activation = Activation.read(c, "activation");
    Object biasAxes = c.json().get("bias_axes");
    c.ignore("bias_axes");
    if (biasAxes != null && !(biasAxes instanceof String)) {
      throw c.error("bias_axes", "bias_axes must be a string of output labels or null, got "
          + biasAxes);
    }
    Initializer kernelInitializer = initializer(c, "kernel_initializer");
    Initializer biasInitializer = initializer(c, "bias_initializer");
    Regularizer kernelRegularizer = regularizer(c, "kernel_regularizer");
    Regularizer biasRegularizer = regularizer(c, "bias_regularizer");
    Regularizer activityRegularizer = regularizer(c, "activity_regularizer");
    Constraint kernelConstraint = constraint(c, "kernel_constraint");
    Constraint biasConstraint = constraint(c, "bias_constraint");
    // Keras writes lora_alpha only with lora_rank, which is refused.
    if (c.json().get("lora_rank") != null) {
      throw c.error("lora_rank", "EinsumDense's LoRA (lora_rank="
          + c.json().get("lora_rank") + ") is not built: save the model from Keras with a "
          + "layer without lora_rank");
    }
    c.ignore("lora_rank", "lora_alpha");
    for (String option : List.of("quantization_config", "gptq_unpacked_column_size")) {
      Object value = c.json().get(option);
      if (value != null) {
        throw c.error(option, "EinsumDense's quantization (" + option + "=" + value
            + ") is not built");
      }
      c.ignore(option);
    }
    try {
      return EinsumDense.builder(equation, outputShape).name(name).activation(activation)
          .biasAxes((String) biasAxes).seed(0)
          .kernelInitializer(kernelInitializer).biasInitializer(biasInitializer)
          .kernelRegularizer(kernelRegularizer).biasRegularizer(biasRegularizer)
          .activityRegularizer(activityRegularizer).kernelConstraint(kernelConstraint)
          .biasConstraint(biasConstraint).build();
    } catch (IllegalArgumentException e) {
      throw c.error("equation", e.getMessage());
    }
  }

  /**
   * A Keras initializer, regularizer or constraint option: a name, a serialized object ({@code
   * {"class_name": ..., "config": ...}}), or None (null).
   */
  private static <T> T kerasObject(LayerConfig c, String key,
      java.util.function.Function<String, T> byName,
      java.util.function.Function<java.util.Map<String, ?>, T> byObject)
      throws ModelFormatException {
    Object value = c.json().get(key);
    c.ignore(key);
    try {
      if (value == null) {
        return null;
      }
      if (value instanceof String s) {
        return byName.apply(s);
      }
      if (value instanceof java.util.Map<?, ?> map) {
        @SuppressWarnings("unchecked")
        java.util.Map<String, ?> object = (java.util.Map<String, ?>) map;
        return byObject.apply(object);
      }
      throw new IllegalArgumentException("expected a name or a Keras object, got " + value);
    } catch (IllegalArgumentException e) {
      throw c.error(key, key + ": " + e.getMessage());
    }
  }

  /**
   * Keras's regularizer option {@code key} of a layer's config (a name, a serialized object or
   * None), or {@code null}; a bad one is an error naming the key.
   */
  public static Regularizer regularizer(LayerConfig c, String key) throws ModelFormatException {
    return kerasObject(c, key, Regularizer::get, Regularizer::get);
  }

  /** Keras's initializer option {@code key} of a layer's config, as {@link #regularizer}. */
  public static Initializer initializer(LayerConfig c, String key) throws ModelFormatException {
    return kerasObject(c, key, Initializer::get, Initializer::get);
  }

  /** Keras's constraint option {@code key} of a layer's config, as {@link #regularizer}. */
  public static Constraint constraint(LayerConfig c, String key) throws ModelFormatException {
    return kerasObject(c, key, Constraint::get, Constraint::get);
  }

  /** A layer from read values; the constructor's refusal becomes an error at {@code key}. */
  private static <L> L construct(LayerConfig c, String key, java.util.function.Supplier<L> make)
      throws ModelFormatException {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw c.error(key, e.getMessage());
    }
  }

  private static ReLU relu(String name, LayerConfig c) throws ModelFormatException {
    Double maxValue = c.has("max_value") ? c.requireDouble("max_value") : null;
    double negativeSlope = c.optDouble("negative_slope", 0.0);
    double threshold = c.optDouble("threshold", 0.0);
    // Keras refuses each of them negative; name the key that is
    for (String key : List.of("max_value", "negative_slope", "threshold")) {
      double value = key.equals("max_value") ? (maxValue == null ? 0 : maxValue)
          : key.equals("negative_slope") ? negativeSlope : threshold;
      if (!(value >= 0)) {
        throw c.error(key, key + " is " + value + "; it must be 0 or more");
      }
    }
    return construct(c, "max_value", () -> new ReLU(name, maxValue, negativeSlope, threshold));
  }

  private static PReLU prelu(String name, LayerConfig c) throws ModelFormatException {
    PReLU.Builder builder = PReLU.builder().name(name);
    JsonObject initializer = c.optObject("alpha_initializer");
    if (initializer != null) {
      String kind = initializer.optString("class_name", "");
      JsonObject config = initializer.optObject("config");
      if (kind.equals("Constant") && config != null) {
        float value = config.optFloat("value", 0f);
        construct(c, "alpha_initializer", () -> builder.alphaInitializer(value));
      }
      // Any other initializer (Zeros, RandomUniform, ...) only draws the first values; a loaded
      // model's alpha comes from its file, as Dense's kernel does.
    }
    int[] shared = c.has("shared_axes") ? c.optInts("shared_axes") : null;
    builder.sharedAxes(shared);
    builder.alphaRegularizer(regularizer(c, "alpha_regularizer"))
        .alphaConstraint(constraint(c, "alpha_constraint"));
    return builder.build();
  }

  private static Dot dot(String name, LayerConfig c) throws ModelFormatException {
    if (!c.has("axes")) {
      throw c.error("axes", "Dot needs axes (an axis, or a pair of them)");
    }
    int[] axes = c.optInts("axes");
    boolean normalize = c.optBoolean("normalize", false);
    if (axes.length == 1) {
      return new Dot(name, axes[0], normalize);
    }
    if (axes.length == 2) {
      return new Dot(name, axes[0], axes[1], normalize);
    }
    throw c.error("axes", "axes has " + axes.length + " values; Dot takes one axis or a pair");
  }

  private static Dropout dropout(String name, LayerConfig c) throws ModelFormatException {
    double rate = c.requireDouble("rate");
    if (!(rate >= 0 && rate < 1)) {
      throw c.error("rate", "rate is " + rate + "; it must be in [0, 1)");
    }
    c.requireDefault("noise_shape", null);
    return c.has("seed") ? new Dropout(name, rate, c.requireLong("seed"))
        : new Dropout(name, rate);
  }
}
