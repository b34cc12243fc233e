package dev.lamina.samples;

import dev.lamina.annotations.Lambda;
import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.data.CsvSource;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.train.Adam;
import dev.lamina.runtime.train.CompileOptions;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Metrics;
import dev.lamina.runtime.train.ModelCheckpoint;
import dev.lamina.runtime.train.schedules.CosineDecay;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The README's training walk-through: an imbalanced binary classifier (about one sample in
 * eight positive, weighed as in Keras's "imbalanced classification" example) trained from CSV files
 * streamed a batch at a time, with class weights, a warmup-then-cosine learning-rate schedule
 * and a checkpoint of the best epoch by validation AUC, which is then loaded back and evaluated.
 * The data are generated here, seeded: heavy-tailed amounts, which a lambda puts on a signed log
 * scale before the dense layers.
 */
public final class TrainingWalkthrough {

  /** The CSV's feature columns: an amount and seven other signals. */
  static final String[] FEATURES = {"amount", "f1", "f2", "f3", "f4", "f5", "f6", "f7"};

  private TrainingWalkthrough() {}

  /** {@code sign(x) * log(1 + |x|)}: heavy-tailed values on a scale a dense layer can use. */
  @Lambda(inputShape = "(f)", outputShape = "(f)")
  static Operand<TFloat32> signedLog(Ops tf, Operand<TFloat32> x) {
    return tf.math.mul(tf.math.sign(x), tf.math.log1p(tf.math.abs(x)));
  }

  public static void main(String[] args) throws IOException {
    Path dir = args.length > 0 ? Path.of(args[0])
        : Files.createTempDirectory("lamina-walkthrough");
    Map<String, Double> scores = run(dir, 50_000, 10_000, 5, System.out);
    System.out.printf("Best checkpoint: AUC %.4f, recall %.4f%n", scores.get("auc"),
        scores.get("recall"));
  }

  /**
   * Writes the CSV files into {@code dir}, trains, and returns the scores of the best checkpoint
   * on the validation file.
   */
  static Map<String, Double> run(Path dir, int trainRows, int validRows, int epochs,
      PrintStream out) throws IOException {
    Path trainFile = writeTransactions(dir.resolve("train.csv"), trainRows, 1);
    Path validFile = writeTransactions(dir.resolve("valid.csv"), validRows, 2);
    // README: walkthrough
    int batchSize = 256;
    long steps = epochs * ((trainRows + batchSize - 1) / batchSize);
    // Warm up from 0 to 1e-2 over the first 10% of the steps, then a cosine decay to 0.
    var schedule = new CosineDecay(0.0, steps - steps / 10, 0.0, 1e-2, steps / 10);
    var checkpoint = new ModelCheckpoint.Builder(
            dir.resolve("best-{epoch:02d}-{val_auc:.4f}.lamina"))
        .monitor("val_auc").mode("max").saveBestOnly(true).verbose(1).build();
    try (Model model = Sequential.of(Input.of(TFloat32.class, 8),
            SignedLogLayer.of(),
            Dense.builder(32).activation("relu").seed(1).build(),
            new Dropout(0.2, 2),
            Dense.builder(1).activation("sigmoid").seed(3).build());
        CsvSource train = transactions(trainFile, batchSize, true);
        CsvSource valid = transactions(validFile, 1024, false)) {
      model.compile(new CompileOptions(new Adam(schedule))
          .loss("binary_crossentropy")
          .metrics(Metrics.auc(), Metrics.precision(), Metrics.recall()));
      model.fit(train, new FitOptions().epochs(epochs).out(out)
          .validationData(valid)
          .classWeight(Map.of(0, 1.0, 1, 7.0))   // a positive counts as much as 7 negatives
          .callbacks(checkpoint));
      Path best;
      try (Stream<Path> files = Files.list(dir)) {   // saveBestOnly: the last written is the best
        best = files.filter(f -> f.getFileName().toString().startsWith("best-")).sorted()
            .reduce((first, second) -> second).orElseThrow();
      }
      try (Model loaded = Model.load(best)) {
        return loaded.evaluate(valid);
      }
    }
    // END README: walkthrough
  }

  /** A CSV of the features and the label, read a batch at a time. */
  static CsvSource transactions(Path file, int batchSize, boolean shuffle) {
    var builder = CsvSource.builder(file)
        .columns(CsvSource.Type.FLOAT, FEATURES)
        .column("label", CsvSource.Type.INT)
        .features(FEATURES)
        .target("label")
        .batchSize(batchSize);
    return (shuffle ? builder.shuffleBuffer(10_000, 42) : builder).build();
  }

  /**
   * {@code rows} seeded samples: a log-normal amount with a random sign (refunds), seven normal
   * signals; the label is drawn with probability sigmoid(-4 + 0.8·log1p(|amount|) + f1 - 0.5·f2),
   * which makes about one in eight positive.
   */
  static Path writeTransactions(Path file, int rows, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    try (BufferedWriter writer = Files.newBufferedWriter(file)) {
      writer.write(String.join(",", FEATURES) + ",label\n");
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < rows; i++) {
        double amount = Math.exp(1.5 + 1.2 * gaussian(random))
            * (random.nextDouble() < 0.1 ? -1 : 1);
        double[] f = new double[7];
        for (int j = 0; j < f.length; j++) {
          f[j] = gaussian(random);
        }
        double logit = -4 + 0.8 * Math.log1p(Math.abs(amount)) + f[0] - 0.5 * f[1];
        int label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        line.setLength(0);
        line.append((float) amount);
        for (double value : f) {
          line.append(',').append((float) value);
        }
        writer.append(line).append(',').append(Integer.toString(label)).append('\n');
      }
    }
    return file;
  }

  /** A standard normal draw (Box–Muller). */
  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
