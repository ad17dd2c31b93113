package dev.gauntlet.models;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.function.Supplier;

/**
 * Runs code while dropping the lines it prints to {@code System.out} that start with a prefix
 * (ND4J 1.0.0-M2.1's SameDiff prints "Added differentiated op ..." with {@code System.out.println}
 * when it builds a gradient function); every other line goes through unchanged.
 */
final class QuietStdout {
  private QuietStdout() {}

  static synchronized <T> T dropping(String prefix, Supplier<T> body) {
    PrintStream original = System.out;
    Charset cs = Charset.defaultCharset();
    PrintStream filter = new PrintStream(new OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
          flushLine();
        }
      }

      @Override
      public synchronized void flush() {
        flushLine();
        original.flush();
      }

      private void flushLine() {
        if (line.size() == 0) {
          return;
        }
        String s = line.toString(cs);
        line.reset();
        if (!s.startsWith(prefix)) {
          original.print(s);
        }
      }
    }, true, cs);
    System.setOut(filter);
    try {
      return body.get();
    } finally {
      filter.flush();
      System.setOut(original);
    }
  }
}
