package dev.gauntlet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.model.Capability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Keras HDF5 import. lending-mlp.h5 holds the PyTorch fixture's weights in Keras 2's layout
 * (written by the fixture script), so its probabilities and exact DL4J gradients must equal PyTorch's.
 */
class KerasModelTest {

  @Test
  void importedKerasModelGivesPyTorchsProbabilitiesAndGradients() {
    KerasModel m = KerasModel.load(Fixture.file("lending-mlp.h5"), "keras-mlp", OptionalInt.of(Fixture.width()));
    assertTrue(m.can(Capability.LOSS_GRADIENT));
    assertEquals(2, m.classCount());
    double[][] p = m.predict(Fixture.encodedRows());
    for (int i = 0; i < p.length; i++) {
      assertEquals(Fixture.TORCH_PROBABILITIES[i][1], p[i][1], 1e-5, "row " + Fixture.IDS[i]);
    }
    // DL4J backpropagation (float32) against PyTorch autograd (float32): 1e-5 + 1e-4 relative.
    OnnxModelTest.assertClose(Fixture.TORCH_LOSS_GRADIENT, m.gradients().orElseThrow().lossGradient(Fixture.INPUTS, Fixture.LABELS), 1e-5, 1e-4);
    assertTrue(m.artifact().orElseThrow().sha256().length() == 64);
  }

  @Test
  void widthMismatchAndNonHdf5FilesAreRejected(@TempDir Path tmp) throws Exception {
    UsageException w = assertThrows(UsageException.class, () -> KerasModel.load(Fixture.file("lending-mlp.h5"), "k", OptionalInt.of(12)));
    assertTrue(w.getMessage().contains("[batch, 9]") && w.getMessage().contains("[batch, 12]"), w.getMessage());
    UsageException onnx = assertThrows(UsageException.class, () -> KerasModel.load(Fixture.file("lending-mlp.onnx"), "k", OptionalInt.empty()));
    assertTrue(onnx.getMessage().contains("not an HDF5 file"), onnx.getMessage());
    byte[] good = Files.readAllBytes(Fixture.file("lending-mlp.h5"));
    Path truncated = tmp.resolve("truncated.h5");
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 3));
    UsageException t = assertThrows(UsageException.class, () -> KerasModel.load(truncated, "k", OptionalInt.empty()));
    assertTrue(t.getMessage().startsWith(truncated.toString()), t.getMessage());
  }
}
