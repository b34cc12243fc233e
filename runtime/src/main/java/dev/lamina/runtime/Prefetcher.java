package dev.lamina.runtime;

import dev.lamina.runtime.data.Batch;
import dev.lamina.runtime.data.BatchSource;
import dev.lamina.runtime.data.BatchSourceException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.function.Function;

/**
 * Reads a {@link BatchSource}'s next batches on one background thread, and prepares them (checks
 * and conversion to the dtypes fed), while the caller runs the current one: Keras's
 * {@code PyDataset} workers. One job at a time: {@link #start} a run of batch indices,
 * {@link #next} until it gives {@code null}, {@link #finish}. A failure is rethrown by
 * {@link #next} as a {@link BatchSourceException} naming the batch's index. {@link #close} stops
 * the thread; {@code fit} closes it when it ends or throws.
 *
 * <p>With a queue size of 0 there is no thread: {@link #next} reads on the caller's thread.
 */
final class Prefetcher implements AutoCloseable {

  /** The thread's name, for tests and thread dumps. */
  static final String THREAD_NAME = "lamina-prefetch";

  private record Job(BatchSource source, Cursor.Pass pass, Function<Batch, Object> prepare) {}

  private record Failure(long index, Throwable error) {}

  private static final Object DONE = new Object();

  private final BlockingQueue<Object> ready;
  private final SynchronousQueue<Job> jobs = new SynchronousQueue<>();
  private final Thread thread;
  private volatile boolean cancelled;
  private volatile boolean closed;
  private Job current;
  private long step;
  private boolean jobDone = true;

  Prefetcher(int queueSize) {
    if (queueSize > 0) {
      ready = new ArrayBlockingQueue<>(queueSize);
      thread = new Thread(this::work, THREAD_NAME);
      thread.setDaemon(true);
      thread.start();
    } else {
      ready = null;
      thread = null;
    }
  }

  /** Starts reading the pass's batches, preparing each with {@code prepare}. */
  void start(BatchSource source, Cursor.Pass pass, Function<Batch, Object> prepare) {
    if (!jobDone) {
      throw new IllegalStateException("The previous pass is not finished");
    }
    current = new Job(source, pass, prepare);
    step = 0;
    jobDone = false;
    cancelled = false;
    if (thread != null) {
      try {
        while (!jobs.offer(current, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          if (!thread.isAlive()) {
            jobDone = true;
            throw new IllegalStateException("The prefetch thread has ended");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while starting to read batches", e);
      }
    }
  }

  /**
   * The next prepared batch of the pass, or {@code null} when the pass has given all it was
   * asked for or the source has no more batches ({@link #exhausted()} tells which).
   */
  Object next() {
    if (jobDone) {
      return null;
    }
    Object item;
    if (thread == null) {
      item = produce(current, step);
    } else {
      try {
        item = ready.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for a batch", e);
      }
    }
    if (item == DONE) {
      jobDone = true;
      return null;
    }
    if (item instanceof Failure failure) {
      jobDone = true;
      throw failure(current.source(), failure);
    }
    step++;
    return item;
  }

  private volatile boolean exhausted;

  /** Whether the last pass ended because the source had no more batches. */
  boolean exhausted() {
    return exhausted;
  }

  /** Ends the current pass: stops reading ahead and drops what was read but not taken. */
  void finish() {
    cancelled = true;
    while (!jobDone) {
      try {
        next();
      } catch (BatchSourceException e) {
        // A batch read ahead and never used: its failure does not matter.
      }
    }
  }

  private static BatchSourceException failure(BatchSource source, Failure failure) {
    Throwable error = failure.error();
    if (error instanceof BatchSourceException known) {
      return known;
    }
    return new BatchSourceException(failure.index(), "Batch " + failure.index() + " of " + source
        + " failed: " + error.getMessage(), error);
  }

  /** One step of a job: a prepared batch, {@link #DONE}, or a {@link Failure}. */
  private Object produce(Job job, long at) {
    Cursor.Pass pass = job.pass();
    if (cancelled || (pass.limit() >= 0 && at >= pass.limit())) {
      exhausted = false;
      return DONE;
    }
    long index = pass.index(at);
    try {
      Batch batch = job.source().batch(index);
      if (batch == null) {
        if (pass.known()) {
          throw new IllegalStateException("the source has " + job.source().batches()
              + " batches but gave null for batch " + index);
        }
        exhausted = true;
        return DONE;
      }
      return job.prepare().apply(batch);
    } catch (Exception | Error e) {
      return new Failure(index, e);
    }
  }

  private void work() {
    try {
      while (!closed) {
        Job job = jobs.take();
        for (long at = 0; ; at++) {
          Object item = produce(job, at);
          ready.put(item);
          if (item == DONE || item instanceof Failure) {
            break;
          }
        }
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  @Override
  public void close() {
    closed = true;
    cancelled = true;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ready.clear();
    }
  }
}
