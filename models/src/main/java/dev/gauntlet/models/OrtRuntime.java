package dev.gauntlet.models;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * ONNX Runtime's environment, with the folder its Java binding extracts the native libraries into
 * ({@code $TMPDIR/onnxruntime-java*}) removed once they are loaded: ONNX Runtime 1.19 only asks for
 * it to be deleted on exit, which fails for a non-empty folder, so one folder was left per run.
 */
final class OrtRuntime {
  private static boolean cleaned;

  private OrtRuntime() {}

  static synchronized OrtEnvironment environment() {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    if (!cleaned) {
      cleaned = true;
      extractionFolder().ifPresent(OrtRuntime::deleteTree);
    }
    return env;
  }

  /** The folder ONNX Runtime extracted its libraries into (its private {@code OnnxRuntime.tempDirectory}). */
  static java.util.Optional<Path> extractionFolder() {
    try {
      Class<?> c = Class.forName("ai.onnxruntime.OnnxRuntime");
      Field f = c.getDeclaredField("tempDirectory");
      f.setAccessible(true);
      return java.util.Optional.ofNullable((Path) f.get(null));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return java.util.Optional.empty(); // another ONNX Runtime version: nothing to clean
    }
  }

  private static void deleteTree(Path dir) {
    if (!dir.getFileName().toString().startsWith("onnxruntime-java") || !Files.isDirectory(dir)) {
      return; // only ever the folder ONNX Runtime made
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // left for ONNX Runtime's delete-on-exit
        }
      });
    } catch (IOException ignored) {
      // as above
    }
  }
}
