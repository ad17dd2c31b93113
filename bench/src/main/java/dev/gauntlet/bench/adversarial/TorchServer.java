package dev.gauntlet.bench.adversarial;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The PyTorch side of the interleaved benchmarks: {@code bench/src/main/python/torch_attack_server.py}
 * in a persistent subprocess on 2 threads (OMP_NUM_THREADS=2), one operation per command, each
 * answered with its elapsed seconds; plus the statistics both benchmarks print.
 */
final class TorchServer implements AutoCloseable {
  private final Process process;
  private final BufferedReader in;
  private final PrintWriter cmd;
  /** The server's first line: torch version and threads, as JSON. */
  final String header;

  /** Starts the server with {@code python}; {@code weights}, when not null, is the file of the Java side's weights and batch. */
  TorchServer(String python, Path weights) throws Exception {
    Path script = Path.of("bench/src/main/python/torch_attack_server.py");
    if (!Files.exists(script)) {
      script = Path.of("src/main/python/torch_attack_server.py");
    }
    List<String> command = new ArrayList<>(List.of(python, script.toString(), "2"));
    if (weights != null) {
      command.add(weights.toString());
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("OMP_NUM_THREADS", "2");
    pb.redirectErrorStream(true);
    process = pb.start();
    in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    cmd = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    header = in.readLine();
  }

  /** Runs {@code op} once on the PyTorch side and returns what it prints (elapsed seconds, or the op's figure). */
  double run(String op) throws Exception {
    cmd.println(op);
    String line = in.readLine();
    if (line == null) {
      throw new IllegalStateException("the PyTorch server stopped (install python3-torch)");
    }
    try {
      return Double.parseDouble(line.trim());
    } catch (NumberFormatException e) {
      StringBuilder rest = new StringBuilder(line);
      for (String l = in.readLine(); l != null; l = in.readLine()) {
        rest.append('\n').append(l);
      }
      throw new IllegalStateException("the PyTorch server failed on '" + op + "':\n" + rest, e);
    }
  }

  @Override
  public void close() throws Exception {
    cmd.println("quit");
    process.waitFor();
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  /** {@code uptime}'s line (the load average), for the benchmark's report. */
  static String uptime() {
    try {
      Process u = new ProcessBuilder("uptime").redirectErrorStream(true).start();
      String s = new String(u.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      u.waitFor();
      return s;
    } catch (Exception e) {
      return "uptime unavailable: " + e.getMessage();
    }
  }
}
