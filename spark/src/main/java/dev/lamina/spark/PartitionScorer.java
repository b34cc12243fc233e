package dev.lamina.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;

/**
 * What runs in each task: reads the partition's rows in batches, predicts each batch with this
 * JVM's copy of the model, and gives every row back with the outputs appended (or drops it, or
 * appends nulls, when its inputs are invalid).
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  enum Invalid { ERROR, SKIP, KEEP }

  private final String stage;
  private final String key;
  private final Broadcast<byte[]> bytes;
  private final List<String> lambdas;
  private final InputColumn[] inputs;
  private final OutputColumn[] outputs;
  private final int batchSize;
  private final Invalid invalid;

  PartitionScorer(String stage, String key, Broadcast<byte[]> bytes, List<String> lambdas,
      InputColumn[] inputs, OutputColumn[] outputs, int batchSize, Invalid invalid) {
    this.stage = stage;
    this.key = key;
    this.bytes = bytes;
    this.lambdas = List.copyOf(lambdas);
    this.inputs = inputs;
    this.outputs = outputs;
    this.batchSize = batchSize;
    this.invalid = invalid;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new Batches(rows);
  }

  /** The partition's rows with outputs, a batch at a time. */
  private final class Batches implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final int partition;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private ExecutorModels.Lease lease;
    private long position = -1;
    /** A valid row read after the batch's shape changed, waiting for the next batch. */
    private Row carriedRow;
    private Object[] carriedSamples;
    private long[][] carriedShapes;
    /** Each input's batch array, kept for the next batch of the same size (predict copies it). */
    private final Object[] buffers = new Object[inputs.length];

    Batches(Iterator<Row> rows) {
      this.rows = rows;
      TaskContext context = TaskContext.get();
      this.partition = context == null ? -1 : context.partitionId();
    }

    @Override
    public boolean hasNext() {
      if (ready.isEmpty()) {
        fill();
      }
      return !ready.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void fill() {
      // Rows in order; a null sample array marks a kept invalid row.
      List<Row> batchRows = new ArrayList<>();
      List<Object[]> batchSamples = new ArrayList<>();
      long[][] batchShapes = null;
      int valid = 0;
      if (carriedRow != null) {
        batchRows.add(carriedRow);
        batchSamples.add(carriedSamples);
        batchShapes = carriedShapes;
        valid = 1;
        carriedRow = null;
      }
      while (valid < batchSize && rows.hasNext()) {
        Row row = rows.next();
        position++;
        Object[] samples = new Object[inputs.length];
        long[][] shapes = new long[inputs.length][];
        String problem = null;
        for (int i = 0; i < inputs.length && problem == null; i++) {
          shapes[i] = new long[inputs[i].spec.rank()];
          try {
            samples[i] = inputs[i].read(row.get(inputs[i].index), shapes[i]);
          } catch (InputColumn.InvalidValue e) {
            problem = describe(inputs[i], e.getMessage());
          } catch (ClassCastException e) {
            problem = describe(inputs[i], "holds a value of an unexpected type (" + e.getMessage()
                + ")");
          }
        }
        if (problem != null) {
          if (invalid == Invalid.ERROR) {
            throw new IllegalArgumentException(problem + ". Set handleInvalid to \"skip\" to "
                + "drop such rows, or to \"keep\" to give them null outputs");
          }
          if (invalid == Invalid.KEEP) {
            batchRows.add(row);
            batchSamples.add(null);
          }
          continue;
        }
        if (batchShapes != null && !sameShapes(batchShapes, shapes)) {
          carriedRow = row;
          carriedSamples = samples;
          carriedShapes = shapes;
          break;
        }
        batchShapes = shapes;
        batchRows.add(row);
        batchSamples.add(samples);
        valid++;
      }
      if (batchRows.isEmpty()) {
        return;
      }
      Object[][] results = valid == 0 ? null : predict(batchSamples, batchShapes, valid);
      long[][] outDims = new long[outputs.length][];
      int[] outSizes = new int[outputs.length];
      if (results != null) {
        for (int j = 0; j < outputs.length; j++) {
          outDims[j] = (long[]) results[j][1];
          outSizes[j] = (int) (long) results[j][2];
        }
      }
      int sample = 0;
      for (int r = 0; r < batchRows.size(); r++) {
        Row row = batchRows.get(r);
        Object[] values = new Object[row.length() + outputs.length];
        for (int c = 0; c < row.length(); c++) {
          values[c] = row.get(c);
        }
        if (batchSamples.get(r) != null) {
          for (int j = 0; j < outputs.length; j++) {
            values[row.length() + j] = outputs[j].value(results[j][0], sample, outDims[j],
                outSizes[j]);
          }
          sample++;
        }
        ready.add(RowFactory.create(values));
      }
    }

    private String describe(InputColumn input, String what) {
      return stage + ": row " + position + (partition >= 0 ? " of partition " + partition : "")
          + " (counting from 0): input column '" + input.column + "' " + what
          + "; the model's " + input.spec.describe() + " takes " + InputColumn.expected(input.spec);
    }

    /** Predicts the valid samples; per output {data, per-sample dims, per-sample size}. */
    private Object[][] predict(List<Object[]> samples, long[][] shapes, int count) {
      if (lease == null) {
        lease = ExecutorModels.acquire(key, bytes, lambdas, stage);
        TaskContext context = TaskContext.get();
        ExecutorModels.Lease held = lease;
        if (context != null) {
          context.addTaskCompletionListener((TaskCompletionListener) done -> held.close());
        }
      }
      List<NdArray<?>> data = new ArrayList<>(inputs.length);
      for (int i = 0; i < inputs.length; i++) {
        long[] dims = shapes[i];
        int size = 1;
        for (long dim : dims) {
          size *= (int) dim;
        }
        long total = (long) size * count;
        if (total > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException(stage + ": a batch of " + count + " rows of input "
              + "column '" + inputs[i].column + "' has " + total + " values, more than a Java "
              + "array holds; set a smaller batchSize");
        }
        ElementKind kind = inputs[i].spec.kind;
        Object batch = buffers[i];
        if (batch == null || java.lang.reflect.Array.getLength(batch) != total) {
          batch = kind.allocate((int) total);
          buffers[i] = batch;
        }
        int offset = 0;
        for (Object[] row : samples) {
          if (row != null) {
            System.arraycopy(row[i], 0, batch, offset, size);
            offset += size;
          }
        }
        long[] full = new long[dims.length + 1];
        full[0] = count;
        System.arraycopy(dims, 0, full, 1, dims.length);
        data.add(kind.wrap(Shape.of(full), batch));
      }
      List<NdArray<?>> predicted = lease.model().predict(data, count);
      Object[][] results = new Object[outputs.length][];
      for (int j = 0; j < outputs.length; j++) {
        NdArray<?> out = predicted.get(j);
        long[] full = out.shape().asArray();
        long[] dims = Arrays.copyOfRange(full, 1, full.length);
        long size = 1;
        for (long dim : dims) {
          size *= dim;
        }
        results[j] = new Object[] {outputs[j].spec.kind.read(out), dims, size};
      }
      return results;
    }
  }

  private static boolean sameShapes(long[][] a, long[][] b) {
    for (int i = 0; i < a.length; i++) {
      if (!Arrays.equals(a[i], b[i])) {
        return false;
      }
    }
    return true;
  }
}
