package dev.lamina.annotations.naming;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one naming rule, checked against tables whose expected values come from outside the code:
 * Keras 3's {@code keras.src.utils.naming.to_snake_case} (run in Python on each name), and the
 * rule as the README states it, worked out by hand.
 */
class LayerNamesTest {

  /** Each right-hand side is what Keras 3's {@code to_snake_case} returned for the left. */
  @ParameterizedTest(name = "{0}: \"{1}\"")
  @CsvSource(delimiter = '|', textBlock = """
      Dense                  | dense
      InputLayer             | input_layer
      Layer                  | layer
      HTTPServer             | http_server
      Conv2D                 | conv2d
      Conv1DTranspose        | conv1d_transpose
      ZeroPadding2D          | zero_padding2d
      GlobalAveragePooling1D | global_average_pooling1d
      BatchNormalization     | batch_normalization
      MultiHeadAttention     | multi_head_attention
      LSTM                   | lstm
      GRUCell                | gru_cell
      ReLU                   | re_lu
      PReLU                  | p_re_lu
      ELU                    | elu
      TFOpLambda             | tf_op_lambda
      ParseHTTPResponse      | parse_http_response
      ABCDef                 | abc_def
      ABc                    | a_bc
      aB                     | a_b
      a1B2c                  | a1b2c
      simpleRNN              | simple_rnn
      X2y                    | x2y
      _2d                    | _2d
      __init__               | __init__
      Dense-2                | dense2
      my.Layer               | my_layer
      Größe                  | größe
      CaféBar                | café_bar
      É                      | é
      aÜb                    | aüb
      x²                     | x²
      Stuff\u0301            | stuff
      """)
  void toSnakeCaseIsKeras(String name, String keras) {
    assertEquals(keras, LayerNames.toSnakeCase(name));
  }

  /**
   * A layer class's default name: a trailing {@code Layer} dropped, Keras's snake_case, then a
   * TensorFlow scope name (non-ASCII characters become {@code _}, leading underscores go, empty
   * is {@code layer}).
   */
  @ParameterizedTest(name = "{0}: \"{1}\"")
  @CsvSource(delimiter = '|', textBlock = """
      Dense              | dense
      SliceLayer         | slice
      InputLayer         | input
      Layer              | layer
      HTTPServer         | http_server
      Conv2D             | conv2d
      BatchNormalization | batch_normalization
      ReLU               | re_lu
      Dense-2            | dense2
      L2NormLayer        | l2_norm
      _2dLayer           | 2d
      __Layer            | layer
      GrößeLayer         | gr__e
      ÉLayer             | layer
      """)
  void defaultLayerName(String className, String defaultName) {
    assertEquals(defaultName, LayerNames.defaultLayerName(className));
  }

  /** A {@code @Lambda} method's generated class and default layer name. */
  @ParameterizedTest(name = "{0}: {1}, \"{2}\"")
  @CsvSource(delimiter = '|', textBlock = """
      square            | SquareLayer            | square
      sliceColumn       | SliceColumnLayer       | slice_column
      l2_norm           | L2NormLayer            | l2_norm
      slice_first       | SliceFirstLayer        | slice_first
      antirectifier_output | AntirectifierOutputLayer | antirectifier_output
      applyHTTP         | ApplyHTTPLayer         | apply_http
      parseHTTPResponse | ParseHTTPResponseLayer | parse_http_response
      x2y               | X2yLayer               | x2y
      conv2D            | Conv2DLayer            | conv2d
      getX              | GetXLayer              | get_x
      x_y               | XYLayer                | xy
      _private          | PrivateLayer           | private
      _2d               | _2dLayer               | 2d
      __                | __Layer                | layer
      größe             | GrößeLayer             | gr__e
      é                 | ÉLayer                 | layer
      """)
  void lambdaClassAndDefaultName(String method, String layerClass, String defaultName) {
    assertEquals(layerClass, LayerNames.lambdaClassName(method));
    assertEquals(defaultName, LayerNames.lambdaLayerName(method));
  }
}
