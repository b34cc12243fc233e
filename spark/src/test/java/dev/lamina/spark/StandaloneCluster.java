package dev.lamina.spark;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster of separate JVMs on this machine: Spark's own {@code Master} and one
 * {@code Worker} (which starts each application's executor JVMs), with the test's class path less
 * the test classes, so that the tests' lambdas reach executors only as a shipped jar. Closing it
 * ends the worker's executors, the worker and the master, also after a failed test.
 */
final class StandaloneCluster implements AutoCloseable {

  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  final String masterUrl;
  final String executorClassPath;

  private StandaloneCluster(Path dir, String masterUrl, String executorClassPath) {
    this.dir = dir;
    this.masterUrl = masterUrl;
    this.executorClassPath = executorClassPath;
  }

  /** The test JVM's class path without its test classes: what the cluster's JVMs get. */
  static String classPathWithoutTestClasses() {
    String testClasses = Path.of("target", "test-classes").toAbsolutePath().toString();
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !Path.of(entry).toAbsolutePath().toString().equals(testClasses))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** A jar of the compiled classes under {@code packageDir} and the lambda registry's entry. */
  static Path lambdaJar(Path target, String packageDir) throws IOException {
    Path classes = Path.of("target", "test-classes");
    try (OutputStream file = Files.newOutputStream(target);
        JarOutputStream jar = new JarOutputStream(file);
        Stream<Path> walk = Files.walk(classes.resolve(packageDir))) {
      List<Path> entries = new ArrayList<>(walk.filter(Files::isRegularFile).sorted().toList());
      entries.add(classes.resolve("META-INF/services/dev.lamina.runtime.registry.LambdaProvider"));
      for (Path entry : entries) {
        jar.putNextEntry(new JarEntry(classes.relativize(entry).toString().replace('\\', '/')));
        jar.write(Files.readAllBytes(entry));
        jar.closeEntry();
      }
    }
    return target;
  }

  static StandaloneCluster start(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("spark-home/jars"));
    Files.createDirectories(dir.resolve("work"));
    int port = freePort();
    int masterUi = freePort();
    String classPath = classPathWithoutTestClasses();
    StandaloneCluster cluster = new StandaloneCluster(dir, "spark://127.0.0.1:" + port,
        classPath);
    try {
      cluster.launch("master", classPath, "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", Integer.toString(port),
          "--webui-port", Integer.toString(masterUi));
      cluster.launch("worker", classPath, "org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1", "--webui-port", Integer.toString(freePort()),
          "--cores", "2", "--memory", "2g", "--work-dir", dir.resolve("work").toString(),
          cluster.masterUrl);
      cluster.awaitWorker(masterUi);
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void launch(String name, String classPath, String mainClass, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("lamina.spark.jvmOptions", "").trim()
        .split("\\s+")));
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    builder.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    processes.add(builder.start());
  }

  /** Waits (up to two minutes) until the master lists the worker as alive. */
  private void awaitWorker(int masterUi) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      for (Process process : processes) {
        if (!process.isAlive()) {
          throw new IllegalStateException("A cluster JVM ended with " + process.exitValue()
              + ":\n" + logs());
        }
      }
      try {
        String json = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + masterUi + "/json/")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        if (json.replace(" ", "").contains("\"aliveworkers\":1")) {
          return;
        }
      } catch (IOException notYet) {
        // The master's web UI is not up yet.
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("The worker did not register with the master:\n" + logs());
  }

  String logs() {
    StringBuilder text = new StringBuilder();
    for (String name : List.of("master", "worker")) {
      try {
        List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
        text.append("--- ").append(name).append(".log (last 40 lines)\n");
        lines.subList(Math.max(0, lines.size() - 40), lines.size())
            .forEach(line -> text.append(line).append('\n'));
      } catch (IOException e) {
        text.append("--- ").append(name).append(".log: ").append(e).append('\n');
      }
    }
    return text.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Ends the worker's executors, then the worker, then the master; forcibly if they linger. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process process = processes.get(i);
      List<ProcessHandle> children = process.descendants().toList();
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
      for (ProcessHandle child : children) {
        if (child.isAlive()) {
          child.destroyForcibly();
        }
      }
    }
  }
}
