package dev.lamina.samples;

import dev.lamina.annotations.Lambda;
import dev.lamina.runtime.Input;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.RepeatVector;
import dev.lamina.runtime.layers.rnn.LSTM;
import dev.lamina.runtime.train.Adam;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's "sequence to sequence learning for performing number addition"
 * (keras.io/examples/nlp/addition_rnn): questions such as {@code "12+345"} as one-hot characters,
 * an LSTM encoder, {@code RepeatVector}, an LSTM decoder returning sequences and a softmax
 * {@code Dense} per answer position, trained with Adam and categorical cross-entropy. Keras's
 * example reverses each question in Python before training; here a lambda reverses it inside the
 * model, so the model takes questions as written. Numbers have up to {@link #DIGITS} digits.
 */
public final class NumberAddition {

  /** Keras's example uses 3; 2 keeps the README command to a couple of minutes on 2 cores. */
  public static final int DIGITS = 2;
  public static final String CHARS = "0123456789+ ";
  /** {@code "99+99"}: a question's length. */
  public static final int QUESTION = DIGITS + 1 + DIGITS;
  /** {@code "198"} and padding: an answer's length. */
  public static final int ANSWER = DIGITS + 1;
  public static final int EPOCHS = 30;
  /** Of the 5,050 distinct pairs of numbers below 100: 4,000 to train on, 500 held out. */
  public static final int QUESTIONS = 4500;
  public static final int TRAIN = 4000;

  private NumberAddition() {}

  /** The question backwards along the time axis, as Keras's example reverses its strings. */
  // README: reverseTime
  @Lambda(inputShape = "(t, c)", outputShape = "(t, c)")
  static Operand<TFloat32> reverseTime(Ops tf, Operand<TFloat32> x) {
    return tf.reverse(x, tf.constant(new int[] {1}));
  }
  // END README: reverseTime

  /** Questions and answers as text, and one-hot. */
  public record Data(List<String> questions, List<String> answers, float[][][] x,
      float[][][] y) {

    /** Rows {@code from} (inclusive) to {@code to} (exclusive). */
    public Data rows(int from, int to) {
      return new Data(questions.subList(from, to), answers.subList(from, to),
          java.util.Arrays.copyOfRange(x, from, to), java.util.Arrays.copyOfRange(y, from, to));
    }

    public int size() {
      return questions.size();
    }
  }

  /**
   * {@code count} distinct questions {@code a+b} (as Keras's example draws them: each number of
   * 1 to {@link #DIGITS} random digits, a pair and its swap counted once), padded with spaces.
   */
  public static Data generate(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Set<String> seen = new HashSet<>();
    List<String> questions = new ArrayList<>();
    List<String> answers = new ArrayList<>();
    while (questions.size() < count) {
      int a = number(random);
      int b = number(random);
      String key = Math.min(a, b) + "," + Math.max(a, b);
      if (!seen.add(key)) {
        continue;
      }
      questions.add(pad(a + "+" + b, QUESTION));
      answers.add(pad(Integer.toString(a + b), ANSWER));
    }
    float[][][] x = new float[count][][];
    float[][][] y = new float[count][][];
    for (int i = 0; i < count; i++) {
      x[i] = oneHot(questions.get(i));
      y[i] = oneHot(answers.get(i));
    }
    return new Data(questions, answers, x, y);
  }

  private static int number(SplittableRandom random) {
    int digits = 1 + random.nextInt(DIGITS);
    int value = 0;
    for (int d = 0; d < digits; d++) {
      value = value * 10 + random.nextInt(10);
    }
    return value;
  }

  private static String pad(String text, int length) {
    return text + " ".repeat(length - text.length());
  }

  static float[][] oneHot(String text) {
    float[][] rows = new float[text.length()][CHARS.length()];
    for (int i = 0; i < text.length(); i++) {
      rows[i][CHARS.indexOf(text.charAt(i))] = 1;
    }
    return rows;
  }

  /** The most likely character at each position. */
  static String decode(float[][] probabilities) {
    StringBuilder text = new StringBuilder();
    for (float[] row : probabilities) {
      int best = 0;
      for (int c = 1; c < row.length; c++) {
        if (row[c] > row[best]) {
          best = c;
        }
      }
      text.append(CHARS.charAt(best));
    }
    return text.toString();
  }

  /** Keras's model with 128 units, as the example's. */
  public static Sequential model() {
    return Sequential.of(Input.of(TFloat32.class, QUESTION, CHARS.length()),
        ReverseTimeLayer.of(),
        LSTM.builder(128).seed(21L).build(),
        new RepeatVector(ANSWER),
        LSTM.builder(128).returnSequences(true).seed(22L).build(),
        Dense.builder(CHARS.length()).activation("softmax").seed(23).build());
  }

  /**
   * Compiles and trains on {@code train}, validating on {@code validation} after each epoch as
   * Keras's example does, and returns the fraction of validation questions answered exactly.
   */
  public static double train(Sequential model, Data train, Data validation, int epochs,
      PrintStream out) {
    model.compile(new Adam(0.001), Losses.categoricalCrossentropy(), "accuracy");
    model.fit(train.x(), train.y(), new FitOptions().batchSize(32).epochs(epochs)
        .validationData(validation.x(), validation.y()).seed(0).out(out));
    float[][][] predicted = model.predict(validation.x(), float[][][].class);
    int right = 0;
    for (int i = 0; i < validation.size(); i++) {
      String guess = decode(predicted[i]);
      right += guess.equals(validation.answers().get(i)) ? 1 : 0;
      if (i < 10) {
        out.printf(Locale.ROOT, "Q %s T %s %s %s%n", validation.questions().get(i),
            validation.answers().get(i), guess.equals(validation.answers().get(i)) ? "☑" : "☒",
            guess);
      }
    }
    return (double) right / validation.size();
  }

  public static void main(String[] args) {
    Data all = generate(QUESTIONS, 7);
    Data train = all.rows(0, TRAIN);
    Data validation = all.rows(TRAIN, all.size());
    try (Sequential model = model()) {
      System.out.print(model.summary());
      double exact = train(model, train, validation, EPOCHS, System.out);
      System.out.printf(Locale.ROOT, "Exactly right: %.4f of %d validation questions%n", exact,
          validation.size());
    }
  }
}
